// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace vanopticon::sentinel {

// The layouts a collected line can have. `Auto` recognises the others line by line
// (detectLineFormat()).
enum class LineFormat : std::uint8_t { Auto, Rfc3164, Rfc5424, Json, Cef, Leef, KeyValue, Auditd };
inline constexpr std::size_t kLineFormatCount = 8;

// "rfc3164", "json", … as written in the collector configuration and on the command line.
std::optional<LineFormat> parseLineFormat(std::string_view name);
std::string_view toString(LineFormat format);
// For error messages: the names parseLineFormat() accepts.
std::string_view supportedLineFormats();

// The concrete format of one line, by its first bytes (never Auto):
//   '{'                                  → json
//   "CEF:" / "LEEF:"                     → cef / leef (wrapped in a syslog header, they are
//                                          syslog lines: the header is read, then the payload)
//   "[node=NAME ]type=WORD msg=audit("   → auditd
//   "<PRI>1 " (RFC 5424's version 1)     → rfc5424
//   "key=value" as the first word        → keyvalue
//   anything else                        → rfc3164 (which reads its many variants)
LineFormat detectLineFormat(std::string_view line);

} // namespace vanopticon::sentinel
