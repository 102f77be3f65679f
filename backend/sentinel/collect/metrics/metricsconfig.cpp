// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/metrics/metricsconfig.h"

#include <algorithm>

namespace vanopticon::sentinel {

namespace {

constexpr std::size_t kMaxListEntries = 64;

Result<std::vector<std::string>> globList(const config::Section &entry, std::string_view key) {
    auto list = entry.strings(key);
    if (!list)
        return list.error();
    if (list->size() > kMaxListEntries)
        return entry.child(key).error("at most " + std::to_string(kMaxListEntries) + " entries");
    for (const std::string &pattern : *list) {
        if (pattern.empty() || pattern.find('\0') != std::string::npos || pattern.find('/') != std::string::npos)
            return entry.child(key).error("expected device name patterns, got '" + pattern + "'");
    }
    return list;
}

} // namespace

std::string metricsFieldName(std::string_view name) {
    std::string out(name);
    for (char &c : out) {
        const bool allowed
            = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!allowed)
            c = '_';
    }
    return out;
}

Result<MetricsConfig> parseMetricsConfig(const config::Section &entry) {
    if (!entry.isMap())
        return entry.error("expected a mapping with type and settings");
    if (auto known = entry.allowOnly({"type", "interval", "mounts", "disks", "interfaces"}); !known)
        return known.error();
    auto type = entry.requireString("type");
    if (!type)
        return type.error();
    if (*type != "metrics")
        return entry.child("type").error("expected type metrics, got '" + *type + "'");

    MetricsConfig config;
    auto interval = entry.duration("interval", config.interval);
    if (!interval)
        return interval.error();
    if (*interval < kMinMetricsInterval || *interval > kMaxMetricsInterval)
        return entry.child("interval").error("must be between 1s and 1h");
    config.interval = *interval;

    auto mounts = entry.strings("mounts");
    if (!mounts)
        return mounts.error();
    if (mounts->size() > kMaxListEntries)
        return entry.child("mounts").error("at most " + std::to_string(kMaxListEntries) + " mounts");
    for (std::string &path : *mounts) {
        if (path.empty() || path.front() != '/' || path.find('\0') != std::string::npos)
            return entry.child("mounts").error("expected an absolute path, got '" + path + "'");
        while (path.size() > 1 && path.back() == '/')
            path.pop_back();
        MetricsMount mount {path, path == "/" ? std::string("root") : metricsFieldName(path.substr(1))};
        const auto clash = std::find_if(config.mounts.begin(), config.mounts.end(),
            [&mount](const MetricsMount &other) { return other.name == mount.name; });
        if (clash != config.mounts.end())
            return entry.child("mounts").error(
                "'" + path + "' and '" + clash->path + "' would both be reported as fs." + mount.name);
        config.mounts.push_back(std::move(mount));
    }

    auto disks = globList(entry, "disks");
    if (!disks)
        return disks.error();
    config.disks = std::move(*disks);
    auto interfaces = globList(entry, "interfaces");
    if (!interfaces)
        return interfaces.error();
    config.interfaces = std::move(*interfaces);
    return config;
}

} // namespace vanopticon::sentinel
