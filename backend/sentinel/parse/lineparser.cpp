// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/lineparser.h"

#include "sentinel/parse/cef/cefevent.h"
#include "sentinel/parse/keyvalue/keyvalueevent.h"
#include "sentinel/parse/leef/leefevent.h"

namespace vanopticon::sentinel {

LineParser::LineParser(LineFormat format, SyslogContext context, Rfc3164Options options)
    : m_format(format)
    , m_context(std::move(context))
    , m_options(options) {
    m_classifier.setUtcOffset(m_context.utcOffsetSeconds);
}

void LineParser::setClock(std::int64_t nowNs, std::int32_t utcOffsetSeconds) {
    m_context.nowNs = nowNs;
    m_context.utcOffsetSeconds = utcOffsetSeconds;
    m_classifier.setUtcOffset(utcOffsetSeconds);
}

bool LineParser::parse(std::string_view line, EventBatch &batch) {
    ++m_stats.lines;
    const LineFormat format = m_format == LineFormat::Auto ? detectLineFormat(line) : m_format;
    if (const ParseOutcome outcome = parseAs(format, line, batch); !outcome) {
        refuse(line, outcome.failure);
        return false;
    }
    ++m_stats.events;
    ++m_stats.eventsByFormat[static_cast<std::size_t>(format)];
    return true;
}

ParseOutcome LineParser::parseAs(LineFormat format, std::string_view line, EventBatch &batch) {
    switch (format) {
    case LineFormat::Auto:
    case LineFormat::Rfc3164:
        return parseRfc3164Line(line, batch);
    case LineFormat::Rfc5424:
        return parseRfc5424Event(line, m_context, batch, m_rfc5424, m_classifier);
    case LineFormat::Json:
        return m_json.parse(line, m_context, batch);
    case LineFormat::Cef:
        return parseCefEvent(line, m_context, batch, &m_fieldStats);
    case LineFormat::Leef:
        return parseLeefEvent(line, m_context, batch, &m_fieldStats);
    case LineFormat::KeyValue:
        return parseKeyValueEvent(line, m_context, batch, &m_fieldStats);
    case LineFormat::Auditd:
        return m_audit.parse(line, m_context, batch);
    }
    return ParseOutcome {"unknown line format"};
}

ParseOutcome LineParser::parseRfc3164Line(std::string_view line, EventBatch &batch) {
    SyslogMessage message;
    if (const ParseOutcome outcome = parseRfc3164(line, m_context, message, m_options); !outcome)
        return outcome;
    m_classifier.append(SyslogRecord {message.timestampNs, message.severity, message.hostname, message.appName,
                            message.procId, message.message, line, "syslog"},
        m_context.hostName, batch);
    return {};
}

void LineParser::refuse(std::string_view line, std::string_view reason) {
    ++m_stats.failed;
    if (m_recentErrors.size() == kMaxRecentErrors)
        m_recentErrors.pop_front();
    m_recentErrors.push_back(LineParseError {
        std::string(line.substr(0, kMaxErrorLineBytes)), line.size(), std::string(reason), m_context.nowNs});
}

} // namespace vanopticon::sentinel
