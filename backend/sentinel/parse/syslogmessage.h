// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string_view>

namespace vanopticon::sentinel {

// One parsed syslog line. The views point into the line that was parsed (valid as long as it
// is); a part the line lacks is an empty view at the place it would have been.
struct SyslogMessage {
    int priority = -1; // <PRI>, -1 when the line has none
    int facility = -1; // priority / 8, -1 without PRI
    int severity = -1; // syslog severity 0 (emerg) … 7 (debug), -1 without PRI
    std::int64_t timestampNs = 0; // UTC ns; the context's "now" when the line has no timestamp
    bool hasTimestamp = false;
    bool headerless = false; // no PRI and no timestamp, with Rfc3164Options::detectHeaderless: all is message

    std::string_view hostname; // empty when the line names no host
    std::string_view tag; // the TAG as written, e.g. "sshd[1234]:"
    std::string_view appName; // "sshd"
    std::string_view procId; // "1234"
    std::string_view message; // the text after "tag[pid]: " (one separating space dropped)
};

} // namespace vanopticon::sentinel
