// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/event/event.h"

#include <string>

namespace vanopticon {

// Appends the event as one JSON object (no newline):
//   {"timestamp":"2026-11-23T10:15:30.123456789Z","severity":"low","sequence":0,
//    "event_type":"auth_failed",…,"fields":{"SourceIp":"203.0.113.7",…}}
// Core fields (event_type, category, host, service, message, raw, source_type) are top-level;
// the rest are under "fields" in the event's order. Always valid JSON, whatever bytes a value holds.
void appendEventJson(std::string &out, const Event &event);

// RFC 3339 UTC with nanoseconds.
void appendTimestamp(std::string &out, std::int64_t unixNanos);

} // namespace vanopticon
