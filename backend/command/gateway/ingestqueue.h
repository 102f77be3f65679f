// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/wire/batchdecoder.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <cstddef>
#include <deque>
#include <functional>
#include <span>
#include <vector>

namespace vanopticon::command {

class SentinelSession;

// What GET /metrics shows of the queue.
struct IngestQueueFigures {
    std::size_t events = 0; // waiting now
    std::size_t batches = 0;
    std::size_t peakEvents = 0; // the most that ever waited at once
    std::size_t maxEvents = 0; // the limit
    std::size_t bytes = 0; // the waiting events' decoded size
    std::size_t maxBytes = 0; // its limit
};

// Batches received from nodes wait here for ingestion, oldest first, and are handed on a group per
// turn of the event loop, so sockets, the API and heartbeats are served between groups. A group
// is the oldest batch and those after it while their events stay within groupEvents: one batch
// when the server keeps up, several when they wait, so that one transaction stores them all. The
// queue holds at most maxEvents events: a batch that does not fit is not taken (the session
// answers Busy and the node sends it again later), so a fleet sending faster than the server
// stores costs the server a bounded amount of memory, never an unbounded one. The events' decoded
// size is bounded too, by kBytesPerEvent for each event of the limit: real events take a few
// hundred bytes, but a node could send batches of one event of thousands of fields each.
class IngestQueue : public QObject {
    Q_OBJECT
public:
    static constexpr std::size_t kDefaultMaxEvents = 10'000;
    static constexpr std::size_t kBytesPerEvent = 4096;

    struct Item {
        QPointer<SentinelSession> session; // null once its connection is gone (the batch is then dropped)
        QString nodeId;
        wire::IncomingBatch batch;
    };
    // Items whose session is null are in the group too: the processor drops them.
    using Processor = std::function<void(std::span<Item> group)>;

    IngestQueue(std::size_t maxEvents, std::size_t groupEvents, Processor processor, QObject *parent = nullptr);

    // Takes the batch unless the events already waiting plus its own would pass maxEvents, or
    // their decoded size the byte limit. An empty queue takes any batch, so one larger than the
    // limits still goes through on its own.
    bool offer(Item &&item);
    // Whether offer() would take a batch of `events` of `bytes` decoded now (before a batch is
    // decoded its size is not known: then whether there is room for its events).
    bool hasRoomFor(std::size_t events, std::size_t bytes = 0) const {
        return m_items.empty() || (m_events + events <= m_maxEvents && m_bytes + bytes <= m_maxBytes);
    }
    // Drops the session's batches from this sequence on (the node was asked to send them again);
    // returns how many.
    std::size_t discard(const SentinelSession *session, quint64 fromSequence);

    IngestQueueFigures figures() const {
        return {m_events, m_items.size(), m_peakEvents, m_maxEvents, m_bytes, m_maxBytes};
    }

private:
    void processGroup();

    static std::size_t bytesOf(const Item &item) { return item.batch.events.arenaBytes(); }

    std::size_t m_maxEvents;
    std::size_t m_maxBytes;
    std::size_t m_groupEvents;
    Processor m_processor;
    std::deque<Item> m_items;
    std::size_t m_events = 0;
    std::size_t m_bytes = 0;
    std::size_t m_peakEvents = 0;
    QTimer m_turn; // zero interval: one group per event-loop iteration while any wait
};

} // namespace vanopticon::command
