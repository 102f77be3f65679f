// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/process/processmonitor.h"

#include <algorithm>
#include <ctime>

#include <unistd.h>

namespace vanopticon::sentinel {

namespace {

// Bytes the table may hold per process it may track, on average (command lines are mostly short).
constexpr std::size_t kTableBytesPerProcess = 1024;

std::int64_t readClock(clockid_t clock) {
    timespec now {};
    ::clock_gettime(clock, &now);
    return std::int64_t(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

} // namespace

ProcessClock ProcessClock::system() {
    ProcessClock clock;
    clock.nowNs = readClock(CLOCK_REALTIME);
    clock.bootOffsetNs = clock.nowNs - readClock(CLOCK_BOOTTIME);
    clock.monotonicOffsetNs = clock.nowNs - readClock(CLOCK_MONOTONIC);
    return clock;
}

ProcessMonitor::ProcessMonitor(ProcessReader reader, std::size_t maxProcesses)
    : m_reader(std::move(reader))
    , m_table(maxProcesses, maxProcesses * kTableBytesPerProcess)
    , m_clock(ProcessClock::system())
    , m_ticksPerSecond(std::max(1L, ::sysconf(_SC_CLK_TCK))) {
}

std::int64_t ProcessMonitor::startNs(std::uint64_t startTicks) const {
    if (startTicks == 0)
        return 0;
    const auto ticks = std::int64_t(startTicks);
    return m_clock.bootOffsetNs + ticks / m_ticksPerSecond * 1'000'000'000
        + ticks % m_ticksPerSecond * 1'000'000'000 / m_ticksPerSecond;
}

TrackedProcess ProcessMonitor::remember(const ProcessInfo &info, Pid ppid) const {
    TrackedProcess process;
    process.ppid = ppid;
    process.startTicks = info.stat ? info.stat->startTicks : 0;
    process.uid = info.uid;
    process.image = info.image;
    process.commandLine = info.commandLine;
    return process;
}

void ProcessMonitor::parentOf(Pid ppid, std::string &image, std::string &commandLine) const {
    image.clear();
    commandLine.clear();
    if (ppid <= 0)
        return;
    if (const TrackedProcess *parent = m_table.find(ppid)) {
        image = parent->image;
        commandLine = parent->commandLine;
        return;
    }
    m_reader.readImage(ppid, image, commandLine);
}

bool ProcessMonitor::snapshot() {
    ++m_stats.scans;
    if (!m_reader.listPids(m_pids)) {
        ++m_stats.scanFailures;
        return false;
    }
    m_table.clear();
    for (const Pid pid : m_pids) {
        const ProcessInfo info = m_reader.read(pid);
        if (info.gone())
            continue;
        TrackedProcess process = remember(info, info.stat->ppid);
        process.announced = true;
        m_table.put(pid, std::move(process));
    }
    return true;
}

void ProcessMonitor::handle(const ProcEvent &event, EventBatch &batch) {
    switch (event.kind) {
    case ProcEvent::Kind::Fork:
        onFork(event);
        break;
    case ProcEvent::Kind::Exec:
        onExec(event, batch);
        break;
    case ProcEvent::Kind::Exit:
        onExit(event, batch);
        break;
    case ProcEvent::Kind::Other:
        break;
    }
}

void ProcessMonitor::onFork(const ProcEvent &event) {
    if (event.pid != event.tgid || event.tgid <= 0)
        return; // a new thread, not a new process
    ++m_stats.forks;
    TrackedProcess child;
    child.ppid = event.parentTgid;
    child.forkOnly = true;
    // Until it execs, a fork runs its parent's program: that is what its own children will see
    // as their parent.
    if (const TrackedProcess *parent = m_table.find(event.parentTgid)) {
        child.image = parent->image;
        child.commandLine = parent->commandLine;
        child.uid = parent->uid;
    } else {
        m_reader.readImage(event.parentTgid, child.image, child.commandLine);
    }
    m_table.put(event.tgid, std::move(child));
}

void ProcessMonitor::onExec(const ProcEvent &event, EventBatch &batch) {
    const Pid pid = event.tgid;
    if (pid <= 0)
        return;
    const ProcessInfo info = m_reader.read(pid);
    const TrackedProcess *known = m_table.find(pid);
    // The parent recorded at fork is the creator even if the process has been re-parented since.
    const Pid ppid = known != nullptr ? known->ppid : (info.stat ? info.stat->ppid : 0);
    const std::optional<std::uint32_t> knownUid = known != nullptr ? known->uid : std::nullopt;
    if (info.gone())
        ++m_stats.shortLived;
    const auto timestampNs = std::int64_t(event.timestampNs) + m_clock.monotonicOffsetNs;
    reportStart(info, ppid, timestampNs, batch);
    TrackedProcess process = remember(info, ppid);
    if (info.gone())
        process.uid = knownUid;
    process.announced = true;
    m_table.put(pid, std::move(process));
}

void ProcessMonitor::onExit(const ProcEvent &event, EventBatch &batch) {
    if (event.pid != event.tgid || event.tgid <= 0)
        return; // a thread ended, not the process
    auto process = m_table.take(event.tgid);
    if (!process) {
        ++m_stats.unknownExits;
        return;
    }
    if (!process->announced) {
        ++m_stats.forkOnlyExits;
        return;
    }
    reportExit(
        event.tgid, *process, event.exitCode, std::int64_t(event.timestampNs) + m_clock.monotonicOffsetNs, batch);
}

void ProcessMonitor::reportStart(const ProcessInfo &info, Pid ppid, std::int64_t timestampNs, EventBatch &batch) {
    parentOf(ppid, m_parentImage, m_parentCommandLine);
    ProcessEventData data;
    data.pid = info.pid;
    data.ppid = ppid;
    data.image = info.image;
    data.commandLine = info.commandLine;
    data.currentDirectory = info.currentDirectory;
    if (info.uid)
        data.user = m_users.name(*info.uid);
    data.parentImage = m_parentImage;
    data.parentCommandLine = m_parentCommandLine;
    data.startNs = info.stat ? startNs(info.stat->startTicks) : 0;
    data.shortLived = info.gone();
    m_writer.appendCreation(data, timestampNs, batch);
    ++m_stats.started;
}

void ProcessMonitor::reportExit(Pid pid, const TrackedProcess &process, std::optional<std::uint32_t> waitStatus,
    std::int64_t timestampNs, EventBatch &batch) {
    parentOf(process.ppid, m_parentImage, m_parentCommandLine);
    ProcessEventData data;
    data.pid = pid;
    data.ppid = process.ppid;
    data.image = process.image;
    data.commandLine = process.commandLine;
    if (process.uid)
        data.user = m_users.name(*process.uid);
    data.parentImage = m_parentImage;
    data.parentCommandLine = m_parentCommandLine;
    data.startNs = startNs(process.startTicks);
    data.waitStatus = waitStatus;
    m_writer.appendExit(data, timestampNs, batch);
    ++m_stats.exited;
}

void ProcessMonitor::discovered(const ProcessInfo &info, EventBatch &batch) {
    const Pid ppid = info.stat->ppid;
    parentOf(ppid, m_parentImage, m_parentCommandLine);
    // A process running exactly its parent's program is a fork that has not exec'd: remembered
    // (a later scan sees its exec), not reported.
    if (m_table.find(ppid) != nullptr && info.image == m_parentImage && info.commandLine == m_parentCommandLine) {
        ++m_stats.forks;
        TrackedProcess process = remember(info, ppid);
        process.forkOnly = true;
        m_table.put(info.pid, std::move(process));
        return;
    }
    reportStart(info, ppid, startNs(info.stat->startTicks), batch);
    TrackedProcess process = remember(info, ppid);
    process.announced = true;
    m_table.put(info.pid, std::move(process));
}

bool ProcessMonitor::scan(EventBatch &batch) {
    ++m_stats.scans;
    if (!m_reader.listPids(m_pids)) {
        ++m_stats.scanFailures;
        return false;
    }
    std::sort(m_pids.begin(), m_pids.end());
    const auto running = [this](Pid pid) { return std::binary_search(m_pids.begin(), m_pids.end(), pid); };

    // Gone since the last look. An exit seen this way has no status, and is dated now.
    m_gone.clear();
    for (const auto &[pid, process] : m_table.entries()) {
        if (!running(pid) || process.forkOnly)
            m_gone.push_back(pid);
    }
    std::string image;
    std::string commandLine;
    for (const Pid pid : m_gone) {
        const TrackedProcess *process = m_table.find(pid);
        if (process->forkOnly && running(pid)) {
            // Still there: has it exec'd since?
            m_reader.readImage(pid, image, commandLine);
            if (image == process->image && commandLine == process->commandLine)
                continue;
            const ProcessInfo info = m_reader.read(pid);
            if (info.gone())
                continue; // it is gone now: the next scan reports it
            const Pid ppid = process->ppid;
            reportStart(info, ppid, m_clock.nowNs, batch);
            TrackedProcess execd = remember(info, ppid);
            execd.announced = true;
            m_table.put(pid, std::move(execd));
            continue;
        }
        auto taken = m_table.take(pid);
        if (taken->announced)
            reportExit(pid, *taken, std::nullopt, m_clock.nowNs, batch);
        else
            ++m_stats.forkOnlyExits;
    }

    // New since the last look, parents before their children.
    m_found.clear();
    for (const Pid pid : m_pids) {
        if (m_table.find(pid) != nullptr)
            continue;
        // A process the full table cannot hold would look new at every scan: counted instead.
        if (m_table.size() + m_found.size() >= m_table.maxProcesses()) {
            ++m_stats.untracked;
            continue;
        }
        ProcessInfo info = m_reader.read(pid);
        if (!info.gone())
            m_found.push_back(std::move(info));
    }
    m_order.clear();
    for (std::size_t i = 0; i < m_found.size(); ++i)
        m_order.emplace_back(m_found[i].stat->startTicks, m_found[i].pid, i);
    std::sort(m_order.begin(), m_order.end());
    for (const auto &[startTicks, pid, index] : m_order)
        discovered(m_found[index], batch);
    return true;
}

} // namespace vanopticon::sentinel
