// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/syslogcontext.h"
#include "sentinel/parse/syslogmessage.h"

#include <string_view>

namespace vanopticon::sentinel {

// Variants rsyslog's pmrfc3164 parser can be told to accept. All off by default, as in rsyslog.
struct Rfc3164Options {
    bool permitAtSignsInHostname = false; // syslog-ng relays: "host@relay"
    bool permitSlashesInHostname = false; // relay chains: "host1/host2"
    bool forceTagEndingByColon = false; // a word not ending in ':' is message, not tag
    bool detectHeaderless = false; // no PRI and no timestamp: the whole line is the message
};

// The outcome of parsing one line. A failure carries a fixed reason (static text): refusing a
// flood of garbage must cost no more than accepting it.
struct ParseOutcome {
    std::string_view failure; // empty when the line parsed

    bool ok() const { return failure.empty(); }
    explicit operator bool() const { return ok(); }
};

// Parses one RFC 3164 ("BSD") syslog line as Linux hosts write it to /var/log/auth.log:
//   [<PRI>][ ]TIMESTAMP HOSTNAME TAG[[PID]]:[ ]MESSAGE
// TIMESTAMP is "Mmm dd hh:mm:ss" (local time of the context's zone, the year chosen so the time
// is at most a day ahead of the context's "now"; a year before the time and a fraction are
// accepted as rsyslog does), or RFC 3339 as Debian's rsyslog writes by default. Parts a line
// lacks are read the way rsyslog reads them (the first word is a host name only when it could
// be one, the TAG ends at ':' or a space). Refused: empty lines, a malformed PRI, a timestamp
// that is begun but not valid.
ParseOutcome parseRfc3164(
    std::string_view line, const SyslogContext &context, SyslogMessage &out, const Rfc3164Options &options = {});

} // namespace vanopticon::sentinel
