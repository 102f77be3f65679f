// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/metrics/procmetrics.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace vanopticon::sentinel {

namespace {

constexpr std::size_t kMaxNameBytes = 64;

// Splits a line at spaces and tabs into at most N tokens; returns how many it found.
template<std::size_t N> std::size_t tokenize(std::string_view line, std::array<std::string_view, N> &tokens) {
    std::size_t count = 0;
    std::size_t pos = 0;
    while (pos < line.size() && count < N) {
        while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t'))
            ++pos;
        const std::size_t start = pos;
        while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t')
            ++pos;
        if (pos > start)
            tokens[count++] = line.substr(start, pos - start);
    }
    return count;
}

template<typename T> bool number(std::string_view text, T &value) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
}

// Calls `f(line)` for each line of `text`.
template<typename F> void forEachLine(std::string_view text, F &&f) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        f(text.substr(pos, end - pos));
        pos = end + 1;
    }
}

double percent(std::uint64_t part, std::uint64_t whole) {
    return whole == 0 ? 0.0 : 100.0 * double(part) / double(whole);
}

} // namespace

std::optional<CpuTimes> parseProcStatCpu(std::string_view text) {
    const std::string_view line = text.substr(0, text.find('\n'));
    std::array<std::string_view, 11> tokens {};
    const std::size_t count = tokenize(line, tokens);
    // "cpu" and at least user nice system idle (older kernels stop there).
    if (count < 5 || tokens[0] != "cpu")
        return std::nullopt;
    CpuTimes times;
    std::array<std::uint64_t *, 8> fields {
        &times.user, &times.nice, &times.system, &times.idle, &times.iowait, &times.irq, &times.softirq, &times.steal};
    for (std::size_t i = 0; i < fields.size() && i + 1 < count; ++i) {
        if (!number(tokens[i + 1], *fields[i]))
            return std::nullopt;
    }
    return times;
}

std::optional<CpuPercentages> cpuPercentages(const CpuTimes &before, const CpuTimes &after) {
    if (after.total() <= before.total())
        return std::nullopt;
    const std::uint64_t user = counterDelta(before.user + before.nice, after.user + after.nice);
    const std::uint64_t system
        = counterDelta(before.system + before.irq + before.softirq, after.system + after.irq + after.softirq);
    const std::uint64_t idle = counterDelta(before.idle, after.idle);
    const std::uint64_t iowait = counterDelta(before.iowait, after.iowait);
    const std::uint64_t steal = counterDelta(before.steal, after.steal);
    // iowait can go backwards on some kernels: the shares are of the sum actually seen.
    const std::uint64_t whole = user + system + idle + iowait + steal;
    if (whole == 0)
        return std::nullopt;
    return CpuPercentages {percent(user, whole), percent(system, whole), percent(idle, whole), percent(iowait, whole),
        percent(steal, whole)};
}

double MemoryInfo::usedPercent() const {
    return percent(totalBytes - std::min(availableBytes, totalBytes), totalBytes);
}

double MemoryInfo::swapUsedPercent() const {
    return percent(swapTotalBytes - std::min(swapFreeBytes, swapTotalBytes), swapTotalBytes);
}

std::optional<MemoryInfo> parseMeminfo(std::string_view text) {
    MemoryInfo memory;
    std::optional<std::uint64_t> total;
    std::optional<std::uint64_t> available;
    std::uint64_t free = 0;
    std::uint64_t buffers = 0;
    std::uint64_t cached = 0;
    forEachLine(text, [&](std::string_view line) {
        std::array<std::string_view, 3> tokens {};
        const std::size_t count = tokenize(line, tokens);
        std::uint64_t value = 0;
        if (count < 2 || !number(tokens[1], value))
            return;
        // Values are in kB (KiB), except a few counters without a unit.
        if (count == 3 && tokens[2] == "kB") {
            if (value > UINT64_MAX / 1024)
                return;
            value *= 1024;
        }
        const std::string_view key = tokens[0];
        if (key == "MemTotal:")
            total = value;
        else if (key == "MemAvailable:")
            available = value;
        else if (key == "MemFree:")
            free = value;
        else if (key == "Buffers:")
            buffers = value;
        else if (key == "Cached:")
            cached = value;
        else if (key == "SwapTotal:")
            memory.swapTotalBytes = value;
        else if (key == "SwapFree:")
            memory.swapFreeBytes = value;
    });
    if (!total || *total == 0)
        return std::nullopt;
    memory.totalBytes = *total;
    memory.availableBytes = std::min(*total, available.value_or(free + buffers + cached));
    return memory;
}

