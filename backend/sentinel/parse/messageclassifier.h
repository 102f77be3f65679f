// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/keyvalue/recordfieldstats.h"
#include "sentinel/parse/syslogcontext.h"
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
    std::uint64_t securityEvents = 0; // sudo, su, account tools (parseSecurityMessage)
    std::uint64_t securityMalformed = 0; // their messages that began like one but did not read as one
    std::uint64_t embeddedEvents = 0; // CEF / LEEF payloads of syslog messages
    std::uint64_t embeddedMalformed = 0; // payloads that began with "CEF:" / "LEEF:" but did not parse
    RecordFieldStats embeddedFields; // what those payloads carried that could not be kept
};

// Turns a record into one normalized event: messages of programs it knows (sshd logins; sudo, su
// and the account tools, see parseSecurityMessage()) become typed events with their fields; a
// message that is a CEF or LEEF record (appliances send them over syslog) becomes the event that
// record describes, dated and hosted by the syslog header when the payload does not say; every
// other record becomes a generic "syslog" event. Only a program's own messages are believed: any
// program can write "Failed password for …".
class MessageClassifier {
public:
    MessageClassifier();
    // `fallbackHost` names the host when the record does not.
    void append(const SyslogRecord &record, std::string_view fallbackHost, EventBatch &batch);
    const MessageClassifierStats &stats() const { return m_stats; }

    // The zone of device times without one inside CEF / LEEF payloads (seconds east of UTC).
    void setUtcOffset(std::int32_t utcOffsetSeconds) { m_payloadContext.utcOffsetSeconds = utcOffsetSeconds; }

private:
    bool appendPayload(const SyslogRecord &record, std::string_view host, EventBatch &batch);
    void appendSyslog(const SyslogRecord &record, std::string_view host, EventBatch &batch);

    FieldId m_reasonField;
    SyslogContext m_payloadContext; // reused: its host name keeps its capacity
    MessageClassifierStats m_stats;
};

} // namespace vanopticon::sentinel
