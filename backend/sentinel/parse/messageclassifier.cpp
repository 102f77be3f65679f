// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/messageclassifier.h"

#include "sentinel/parse/sshd.h"

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

} // namespace

MessageClassifier::MessageClassifier()
    : m_reasonField(internField("reason")) {
}

void MessageClassifier::append(const SyslogRecord &record, std::string_view fallbackHost, EventBatch &batch) {
    Event &event = batch.addEvent();
    event.timestampNs = record.timestampNs;
    const std::string_view host = record.hostname.empty() ? fallbackHost : record.hostname;
    if (!host.empty())
        batch.setField(event, field::Host, host);
    batch.setField(event, field::SourceType, record.sourceType);
    batch.setField(event, field::Message, record.message);
    batch.setField(event, field::Raw, record.raw);
    if (!record.appName.empty())
        batch.setField(event, field::ProcessName, record.appName);
    if (!record.procId.empty())
        batch.setField(event, field::ProcessId, record.procId);
    ++m_stats.events;

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

    event.severity = severityFromSyslog(record.severity);
    batch.setField(event, field::EventType, "syslog");
    batch.setField(event, field::Category, "system");
    if (!record.appName.empty())
        batch.setField(event, field::Service, record.appName);
}

} // namespace vanopticon::sentinel
