// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/process/processinfo.h"

#include <cstddef>
#include <string>
#include <vector>

namespace vanopticon::sentinel {

// Reads processes from /proc (or a directory laid out like it, for tests). Every read is bounded;
// a process that vanishes half-way gives what was read before it did.
class ProcessReader {
public:
    explicit ProcessReader(std::string procRoot = "/proc", std::size_t maxCommandLineBytes = 8192);

    ProcessInfo read(Pid pid) const;
    std::optional<ProcessStat> readStat(Pid pid) const;
    // The executable and command line only: enough to tell whether a process has exec'd.
    void readImage(Pid pid, std::string &image, std::string &commandLine) const;
    // The thread-group ids listed in /proc (threads are not listed), in no particular order.
    bool listPids(std::vector<Pid> &out) const;

    const std::string &procRoot() const { return m_root; }
    std::size_t maxCommandLineBytes() const { return m_maxCommandLine; }

private:
    std::string path(Pid pid, const char *entry) const;

    std::string m_root;
    std::size_t m_maxCommandLine;
};

} // namespace vanopticon::sentinel
