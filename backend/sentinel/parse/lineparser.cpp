// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/lineparser.h"

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

LineParser::LineParser(LineFormat format, SyslogContext context, Rfc3164Options options)
    : m_format(format)
    , m_context(std::move(context))
    , m_options(options)
    , m_reasonField(internField("reason")) {
}

void LineParser::setClock(std::int64_t nowNs, std::int32_t utcOffsetSeconds) {
    m_context.nowNs = nowNs;
    m_context.utcOffsetSeconds = utcOffsetSeconds;
}

bool LineParser::parse(std::string_view line, EventBatch &batch) {
    ++m_stats.lines;
    SyslogMessage message;
    switch (m_format) {
    case LineFormat::Rfc3164:
        if (const ParseOutcome outcome = parseRfc3164(line, m_context, message, m_options); !outcome) {
            refuse(line, outcome.failure);
            return false;
        }
        break;
    }

    Event &event = batch.addEvent();
    event.timestampNs = message.timestampNs;
    const std::string_view host = message.hostname.empty() ? std::string_view(m_context.hostName) : message.hostname;
    if (!host.empty())
        batch.setField(event, field::Host, host);
    batch.setField(event, field::SourceType, "syslog");
    batch.setField(event, field::Message, message.message);
    batch.setField(event, field::Raw, line);
    if (!message.appName.empty())
        batch.setField(event, field::ProcessName, message.appName);
    if (!message.procId.empty())
        batch.setField(event, field::ProcessId, message.procId);
    ++m_stats.events;

    // Only sshd's own lines count as logins: any program can write "Failed password for …".
    SshdAuth auth;
    const SshdMatch match = isSshdAppName(message.appName) ? parseSshdAuth(message.message, auth) : SshdMatch::NotAuth;
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
        return true;
    }
    if (match == SshdMatch::Malformed)
        ++m_stats.sshdMalformed;

    event.severity = severityFromSyslog(message.severity);
    batch.setField(event, field::EventType, "syslog");
    batch.setField(event, field::Category, "system");
    if (!message.appName.empty())
        batch.setField(event, field::Service, message.appName);
    return true;
}

void LineParser::refuse(std::string_view line, std::string_view reason) {
    ++m_stats.failed;
    if (m_recentErrors.size() == kMaxRecentErrors)
        m_recentErrors.pop_front();
    m_recentErrors.push_back(LineParseError {
        std::string(line.substr(0, kMaxErrorLineBytes)), line.size(), std::string(reason), m_context.nowNs});
}

} // namespace vanopticon::sentinel
