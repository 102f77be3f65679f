// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/config/section.h"
#include "shared/core/result.h"

#include <chrono>
#include <string>
#include <vector>

namespace vanopticon::sentinel {

// A filesystem whose usage is reported, and the name its fields carry ("/" → root,
// "/var/log" → var_log: field names hold letters, digits, '_' and '-').
struct MetricsMount {
    std::string path;
    std::string name;
};

// One `type: metrics` entry of collector.sources.
struct MetricsConfig {
    std::chrono::milliseconds interval {10'000};
    std::vector<MetricsMount> mounts;
    std::vector<std::string> disks; // globs; empty: whole disks (those in /sys/block) but loop* and ram*
    std::vector<std::string> interfaces; // globs; empty: every interface but lo
};

inline constexpr std::chrono::milliseconds kMinMetricsInterval {1000};
inline constexpr std::chrono::milliseconds kMaxMetricsInterval {3'600'000};

// The field-name form of a device or mount name: characters other than letters, digits, '_'
// and '-' become '_'.
std::string metricsFieldName(std::string_view name);

// Reads one entry:
//   - type: metrics
//     interval: 10s                # optional, 1s to 1h
//     mounts: [/, /var]            # optional: filesystems whose usage is reported (statvfs)
//     disks: ["sd*", "nvme*n1"]    # optional globs of /proc/diskstats names
//     interfaces: ["eth*", "ens*"] # optional globs of /proc/net/dev names
// Unknown settings and bad values are refused with file:line.
Result<MetricsConfig> parseMetricsConfig(const config::Section &entry);

} // namespace vanopticon::sentinel
