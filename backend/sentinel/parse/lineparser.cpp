// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/lineparser.h"

#include "sentinel/parse/messageclassifier.h"

namespace vanopticon::sentinel {

LineParser::LineParser(LineFormat format, SyslogContext context, Rfc3164Options options)
    : m_format(format)
    , m_context(std::move(context))
    , m_options(options) {
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

    m_classifier.append(SyslogRecord {message.timestampNs, message.severity, message.hostname, message.appName,
                            message.procId, message.message, line, "syslog"},
        m_context.hostName, batch);
    const MessageClassifierStats &classified = m_classifier.stats();
    m_stats.events = classified.events;
    m_stats.authEvents = classified.authEvents;
    m_stats.sshdMalformed = classified.sshdMalformed;
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
