// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/process/processtable.h"

namespace vanopticon::sentinel {

ProcessTable::ProcessTable(std::size_t maxProcesses, std::size_t maxBytes)
    : m_maxProcesses(maxProcesses)
    , m_maxBytes(maxBytes) {
}

std::size_t ProcessTable::cost(const TrackedProcess &process) {
    // The strings' heap blocks plus the node: close enough to bound what the table holds.
    return sizeof(TrackedProcess) + sizeof(Pid) + 2 * sizeof(void *) + process.image.capacity()
        + process.commandLine.capacity();
}

const TrackedProcess *ProcessTable::find(Pid pid) const {
    const auto it = m_entries.find(pid);
    return it == m_entries.end() ? nullptr : &it->second;
}

bool ProcessTable::put(Pid pid, TrackedProcess process) {
    const auto it = m_entries.find(pid);
    const std::size_t replaced = it == m_entries.end() ? 0 : cost(it->second);
    if (it == m_entries.end() && m_entries.size() >= m_maxProcesses) {
        ++m_refused;
        return false;
    }
    process.image.shrink_to_fit();
    process.commandLine.shrink_to_fit();
    if (m_bytes - replaced + cost(process) > m_maxBytes && process.commandLine.size() > kCompactCommandLine) {
        std::size_t end = kCompactCommandLine;
        while (end > 0 && (static_cast<unsigned char>(process.commandLine[end]) & 0xC0) == 0x80)
            --end; // not inside a UTF-8 character
        process.commandLine.resize(end);
        process.commandLine.shrink_to_fit();
        ++m_compacted;
    }
    if (m_bytes - replaced + cost(process) > m_maxBytes) {
        ++m_refused;
        if (it != m_entries.end()) { // what it held describes a process that is no more
            m_bytes -= replaced;
            m_entries.erase(it);
        }
        return false;
    }
    m_bytes = m_bytes - replaced + cost(process);
    if (it == m_entries.end())
        m_entries.emplace(pid, std::move(process));
    else
        it->second = std::move(process);
    return true;
}

std::optional<TrackedProcess> ProcessTable::take(Pid pid) {
    const auto it = m_entries.find(pid);
    if (it == m_entries.end())
        return std::nullopt;
    m_bytes -= cost(it->second);
    TrackedProcess process = std::move(it->second);
    m_entries.erase(it);
    return process;
}

void ProcessTable::clear() {
    m_entries.clear();
    m_bytes = 0;
}

} // namespace vanopticon::sentinel
