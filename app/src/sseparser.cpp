// SPDX-License-Identifier: Apache-2.0
#include "sseparser.h"

namespace vanopticon::console {

SseParser::SseParser(qsizetype maxEventBytes)
    : m_maxEventBytes(maxEventBytes) {
}

std::vector<SseEvent> SseParser::feed(QByteArrayView chunk) {
    std::vector<SseEvent> out;
    for (const char c : chunk) {
        // A line ends with CRLF, LF or CR; the LF of a CRLF split across chunks is not a second end.
        if (c == '\n' && m_lastWasCarriageReturn) {
            m_lastWasCarriageReturn = false;
            continue;
        }
        m_lastWasCarriageReturn = c == '\r';
        if (c == '\n' || c == '\r') {
            processLine(out);
            m_line.clear();
            continue;
        }
        if (m_skipLine)
            continue;
        if (m_line.size() + m_event.data.size() >= m_maxEventBytes) {
            // Too big: forget what the event holds so far and skip the rest of this line.
            m_oversized = true;
            m_skipLine = true;
            m_line.clear();
            m_event.data.clear();
            continue;
        }
        m_line.append(c);
    }
    return out;
}

void SseParser::processLine(std::vector<SseEvent> &out) {
    if (m_skipLine) {
        m_skipLine = false; // the end of the line that made the event too big
        return;
    }
    if (m_line.isEmpty()) {
        if (m_oversized)
            ++m_dropped;
        else if (m_hasData)
            out.push_back(
                SseEvent {m_event.id, m_event.type.isEmpty() ? QByteArray("message") : m_event.type, m_event.data});
        // The last event id persists across events, as the spec says; type and data do not.
        m_event.type.clear();
        m_event.data.clear();
        m_hasData = false;
        m_oversized = false;
        return;
    }
    if (m_line.startsWith(':'))
        return; // a keep-alive comment

    const qsizetype colon = m_line.indexOf(':');
    const QByteArrayView field = colon < 0 ? QByteArrayView(m_line) : QByteArrayView(m_line).first(colon);
    QByteArrayView value;
    if (colon >= 0) {
        value = QByteArrayView(m_line).sliced(colon + 1);
        if (value.startsWith(' '))
            value = value.sliced(1);
    }
    if (field == "data") {
        if (m_oversized)
            return;
        if (m_hasData)
            m_event.data.append('\n');
        m_event.data.append(value);
        m_hasData = true;
    } else if (field == "event") {
        m_event.type = value.toByteArray();
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_event.id = value.toByteArray();
    }
    // `retry` and unknown fields are ignored: reconnect timing is the console's own backoff.
}

} // namespace vanopticon::console
