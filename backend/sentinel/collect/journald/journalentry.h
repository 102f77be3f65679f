// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vanopticon::sentinel {

// The fields of one journal entry that become an event: raw bytes as the journal holds them (not
// necessarily UTF-8), each cut at its bound. Views, valid until the next entry is read.
struct JournalEntry {
    static constexpr std::size_t kMaxMessageBytes = 64 * 1024;
    static constexpr std::size_t kMaxCommandLineBytes = 16 * 1024;
    static constexpr std::size_t kMaxFieldBytes = 4096; // every other field

    std::int64_t realtimeUs = 0; // __REALTIME_TIMESTAMP
    std::string_view message; // MESSAGE
    std::string_view priority; // PRIORITY: "0" (emerg) … "7" (debug)
    std::string_view hostname; // _HOSTNAME
    std::string_view syslogIdentifier; // SYSLOG_IDENTIFIER: chosen by the program that logged
    std::string_view comm; // _COMM: the process name, recorded by journald
    std::string_view pid; // _PID
    std::string_view systemdUnit; // _SYSTEMD_UNIT
    std::string_view uid; // _UID
    std::string_view exe; // _EXE
    std::string_view cmdline; // _CMDLINE
    std::size_t fieldsCut = 0; // fields longer than their bound, cut
};

} // namespace vanopticon::sentinel
