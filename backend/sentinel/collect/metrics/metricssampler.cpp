// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/metrics/metricssampler.h"

#include "sentinel/collect/process/procfile.h"

#include <algorithm>
#include <cstdint>

#include <fnmatch.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

namespace vanopticon::sentinel {

namespace {

// The aggregate cpu line comes first; the rest of /proc/stat (per-cpu lines, interrupts) is not needed.
constexpr std::size_t kStatBytes = 4096;
constexpr std::size_t kSmallFileBytes = 16 * 1024;
constexpr std::size_t kDeviceFileBytes = 256 * 1024;
constexpr std::size_t kMaxWholeDiskNames = 1024;

bool matchesAny(const std::vector<std::string> &patterns, const std::string &name) {
    return std::any_of(patterns.begin(), patterns.end(),
        [&name](const std::string &pattern) { return ::fnmatch(pattern.c_str(), name.c_str(), 0) == 0; });
}

template<typename Counters> const Counters *findByName(const std::vector<Counters> &list, const std::string &name) {
    const auto it = std::find_if(list.begin(), list.end(), [&name](const Counters &c) { return c.name == name; });
    return it == list.end() ? nullptr : &*it;
}

} // namespace

MetricsSampler::MetricsSampler(MetricsConfig config, MetricsPaths paths)
    : m_config(std::move(config))
    , m_paths(std::move(paths)) {
}

bool MetricsSampler::read(const char *file, std::size_t limit) {
    if (readProcFile(m_paths.proc + "/" + file, limit, m_text))
        return true;
    ++m_stats.readFailures;
    return false;
}

bool MetricsSampler::diskSelected(const std::string &name) {
    if (!m_config.disks.empty())
        return matchesAny(m_config.disks, name);
    if (name.starts_with("loop") || name.starts_with("ram"))
        return false;
    // Whole disks have a directory in /sys/block; partitions (counted in their disk) do not.
    auto it = m_wholeDisk.find(name);
    if (it == m_wholeDisk.end()) {
        if (m_wholeDisk.size() >= kMaxWholeDiskNames)
            m_wholeDisk.clear();
        struct stat info { };
        const bool whole = ::stat((m_paths.sys + "/block/" + name).c_str(), &info) == 0;
        it = m_wholeDisk.emplace(name, whole).first;
    }
    return it->second;
}

bool MetricsSampler::interfaceSelected(const std::string &name) const {
    if (!m_config.interfaces.empty())
        return matchesAny(m_config.interfaces, name);
    return name != "lo";
}

std::optional<MetricsSample> MetricsSampler::sample(std::int64_t monotonicNs) {
    MetricsSample sample;
    const bool first = !m_previousNs.has_value();
    sample.intervalNs = first ? 0 : monotonicNs - *m_previousNs;
    if (!first && sample.intervalNs <= 0)
        return std::nullopt;
    const double seconds = double(sample.intervalNs) / 1e9;

    std::optional<CpuTimes> cpu;
    if (read("stat", kStatBytes)) {
        cpu = parseProcStatCpu(m_text);
        if (!cpu)
            ++m_stats.readFailures;
    }
    if (read("meminfo", kSmallFileBytes)) {
        sample.memory = parseMeminfo(m_text);
        if (!sample.memory)
            ++m_stats.readFailures;
    }
    if (read("loadavg", kSmallFileBytes)) {
        sample.load = parseLoadavg(m_text);
        if (!sample.load)
            ++m_stats.readFailures;
    }

    m_disksNow.clear();
    if (read("diskstats", kDeviceFileBytes)) {
        std::vector<DiskCounters> all;
        m_stats.malformedLines += parseDiskstats(m_text, all, SIZE_MAX);
        for (DiskCounters &disk : all) {
            if (!diskSelected(disk.name))
                continue;
            if (m_disksNow.size() >= kMaxDevices) {
                ++m_stats.devicesIgnored;
                continue;
            }
            m_disksNow.push_back(std::move(disk));
        }
    }
    m_interfacesNow.clear();
    if (read("net/dev", kDeviceFileBytes)) {
        std::vector<InterfaceCounters> all;
        m_stats.malformedLines += parseNetDev(m_text, all, SIZE_MAX);
        for (InterfaceCounters &interface : all) {
            if (!interfaceSelected(interface.name))
                continue;
            if (m_interfacesNow.size() >= kMaxDevices) {
                ++m_stats.devicesIgnored;
                continue;
            }
            m_interfacesNow.push_back(std::move(interface));
        }
    }

    if (!first) {
        if (cpu && m_cpu)
            sample.cpu = cpuPercentages(*m_cpu, *cpu);
        for (const DiskCounters &now : m_disksNow) {
            const DiskCounters *before = findByName(m_disks, now.name);
            if (before == nullptr)
                continue; // appeared during the interval: rates from the next one
            DiskRate rate;
            rate.name = now.name;
            rate.readBytesPerSecond = double(counterDelta(before->sectorsRead, now.sectorsRead)) * 512.0 / seconds;
            rate.writeBytesPerSecond
                = double(counterDelta(before->sectorsWritten, now.sectorsWritten)) * 512.0 / seconds;
            rate.busyPercent = std::min(100.0,
                double(counterDelta(before->ioTicksMs, now.ioTicksMs)) / (double(sample.intervalNs) / 1e6) * 100.0);
            sample.disks.push_back(std::move(rate));
        }
        for (const InterfaceCounters &now : m_interfacesNow) {
            const InterfaceCounters *before = findByName(m_interfaces, now.name);
            if (before == nullptr)
                continue;
            InterfaceRate rate;
            rate.name = now.name;
            rate.rxBytesPerSecond = double(counterDelta(before->rxBytes, now.rxBytes)) / seconds;
            rate.txBytesPerSecond = double(counterDelta(before->txBytes, now.txBytes)) / seconds;
            rate.rxErrors = counterDelta(before->rxErrors, now.rxErrors);
            rate.txErrors = counterDelta(before->txErrors, now.txErrors);
            rate.rxDrops = counterDelta(before->rxDrops, now.rxDrops);
            rate.txDrops = counterDelta(before->txDrops, now.txDrops);
            sample.interfaces.push_back(std::move(rate));
        }
        for (const MetricsMount &mount : m_config.mounts) {
            struct statvfs info { };
            if (::statvfs(mount.path.c_str(), &info) != 0 || info.f_blocks == 0) {
                ++m_stats.mountFailures;
                continue;
            }
            // As df: used against what is usable by users (the reserved blocks excluded).
            const std::uint64_t fragment = info.f_frsize != 0 ? info.f_frsize : info.f_bsize;
            const std::uint64_t used = info.f_blocks - std::min(info.f_bfree, info.f_blocks);
            const std::uint64_t usable = used + info.f_bavail;
            MountUsage usage;
            usage.mount = &mount;
            usage.totalBytes = std::uint64_t(info.f_blocks) * fragment;
            usage.freeBytes = std::uint64_t(info.f_bavail) * fragment;
            usage.usedPercent = usable == 0 ? 0.0 : 100.0 * double(used) / double(usable);
            sample.mounts.push_back(usage);
        }
    }

    m_previousNs = monotonicNs;
    if (cpu)
        m_cpu = cpu;
    std::swap(m_disks, m_disksNow);
    std::swap(m_interfaces, m_interfacesNow);
    if (first)
        return std::nullopt;
    ++m_stats.samples;
    return sample;
}

} // namespace vanopticon::sentinel
