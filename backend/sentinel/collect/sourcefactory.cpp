// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/sourcefactory.h"

#include "sentinel/collect/syslogfilesource.h"

#include <map>

namespace vanopticon::sentinel {

namespace {

constexpr const char *kSupportedTypes = "syslog";

Result<std::unique_ptr<Source>> createSource(const config::Section &entry, const SyslogContext &context) {
    if (!entry.isMap())
        return entry.error("expected a mapping with a type and its settings");
    auto type = entry.requireString("type");
    if (!type)
        return type.error();
    if (*type == "syslog") {
        auto config = parseSyslogFileConfig(entry);
        if (!config)
            return config.error();
        return std::unique_ptr<Source>(std::make_unique<SyslogFileSource>(std::move(*config), context));
    }
    return entry.child("type").error("unknown source type '" + *type + "' (supported: " + kSupportedTypes + ")");
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
