// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/event/event.h"

#include <cstdint>
#include <string_view>

namespace vanopticon::sentinel {

// A syslog-style record, whatever carried it: an RFC 3164 or RFC 5424 line, a network message,
// a journald entry. Views, valid for the call.
struct SyslogRecord {
    std::int64_t timestampNs = 0;
    int severity = -1; // syslog severity 0-7, or -1 when unknown
    std::string_view hostname;
    std::string_view appName; // the tag / SYSLOG_IDENTIFIER
    std::string_view procId;
    std::string_view message;
    std::string_view raw;
    std::string_view sourceType = "syslog";
};

struct MessageClassifierStats {
    std::uint64_t events = 0;
    std::uint64_t authEvents = 0; // sshd login attempts recognised
    std::uint64_t sshdMalformed = 0; // sshd lines that began like a login attempt but did not read as one
};

// Turns a record into one normalized event: messages of programs it knows (sshd logins) become
// typed events with their fields; every other record becomes a generic "syslog" event. Only a
// program's own messages are believed: any program can write "Failed password for …".
class MessageClassifier {
public:
    MessageClassifier();
    // `fallbackHost` names the host when the record does not.
    void append(const SyslogRecord &record, std::string_view fallbackHost, EventBatch &batch);
    const MessageClassifierStats &stats() const { return m_stats; }

private:
    FieldId m_reasonField;
    MessageClassifierStats m_stats;
};

} // namespace vanopticon::sentinel
