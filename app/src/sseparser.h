// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <vector>

namespace vanopticon::console {

// One Server-Sent Event as dispatched by a blank line.
struct SseEvent {
    QByteArray id;
    QByteArray type; // "message" when the event had no `event:` line
    QByteArray data; // `data:` lines joined with '\n'
};

// Incremental parser for a text/event-stream body (WHATWG HTML, "event stream interpretation"),
// fed with whatever chunks the network delivers. An event bigger than the bound is dropped whole
// and counted, so a misbehaving server cannot grow the console's memory without limit.
class SseParser {
public:
    explicit SseParser(qsizetype maxEventBytes = qsizetype(1) << 20);

    // Returns the events completed by this chunk, in order.
    std::vector<SseEvent> feed(QByteArrayView chunk);

    // Events dropped for exceeding the bound since construction.
    quint64 dropped() const { return m_dropped; }

private:
    void processLine(std::vector<SseEvent> &out);

    qsizetype m_maxEventBytes;
    QByteArray m_line;
    SseEvent m_event;
    bool m_hasData = false;
    bool m_oversized = false; // the event being read exceeded the bound: drop it when it ends
    bool m_skipLine = false;
    bool m_lastWasCarriageReturn = false;
    quint64 m_dropped = 0;
};

} // namespace vanopticon::console
