// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

using Pid = std::int32_t;

// The fields of /proc/PID/stat the monitor needs.
struct ProcessStat {
    Pid pid = 0;
    Pid ppid = 0;
    char state = '?';
    std::uint64_t startTicks = 0; // clock ticks after boot (CLOCK_BOOTTIME)
    std::string comm; // at most 15 bytes (TASK_COMM_LEN)
};

// What /proc tells about one process at the moment it was read. A process can be gone by the
// time it is read (short-lived), or be a kernel thread (no executable): every part is optional.
struct ProcessInfo {
    Pid pid = 0;
    std::optional<ProcessStat> stat;
    std::optional<std::uint32_t> uid; // the real user id (who ran it, also for set-uid programs)
    std::string image; // /proc/PID/exe
    std::string commandLine; // /proc/PID/cmdline, NULs as spaces, bounded
    std::string currentDirectory; // /proc/PID/cwd
    bool commandLineTruncated = false;

    bool gone() const { return !stat.has_value(); }
};

// /proc/PID/stat: "pid (comm) state ppid … starttime …". The name may hold spaces and
// parentheses, so the fields are counted from the last ')'.
std::optional<ProcessStat> parseProcessStat(std::string_view text);
// The real uid from /proc/PID/status ("Uid:\treal\teffective\tsaved\tfs").
std::optional<std::uint32_t> parseStatusUid(std::string_view text);
// /proc/PID/cmdline (arguments separated and ended by NUL) as one line: NULs become spaces, the
// trailing one is dropped, and the result is cut to `maxBytes` on a UTF-8 character boundary.
// Returns true when it was cut.
bool joinCommandLine(std::string_view raw, std::size_t maxBytes, std::string &out);

} // namespace vanopticon::sentinel
