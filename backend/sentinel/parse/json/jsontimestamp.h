// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vanopticon::sentinel {

// Reads the time of a JSON log record (UTC ns since the epoch). Accepted:
//   RFC 3339 / ISO 8601: "2024-01-15T10:15:30Z", "…30.123456789+01:00", "…+0100" (Suricata),
//     "2024-01-15 10:15:30.123" (a space for the T); without a zone, in the zone `utcOffsetSeconds`
//     (the writing host's, as for BSD syslog); fractions beyond nanoseconds are cut;
//   epoch numbers, as JSON numbers or digit strings, the unit chosen by magnitude so that only
//     times from 2001-09-09 on are read: seconds (1e9 to 9e9, fractions allowed), milliseconds
//     (1e12 to 9e12, fractions allowed), microseconds (1e15 to 9e15), nanoseconds (from 1e18).
// Anything else (a duration that happens to be called "time", a bare date…) is not a timestamp.
std::optional<std::int64_t> parseJsonTimestamp(std::string_view text, std::int32_t utcOffsetSeconds);

} // namespace vanopticon::sentinel
