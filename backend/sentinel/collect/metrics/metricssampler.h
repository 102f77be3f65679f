// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/metrics/metricsconfig.h"
#include "sentinel/collect/metrics/procmetrics.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vanopticon::sentinel {

// Where the sampler reads: the real /proc and /sys, or directories laid out like them (tests).
struct MetricsPaths {
    std::string proc = "/proc";
    std::string sys = "/sys";
};

struct DiskRate {
    std::string name;
    double readBytesPerSecond = 0;
    double writeBytesPerSecond = 0;
    double busyPercent = 0; // share of the interval the device had I/O in flight
};

struct InterfaceRate {
    std::string name;
    double rxBytesPerSecond = 0;
    double txBytesPerSecond = 0;
    std::uint64_t rxErrors = 0; // during the interval
    std::uint64_t txErrors = 0;
    std::uint64_t rxDrops = 0;
    std::uint64_t txDrops = 0;
};

struct MountUsage {
    const MetricsMount *mount = nullptr;
    std::uint64_t totalBytes = 0;
    std::uint64_t freeBytes = 0; // available to unprivileged users, as df shows it
    double usedPercent = 0;
};

// One interval's figures. Parts whose file could not be read are absent.
struct MetricsSample {
    std::int64_t intervalNs = 0;
    std::optional<CpuPercentages> cpu;
    std::optional<MemoryInfo> memory;
    std::optional<LoadAverage> load;
    std::vector<DiskRate> disks;
    std::vector<InterfaceRate> interfaces;
    std::vector<MountUsage> mounts;
};

struct MetricsSamplerStats {
    std::uint64_t samples = 0;
    std::uint64_t readFailures = 0; // a /proc file that could not be read or parsed
    std::uint64_t malformedLines = 0;
    std::uint64_t mountFailures = 0; // statvfs refused
    std::uint64_t devicesIgnored = 0; // beyond kMaxDevices in one reading
};

// Reads the counters and turns two readings into rates. Plain C++: the source calls it on a timer
// with the monotonic time; the first call only takes the first reading.
class MetricsSampler {
public:
    static constexpr std::size_t kMaxDevices = 64; // disks, and interfaces, per reading

    explicit MetricsSampler(MetricsConfig config, MetricsPaths paths = {});

    // Reads now; returns the figures since the previous call (none on the first call, or when no
    // time passed).
    std::optional<MetricsSample> sample(std::int64_t monotonicNs);

    const MetricsSamplerStats &stats() const { return m_stats; }
    const MetricsConfig &config() const { return m_config; }

private:
    bool diskSelected(const std::string &name);
    bool interfaceSelected(const std::string &name) const;
    bool read(const char *file, std::size_t limit);

    MetricsConfig m_config;
    MetricsPaths m_paths;
    MetricsSamplerStats m_stats;
    std::string m_text; // reused for every file
    std::optional<std::int64_t> m_previousNs;
    std::optional<CpuTimes> m_cpu;
    std::vector<DiskCounters> m_disks;
    std::vector<DiskCounters> m_disksNow;
    std::vector<InterfaceCounters> m_interfaces;
    std::vector<InterfaceCounters> m_interfacesNow;
    std::map<std::string, bool> m_wholeDisk; // name → listed in /sys/block (bounded by kMaxDevices growth)
};

} // namespace vanopticon::sentinel
