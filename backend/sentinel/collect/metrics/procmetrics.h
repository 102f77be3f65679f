// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Parsers of the /proc files the metrics source reads: plain functions over the text, so they
// are tested on captured samples. Malformed lines are skipped (and counted where it matters);
// nothing here trusts a length or a count from the text.
namespace vanopticon::sentinel {

// The aggregate "cpu" line of /proc/stat, in clock ticks.
struct CpuTimes {
    std::uint64_t user = 0;
    std::uint64_t nice = 0;
    std::uint64_t system = 0;
    std::uint64_t idle = 0;
    std::uint64_t iowait = 0;
    std::uint64_t irq = 0;
    std::uint64_t softirq = 0;
    std::uint64_t steal = 0;

    // guest and guest_nice are already counted in user and nice.
    std::uint64_t total() const { return user + nice + system + idle + iowait + irq + softirq + steal; }
};
std::optional<CpuTimes> parseProcStatCpu(std::string_view text);

// Shares of the time between two readings, in percent; they add up to 100.
struct CpuPercentages {
    double user = 0; // user + nice
    double system = 0; // system + irq + softirq
    double idle = 0;
    double iowait = 0;
    double steal = 0;
};
// nullopt when no time passed between the readings (or the counters went backwards).
std::optional<CpuPercentages> cpuPercentages(const CpuTimes &before, const CpuTimes &after);

// /proc/meminfo, in bytes.
struct MemoryInfo {
    std::uint64_t totalBytes = 0;
    std::uint64_t availableBytes = 0; // MemAvailable; estimated from free + buffers + cached before Linux 3.14
    std::uint64_t swapTotalBytes = 0;
    std::uint64_t swapFreeBytes = 0;

    double usedPercent() const;
    double swapUsedPercent() const;
};
std::optional<MemoryInfo> parseMeminfo(std::string_view text);

// One line of /proc/diskstats (sectors are 512 bytes there, whatever the device's own size).
struct DiskCounters {
    std::string name;
    std::uint64_t readsCompleted = 0;
    std::uint64_t sectorsRead = 0;
    std::uint64_t writesCompleted = 0;
    std::uint64_t sectorsWritten = 0;
    std::uint64_t ioTicksMs = 0; // time the device was busy
};
// Appends at most `maxDevices` devices; returns the number of malformed lines.
std::size_t parseDiskstats(std::string_view text, std::vector<DiskCounters> &out, std::size_t maxDevices);

// One interface of /proc/net/dev.
struct InterfaceCounters {
    std::string name;
    std::uint64_t rxBytes = 0;
    std::uint64_t rxPackets = 0;
    std::uint64_t rxErrors = 0;
    std::uint64_t rxDrops = 0;
    std::uint64_t txBytes = 0;
    std::uint64_t txPackets = 0;
    std::uint64_t txErrors = 0;
    std::uint64_t txDrops = 0;
};
// Appends at most `maxInterfaces` interfaces; returns the number of malformed lines.
std::size_t parseNetDev(std::string_view text, std::vector<InterfaceCounters> &out, std::size_t maxInterfaces);

// /proc/loadavg.
struct LoadAverage {
    double one = 0;
    double five = 0;
    double fifteen = 0;
    std::uint32_t running = 0; // runnable scheduling entities
    std::uint32_t total = 0;
};
std::optional<LoadAverage> parseLoadavg(std::string_view text);

// How much a counter grew; 0 when it went backwards (a device reset or re-added).
inline std::uint64_t counterDelta(std::uint64_t before, std::uint64_t after) {
    return after >= before ? after - before : 0;
}

} // namespace vanopticon::sentinel
