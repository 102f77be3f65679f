// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/messageclassifier.h"
#include "sentinel/parse/rfc3164.h"
#include "sentinel/parse/rfc5424/rfc5424message.h"
#include "sentinel/parse/syslogcontext.h"
#include "shared/event/event.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vanopticon::sentinel {

// Structured data becomes fields: a value is cut beyond this many bytes (the raw field keeps all).
inline constexpr std::size_t kMaxSdValueBytes = 4096;

// What parsing one record into an event saw besides the event.
struct Rfc5424EventInfo {
    Rfc5424Message message; // the structural parse: views into the record
    std::size_t sdFieldsDropped = 0; // params not made fields: beyond the bound, or a name the registry refused
    std::size_t sdValuesCut = 0; // values cut to kMaxSdValueBytes
};

// Parses one RFC 5424 record (see parseRfc5424()) and appends one event, made by a
// MessageClassifier as for an RFC 3164 line — sshd logins typed (auth_failed, auth_success), any
// other message a generic event: event_type "syslog", category "system", source_type "syslog",
// severity from PRI, `host` (HOSTNAME, else the context's host name), `service` and `ProcessName`
// (APP-NAME), `ProcessId`, `message` (MSG), `raw` (the record), the TIMESTAMP (else the context's
// "now") — plus what only RFC 5424 carries: `msg_id` (MSGID) and every SD param as a field
// "<SD-ID>.<PARAM-NAME>" (e.g. "origin.ip") with its value unescaped. Fails, appending nothing,
// with the parser's fixed reason. Apart from the batch's arena nothing is allocated (a field name
// new to the process is interned once, bounded by FieldRegistry::kMaxNames).
ParseOutcome parseRfc5424Event(std::string_view record, const SyslogContext &context, EventBatch &batch);
// The same, leaving the structural parse in `info` (for routing by APP-NAME, and to count what
// was dropped) and classifying with the caller's classifier (whose figures it keeps).
ParseOutcome parseRfc5424Event(std::string_view record, const SyslogContext &context, EventBatch &batch,
    Rfc5424EventInfo &info, MessageClassifier &classifier);

// The header as MessageClassifier takes it; `nowNs` dates a message without TIMESTAMP.
SyslogRecord toSyslogRecord(const Rfc5424Message &message, std::string_view raw, std::int64_t nowNs);

} // namespace vanopticon::sentinel