std::size_t parseDiskstats(std::string_view text, std::vector<DiskCounters> &out, std::size_t maxDevices) {
    std::size_t malformed = 0;
    std::size_t added = 0;
    forEachLine(text, [&](std::string_view line) {
        std::array<std::string_view, 14> tokens {};
        const std::size_t count = tokenize(line, tokens);
        if (count == 0)
            return;
        if (count < 14 || tokens[2].size() > kMaxNameBytes) {
            ++malformed;
            return;
        }
        if (added >= maxDevices)
            return;
        DiskCounters disk;
        disk.name = std::string(tokens[2]);
        if (!number(tokens[3], disk.readsCompleted) || !number(tokens[5], disk.sectorsRead)
            || !number(tokens[7], disk.writesCompleted) || !number(tokens[9], disk.sectorsWritten)
            || !number(tokens[12], disk.ioTicksMs)) {
            ++malformed;
            return;
        }
        out.push_back(std::move(disk));
        ++added;
    });
    return malformed;
}

std::size_t parseNetDev(std::string_view text, std::vector<InterfaceCounters> &out, std::size_t maxInterfaces) {
    std::size_t malformed = 0;
    std::size_t added = 0;
    forEachLine(text, [&](std::string_view line) {
        // Two header lines, then "  name: counters…"; the name ends at its last ':' (a large
        // counter may follow it without a space).
        const std::size_t colon = line.rfind(':');
        if (colon == std::string_view::npos || line.find('|') != std::string_view::npos)
            return;
        std::string_view name = line.substr(0, colon);
        while (!name.empty() && (name.front() == ' ' || name.front() == '\t'))
            name.remove_prefix(1);
        std::array<std::string_view, 16> tokens {};
        if (name.empty() || name.size() > kMaxNameBytes || tokenize(line.substr(colon + 1), tokens) < 16) {
            ++malformed;
            return;
        }
        if (added >= maxInterfaces)
            return;
        InterfaceCounters interface;
        interface.name = std::string(name);
        if (!number(tokens[0], interface.rxBytes) || !number(tokens[1], interface.rxPackets)
            || !number(tokens[2], interface.rxErrors) || !number(tokens[3], interface.rxDrops)
            || !number(tokens[8], interface.txBytes) || !number(tokens[9], interface.txPackets)
            || !number(tokens[10], interface.txErrors) || !number(tokens[11], interface.txDrops)) {
            ++malformed;
            return;
        }
        out.push_back(std::move(interface));
        ++added;
    });
    return malformed;
}

std::optional<LoadAverage> parseLoadavg(std::string_view text) {
    std::array<std::string_view, 5> tokens {};
    if (tokenize(text.substr(0, text.find('\n')), tokens) < 4)
        return std::nullopt;
    LoadAverage load;
    if (!number(tokens[0], load.one) || !number(tokens[1], load.five) || !number(tokens[2], load.fifteen))
        return std::nullopt;
    const std::size_t slash = tokens[3].find('/');
    if (slash == std::string_view::npos || !number(tokens[3].substr(0, slash), load.running)
        || !number(tokens[3].substr(slash + 1), load.total))
        return std::nullopt;
    if (load.one < 0 || load.five < 0 || load.fifteen < 0)
        return std::nullopt;
    return load;
}

} // namespace vanopticon::sentinel
