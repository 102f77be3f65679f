// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

namespace vanopticon::sentinel {

// What a syslog line does not say about itself. BSD timestamps have no year and no zone, and
// some lines have no timestamp or no host name at all: the context supplies them.
struct SyslogContext {
    // "Now" (UTC, ns since the epoch): picks the year of BSD timestamps and dates lines that
    // carry no timestamp. Drivers refresh it per chunk of lines; tests fix it.
    std::int64_t nowNs = 0;
    // The zone BSD timestamps were written in (seconds east of UTC), i.e. the writing host's.
    std::int32_t utcOffsetSeconds = 0;
    // For lines that name no host: the host they were collected on.
    std::string hostName;

    // The machine's clock, current zone offset and host name.
    static SyslogContext fromSystem();
};

} // namespace vanopticon::sentinel
