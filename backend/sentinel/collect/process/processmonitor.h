// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/process/procconnector.h"
#include "sentinel/collect/process/processeventwriter.h"
#include "sentinel/collect/process/processreader.h"
#include "sentinel/collect/process/processtable.h"
#include "sentinel/collect/process/usernamecache.h"
#include "shared/event/event.h"

#include <cstdint>
#include <tuple>
#include <vector>

namespace vanopticon::sentinel {

// The clocks a batch of process events is dated with: kernel times (after boot, monotonic) are
// turned into wall time by adding the offsets.
struct ProcessClock {
    std::int64_t nowNs = 0; // CLOCK_REALTIME
    std::int64_t bootOffsetNs = 0; // CLOCK_REALTIME − CLOCK_BOOTTIME (process start times)
    std::int64_t monotonicOffsetNs = 0; // CLOCK_REALTIME − CLOCK_MONOTONIC (connector events)

    static ProcessClock system();
};

struct ProcessMonitorStats {
    std::uint64_t started = 0; // process_creation events written
    std::uint64_t exited = 0; // process_exit events written
    std::uint64_t shortLived = 0; // started, but gone before /proc could be read
    std::uint64_t forks = 0; // forks seen (each one that execs is reported once, at its exec)
    std::uint64_t forkOnlyExits = 0; // copies of their parent that never exec'd: not reported
    std::uint64_t unknownExits = 0; // exits of processes the table did not hold
    std::uint64_t untracked = 0; // new processes a scan found while the table was full
    std::uint64_t scans = 0; // /proc scans (polls, resynchronizations)
    std::uint64_t scanFailures = 0;
};

// Turns what is known of processes (the connector's fork/exec/exit, or /proc scans) into process
// events. Plain C++: the Qt source feeds it. A fork is only remembered; the exec that follows it
// is the process_creation (so fork+exec is one event, and a fork that never execs none). Each
// exec is reported, a process whose start was reported (or that ran when monitoring began) has its
// exit reported.
class ProcessMonitor {
public:
    ProcessMonitor(ProcessReader reader, std::size_t maxProcesses);

    void setClock(const ProcessClock &clock) { m_clock = clock; }

    // Learns the processes running now, without events: their exits will be reported.
    bool snapshot();
    // Events from the proc connector, in order.
    void handle(const ProcEvent &event, EventBatch &batch);
    // Compares /proc with what is known: new processes are started, missing ones exited, and a
    // remembered fork that has exec'd since is started. Drives the proc method, and resynchronizes
    // the netlink method after lost events.
    bool scan(EventBatch &batch);

    const ProcessMonitorStats &stats() const { return m_stats; }
    const ProcessTable &table() const { return m_table; }
    const UserNameCache &users() const { return m_users; }
    const ProcessReader &reader() const { return m_reader; }

private:
    void onFork(const ProcEvent &event);
    void onExec(const ProcEvent &event, EventBatch &batch);
    void onExit(const ProcEvent &event, EventBatch &batch);
    // Reports a process found by a scan, or remembers it as a fork of its parent.
    void discovered(const ProcessInfo &info, EventBatch &batch);
    void reportStart(const ProcessInfo &info, Pid ppid, std::int64_t timestampNs, EventBatch &batch);
    void reportExit(Pid pid, const TrackedProcess &process, std::optional<std::uint32_t> waitStatus,
        std::int64_t timestampNs, EventBatch &batch);
    TrackedProcess remember(const ProcessInfo &info, Pid ppid) const;
    // The parent's image and command line: from the table, else from /proc.
    void parentOf(Pid ppid, std::string &image, std::string &commandLine) const;
    std::int64_t startNs(std::uint64_t startTicks) const;

    ProcessReader m_reader;
    ProcessTable m_table;
    UserNameCache m_users;
    ProcessEventWriter m_writer;
    ProcessClock m_clock;
    ProcessMonitorStats m_stats;
    std::int64_t m_ticksPerSecond;
    // Reused from scan to scan.
    std::vector<Pid> m_pids;
    std::vector<Pid> m_gone;
    std::vector<ProcessInfo> m_found;
    std::vector<std::tuple<std::uint64_t, Pid, std::size_t>> m_order; // start, pid, index in m_found
    std::string m_parentImage;
    std::string m_parentCommandLine;
};

} // namespace vanopticon::sentinel
