// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/rfc3164.h"
#include "sentinel/parse/rfc5424/rfc5424message.h"

#include <span>
#include <string_view>

namespace vanopticon::sentinel {

// Parses one RFC 5424 message as the RFC's ABNF has it:
//   <PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]
// PRI 0 to 191 without leading zeros; VERSION 1 to 999; TIMESTAMP "-" or RFC 3339 with 'T' and
// 'Z' in capitals, at most 6 fraction digits, a real date, no leap second; header fields "-" or
// printable US-ASCII of at most 255 / 48 / 128 / 32 bytes; structured data "-" or SD elements
// with distinct IDs of at most 32 bytes and values in which '"', '\' and ']' are escaped (any
// other escape is refused, as by influxdata/go-syslog). One leniency: spaces after a param's '='
// (`name= "value"`), which rsyslog accepts and its own tests send.
// Refusals carry a fixed reason; `out` is then unspecified.
ParseOutcome parseRfc5424(std::string_view line, Rfc5424Message &out);

// "<PRI>1 ": how an RFC 5424 message begins and an RFC 3164 line does not (a BSD line has a
// month name or a host name after the PRI). Used to pick the parser per message.
bool isRfc5424Header(std::string_view line);

// A param value with its escapes resolved, written to `buffer` and cut (at a UTF-8 character
// boundary) when it does not fit. Returns the part of `buffer` written.
std::string_view unescapeParamValue(std::string_view value, std::span<char> buffer);

} // namespace vanopticon::sentinel
