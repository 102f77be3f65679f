// SPDX-License-Identifier: Apache-2.0
#include "command/gateway/ingestqueue.h"

#include "command/gateway/sentinelsession.h"

#include <algorithm>

namespace vanopticon::command {

IngestQueue::IngestQueue(std::size_t maxEvents, std::size_t groupEvents, Processor processor, QObject *parent)
    : QObject(parent)
    , m_maxEvents(std::max<std::size_t>(maxEvents, 1))
    , m_maxBytes(m_maxEvents * kBytesPerEvent)
    , m_groupEvents(groupEvents)
    , m_processor(std::move(processor)) {
    m_turn.setInterval(0);
    connect(&m_turn, &QTimer::timeout, this, &IngestQueue::processGroup);
}

bool IngestQueue::offer(Item &&item) {
    const std::size_t events = item.batch.received;
    const std::size_t bytes = bytesOf(item);
    if (!hasRoomFor(events, bytes))
        return false;
    m_events += events;
    m_bytes += bytes;
    m_peakEvents = std::max(m_peakEvents, m_events);
    m_items.push_back(std::move(item));
    if (!m_turn.isActive())
        m_turn.start();
    return true;
}

std::size_t IngestQueue::discard(const SentinelSession *session, quint64 fromSequence) {
    const auto stale
        = [&](const Item &item) { return item.session == session && item.batch.batchSequence >= fromSequence; };
    std::size_t dropped = 0;
    for (const Item &item : m_items) {
        if (stale(item)) {
            m_events -= item.batch.received;
            m_bytes -= bytesOf(item);
            ++dropped;
        }
    }
    std::erase_if(m_items, stale);
    return dropped;
}

void IngestQueue::processGroup() {
    // Out of the queue before processing: the processor may offer more, or discard (it runs
    // callbacks and asks nodes to send batches again).
    std::vector<Item> group;
    std::size_t events = 0;
    while (!m_items.empty() && (group.empty() || events + m_items.front().batch.received <= m_groupEvents)) {
        Item &item = m_items.front();
        events += item.batch.received;
        m_events -= item.batch.received;
        m_bytes -= bytesOf(item);
        group.push_back(std::move(item));
        m_items.pop_front();
    }
    if (!group.empty())
        m_processor(group);
    if (m_items.empty())
        m_turn.stop();
}

} // namespace vanopticon::command
