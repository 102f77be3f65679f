// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/messageclassifier.h"

#include "sentinel/parse/cef/cefevent.h"
#include "sentinel/parse/leef/leefevent.h"
#include "sentinel/parse/security/securitymessage.h"
#include "sentinel/parse/sshd.h"

#include <utility>

namespace vanopticon::sentinel {

namespace {

// syslog 0-3 (emerg … err) → High, 4 (warning) → Medium, 5 (notice) → Low, 6-7 → Info.
Severity severityFromSyslog(int syslogSeverity) {
    if (syslogSeverity < 0)
        return Severity::Info;
    if (syslogSeverity <= 3)
        return Severity::High;
    if (syslogSeverity == 4)
        return Severity::Medium;
    if (syslogSeverity == 5)
        return Severity::Low;
    return Severity::Info;
}

std::string_view failureReason(const SshdAuth &auth) {
    if (auth.invalidUser)
        return "invalid_user";
    if (auth.method == "password")
        return "bad_password";
    if (auth.method == "publickey")
        return "bad_publickey";
    if (auth.method.starts_with("keyboard-interactive"))
        return "bad_keyboard_interactive";
    if (auth.method == "none")
        return "no_credentials";
    if (auth.method == "hostbased")
        return "bad_hostbased";
    if (auth.method.starts_with("gssapi"))
        return "bad_gssapi";
    return "auth_rejected";
}

enum class Payload : std::uint8_t { None, Cef, Leef };

// A syslog message that is a CEF or LEEF record: either the MSG starts with "CEF:" (RFC 5424, or
// a BSD line with a tag), or the BSD parser took "CEF" for the tag (`host CEF:0|…`), in which
// case the record starts at the first "CEF:" of the line.
std::pair<Payload, std::string_view> findPayload(const SyslogRecord &record) {
    if (record.message.starts_with("CEF:"))
        return {Payload::Cef, record.message};
    if (record.message.starts_with("LEEF:"))
        return {Payload::Leef, record.message};
    if (record.appName == "CEF" || record.appName == "LEEF") {
        const std::string_view marker = record.appName == "CEF" ? "CEF:" : "LEEF:";
        const std::size_t at = record.raw.find(marker);
        if (at != std::string_view::npos)
            return {record.appName == "CEF" ? Payload::Cef : Payload::Leef, record.raw.substr(at)};
    }
    return {Payload::None, {}};
}

} // namespace

MessageClassifier::MessageClassifier()
    : m_reasonField(internField("reason")) {
}

void MessageClassifier::append(const SyslogRecord &record, std::string_view fallbackHost, EventBatch &batch) {
    const std::string_view host = record.hostname.empty() ? fallbackHost : record.hostname;
    if (!appendPayload(record, host, batch))
        appendSyslog(record, host, batch);
    ++m_stats.events;
}

bool MessageClassifier::appendPayload(const SyslogRecord &record, std::string_view host, EventBatch &batch) {
    const auto [payload, text] = findPayload(record);
    if (payload == Payload::None)
        return false;
    m_payloadContext.nowNs = record.timestampNs; // the header's time dates a payload without one
    m_payloadContext.hostName.assign(host);
    const ParseOutcome outcome = payload == Payload::Cef
        ? parseCefEvent(text, m_payloadContext, batch, &m_stats.embeddedFields)
        : parseLeefEvent(text, m_payloadContext, batch, &m_stats.embeddedFields);
    if (!outcome) {
        ++m_stats.embeddedMalformed; // kept as the syslog message it also is
        return false;
    }
    Event &event = batch.events().back();
    batch.setField(event, field::Raw, record.raw);
    if (!record.appName.empty() && record.appName != "CEF" && record.appName != "LEEF")
        batch.setField(event, field::ProcessName, record.appName);
    ++m_stats.embeddedEvents;
    return true;
}

void MessageClassifier::appendSyslog(const SyslogRecord &record, std::string_view host, EventBatch &batch) {
    Event &event = batch.addEvent();
    event.timestampNs = record.timestampNs;
    if (!host.empty())
        batch.setField(event, field::Host, host);
    batch.setField(event, field::SourceType, record.sourceType);
    batch.setField(event, field::Message, record.message);
    batch.setField(event, field::Raw, record.raw);
    if (!record.appName.empty())
        batch.setField(event, field::ProcessName, record.appName);
    if (!record.procId.empty())
        batch.setField(event, field::ProcessId, record.procId);

    SshdAuth auth;
    const SshdMatch match = isSshdAppName(record.appName) ? parseSshdAuth(record.message, auth) : SshdMatch::NotAuth;
    if (match == SshdMatch::Auth) {
        const bool success = auth.kind == SshdAuthKind::Accepted;
        event.severity = success ? Severity::Info : Severity::Low;
        batch.setField(event, field::EventType, success ? "auth_success" : "auth_failed");
        batch.setField(event, field::Category, "authentication");
        batch.setField(event, field::Service, "sshd");
        batch.setField(event, field::User, auth.user);
        batch.setField(event, field::SourceIp, auth.sourceIp);
        if (!auth.sourcePort.empty())
            batch.setField(event, field::SourcePort, auth.sourcePort);
        if (!auth.method.empty())
            batch.setField(event, field::AuthMethod, auth.method);
        if (!success)
            batch.setField(event, m_reasonField, failureReason(auth));
        ++m_stats.authEvents;
        return;
    }
    if (match == SshdMatch::Malformed)
        ++m_stats.sshdMalformed;

    if (isSecurityAppName(record.appName)) {
        SecurityEvent security;
        const SecurityMatch securityMatch = parseSecurityMessage(record.appName, record.message, security);
        if (securityMatch == SecurityMatch::Security) {
            applySecurityEvent(security, event, batch);
            ++m_stats.securityEvents;
            return;
        }
        if (securityMatch == SecurityMatch::Malformed)
            ++m_stats.securityMalformed;
    }

    event.severity = severityFromSyslog(record.severity);
    batch.setField(event, field::EventType, "syslog");
    batch.setField(event, field::Category, "system");
    if (!record.appName.empty())
        batch.setField(event, field::Service, record.appName);
}

} // namespace vanopticon::sentinel
