// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/syslognet/syslognetparser.h"

#include "sentinel/parse/rfc5424/rfc5424.h"

#include <ctime>

namespace vanopticon::sentinel {

namespace {

SyslogContext contextAt(std::int64_t nowNs, std::int32_t utcOffsetSeconds) {
    SyslogContext context;
    context.nowNs = nowNs;
    context.utcOffsetSeconds = utcOffsetSeconds;
    return context;
}

std::string_view withoutLineEnds(std::string_view message) {
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r' || message.back() == '\0'))
        message.remove_suffix(1);
    return message;
}

} // namespace

std::optional<SyslogNetFormat> parseSyslogNetFormat(std::string_view name) {
    if (name == "auto")
        return SyslogNetFormat::Auto;
    if (name == "rfc5424")
        return SyslogNetFormat::Rfc5424;
    if (name == "rfc3164")
        return SyslogNetFormat::Rfc3164;
    return std::nullopt;
}

std::string_view toString(SyslogNetFormat format) {
    switch (format) {
    case SyslogNetFormat::Auto:
        return "auto";
    case SyslogNetFormat::Rfc5424:
        return "rfc5424";
    case SyslogNetFormat::Rfc3164:
        return "rfc3164";
    }
    return "unknown";
}

std::int32_t localUtcOffsetSeconds(std::int64_t nowNs) {
    tm local {};
    const time_t seconds = static_cast<time_t>(nowNs / 1'000'000'000);
    if (::localtime_r(&seconds, &local) == nullptr)
        return 0;
    return static_cast<std::int32_t>(local.tm_gmtoff);
}

std::int64_t systemNowNs() {
    timespec now {};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

SyslogNetParser::SyslogNetParser(SyslogNetFormat format, std::int64_t nowNs, std::int32_t utcOffsetSeconds)
    : m_format(format)
    , m_context(contextAt(nowNs, utcOffsetSeconds))
    , m_rfc3164(LineFormat::Rfc3164, m_context)
    , m_logSourceIpField(internField("log_source_ip")) {
    m_classifier.setUtcOffset(utcOffsetSeconds);
}

void SyslogNetParser::setClock(std::int64_t nowNs, std::int32_t utcOffsetSeconds) {
    m_context.nowNs = nowNs;
    m_context.utcOffsetSeconds = utcOffsetSeconds;
    m_rfc3164.setClock(nowNs, utcOffsetSeconds);
    m_classifier.setUtcOffset(utcOffsetSeconds);
}

bool SyslogNetParser::parse(std::string_view message, std::string_view peer, EventBatch &batch) {
    ++m_stats.messages;
    message = withoutLineEnds(message);
    const bool rfc5424
        = m_format == SyslogNetFormat::Rfc5424 || (m_format == SyslogNetFormat::Auto && isRfc5424Header(message));
    if (rfc5424) {
        if (const ParseOutcome outcome = parseRfc5424Event(message, m_context, batch, m_rfc5424, m_classifier);
            !outcome) {
            refuse(message, outcome.failure, peer);
            return false;
        }
        ++m_stats.rfc5424;
        m_stats.sdFieldsDropped += m_rfc5424.sdFieldsDropped;
        m_stats.sdValuesCut += m_rfc5424.sdValuesCut;
    } else {
        if (!m_rfc3164.parse(message, batch)) {
            refuse(message, m_rfc3164.recentErrors().back().reason, peer);
            return false;
        }
        ++m_stats.rfc3164;
    }
    Event &event = batch.events().back();
    const std::string_view storedPeer = batch.store(peer);
    if (!event.has(field::Host))
        batch.setStoredField(event, field::Host, storedPeer);
    batch.setStoredField(event, m_logSourceIpField, storedPeer);
    return true;
}

void SyslogNetParser::refuse(std::string_view message, std::string_view reason, std::string_view peer) {
    ++m_stats.failed;
    if (m_recentErrors.size() == kMaxRecentErrors)
        m_recentErrors.pop_front();
    m_recentErrors.push_back(SyslogNetParseError {std::string(message.substr(0, kMaxErrorMessageBytes)), message.size(),
        std::string(reason), std::string(peer), m_context.nowNs});
}

} // namespace vanopticon::sentinel
