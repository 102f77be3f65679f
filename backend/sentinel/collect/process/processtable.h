// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/process/processinfo.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace vanopticon::sentinel {

// What the monitor remembers of a running process: enough to report its exit (when /proc no
// longer has it) and to describe it as the parent of the processes it starts.
struct TrackedProcess {
    Pid ppid = 0;
    std::uint64_t startTicks = 0; // 0: not read (seen forking only)
    std::optional<std::uint32_t> uid;
    std::string image;
    std::string commandLine;
    bool announced = false; // its exit is reported: its start was, or it ran when monitoring began
    bool forkOnly = false; // a copy of its parent that has not exec'd (yet): nothing reported
};

// The processes being tracked, bounded in count and in bytes. When the byte budget is reached,
// new entries keep only the first kCompactCommandLine bytes of their command line; when the count
// is reached, new processes are not tracked (their exits go unreported). Both are counted.
class ProcessTable {
public:
    static constexpr std::size_t kCompactCommandLine = 256;

    ProcessTable(std::size_t maxProcesses, std::size_t maxBytes);

    const TrackedProcess *find(Pid pid) const;
    // Adds or replaces the entry of `pid`; false when it could not be tracked.
    bool put(Pid pid, TrackedProcess process);
    std::optional<TrackedProcess> take(Pid pid);
    void clear();

    const std::unordered_map<Pid, TrackedProcess> &entries() const { return m_entries; }
    std::size_t size() const { return m_entries.size(); }
    std::size_t bytes() const { return m_bytes; }
    std::size_t maxProcesses() const { return m_maxProcesses; }
    std::uint64_t refused() const { return m_refused; }
    std::uint64_t compacted() const { return m_compacted; }

private:
    static std::size_t cost(const TrackedProcess &process);

    std::unordered_map<Pid, TrackedProcess> m_entries;
    std::size_t m_maxProcesses;
    std::size_t m_maxBytes;
    std::size_t m_bytes = 0;
    std::uint64_t m_refused = 0;
    std::uint64_t m_compacted = 0;
};

} // namespace vanopticon::sentinel
