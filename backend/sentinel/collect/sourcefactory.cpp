// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/sourcefactory.h"

#include "sentinel/collect/evtx/evtxsource.h"
#include "sentinel/collect/filemon/filemonitorsource.h"
#include "sentinel/collect/journald/journaldsource.h"
#include "sentinel/collect/metrics/metricssource.h"
#include "sentinel/collect/netflow/netflowsource.h"
#include "sentinel/collect/process/processmonitorsource.h"
#include "sentinel/collect/syslogfilesource.h"
#include "sentinel/collect/syslognet/syslogtcpsource.h"
#include "sentinel/collect/syslognet/syslogudpsource.h"

#include <map>

namespace vanopticon::sentinel {

namespace {

// Reads an entry's settings with the type's parser, then builds the source.
template<typename Config, typename Make>
Result<std::unique_ptr<Source>> build(
    Result<Config> (*parse)(const config::Section &), const config::Section &entry, Make make) {
    auto config = parse(entry);
    if (!config)
        return config.error();
    return std::unique_ptr<Source>(make(std::move(*config)));
}

struct SourceType {
    std::string_view name;
    Result<std::unique_ptr<Source>> (*create)(const config::Section &entry, const SyslogContext &context);
};

const SourceType kSourceTypes[] = {
    {"syslog",
        [](const config::Section &entry, const SyslogContext &context) {
            return build(&parseSyslogFileConfig, entry,
                [&](SourceConfig config) { return new SyslogFileSource(std::move(config), context); });
        }},
    {"syslog_udp",
        [](const config::Section &entry, const SyslogContext &context) {
            return build(&parseSyslogUdpConfig, entry,
                [&](SyslogUdpConfig config) { return new SyslogUdpSource(std::move(config), context); });
        }},
    {"syslog_tcp",
        [](const config::Section &entry, const SyslogContext &context) {
            return build(&parseSyslogTcpConfig, entry,
                [&](SyslogTcpConfig config) { return new SyslogTcpSource(std::move(config), context); });
        }},
    {"journald",
        [](const config::Section &entry, const SyslogContext &context) {
            return build(&parseJournaldConfig, entry,
                [&](JournaldConfig config) { return new JournaldSource(std::move(config), context); });
        }},
    {"evtx",
        [](const config::Section &entry, const SyslogContext &context) {
            return build(
                &parseEvtxConfig, entry, [&](EvtxConfig config) { return new EvtxSource(std::move(config), context); });
        }},
    {"netflow",
        [](const config::Section &entry, const SyslogContext &) {
            return build(
                &parseNetflowConfig, entry, [](NetflowConfig config) { return new NetflowSource(std::move(config)); });
        }},
    {"process_monitor",
        [](const config::Section &entry, const SyslogContext &) {
            return build(&parseProcessMonitorConfig, entry,
                [](ProcessMonitorConfig config) { return new ProcessMonitorSource(std::move(config)); });
        }},
    {"file_monitor",
        [](const config::Section &entry, const SyslogContext &) {
            return build(&parseFileMonitorConfig, entry,
                [](FileMonitorConfig config) { return new FileMonitorSource(std::move(config)); });
        }},
    {"metrics",
        [](const config::Section &entry, const SyslogContext &) {
            return build(
                &parseMetricsConfig, entry, [](MetricsConfig config) { return new MetricsSource(std::move(config)); });
        }},
};

std::string supportedTypes() {
    std::string names;
    for (const SourceType &type : kSourceTypes)
        names += (names.empty() ? "" : ", ") + std::string(type.name);
    return names;
}

Result<std::unique_ptr<Source>> createSource(const config::Section &entry, const SyslogContext &context) {
    if (!entry.isMap())
        return entry.error("expected a mapping with a type and its settings");
    auto type = entry.requireString("type");
    if (!type)
        return type.error();
    for (const SourceType &known : kSourceTypes) {
        if (known.name == *type)
            return known.create(entry, context);
    }
    return entry.child("type").error("unknown source type '" + *type + "' (supported: " + supportedTypes() + ")");
}

} // namespace

Result<std::vector<std::unique_ptr<Source>>> createSources(
    const config::Section &collector, const SyslogContext &context) {
    if (auto known = collector.allowOnly({"sources"}); !known)
        return known.error();
    auto entries = collector.child("sources").elements();
    if (!entries)
        return entries.error();
    std::vector<std::unique_ptr<Source>> sources;
    std::map<std::string, std::string> collectedBy; // source name → the entry that collects it
    for (const config::Section &entry : *entries) {
        auto source = createSource(entry, context);
        if (!source)
            return source.error();
        // Two sources collecting the same thing would deliver every event twice.
        const auto [it, added] = collectedBy.emplace((*source)->name(), entry.path());
        if (!added)
            return entry.error("'" + (*source)->name() + "' is already collected by " + it->second);
        sources.push_back(std::move(*source));
    }
    return sources;
}

} // namespace vanopticon::sentinel
