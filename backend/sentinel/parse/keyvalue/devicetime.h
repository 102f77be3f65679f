// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/syslogcontext.h"

#include <cstdint>
#include <optional>
#include <string_view>

// Time stamps as devices write them into CEF (rt, end, start), LEEF (devTime) and key=value
// records. Each returns UTC nanoseconds since the epoch, or nullopt when the text is not a time
// of the expected shape or names a date that does not exist. A time without a zone is read in
// the context's zone (the collecting host's, as for BSD syslog); a date without a year gets the
// latest year that puts it at most a day ahead of the context's "now". Years 1970 to 2200.
namespace vanopticon::sentinel {

// The latest second these functions return: the end of 2200.
inline constexpr std::int64_t kMaxDeviceTimeSeconds = 7'289'654'399; // 2200-12-31T23:59:59Z

// Milliseconds since the epoch: 1 to 15 digits, up to kMaxDeviceTimeSeconds.
std::optional<std::int64_t> parseEpochMilliseconds(std::string_view text);

// The formats the CEF specification lists for its time stamps, also LEEF's default devTime:
// epoch milliseconds, or "MMM dd[ yyyy] HH:mm:ss[.SSS][ zone]" ("Sep 17 2025 11:45:34 GMT").
// Zones read: GMT, UTC, UT, Z, and numeric offsets (+01:00, +0100, GMT+01:00).
std::optional<std::int64_t> parseDeviceTime(std::string_view text, const SyslogContext &context);

// A time written by a Java SimpleDateFormat pattern, as LEEF's devTimeFormat names it. Letters
// read: y M (digits or names) d H k h K m s S (a fraction of the second) a E (a day name,
// skipped) z Z X; text in single quotes and other characters are literal. Patterns with other
// letters, or longer than 64 bytes, read nothing.
std::optional<std::int64_t> parseJavaTime(
    std::string_view text, std::string_view pattern, const SyslogContext &context);

// RFC 3339 / ISO 8601: "2025-09-17T11:45:34Z", a space for the 'T', an optional fraction,
// "Z" or a numeric offset, or no zone (the context's).
std::optional<std::int64_t> parseIsoTime(std::string_view text, const SyslogContext &context);

} // namespace vanopticon::sentinel
