// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "shared/wire/batchdecoder.h"
#include "storage/events.h"

#include <QString>

#include <chrono>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace vanopticon::storage {
class Database;
}

namespace vanopticon::analysis {

class AlertManager;
class CorrelationEngine;
struct Detection;
namespace sigma {
class SigmaService;
}

struct IngestResult {
    quint32 stored = 0;
    quint32 duplicates = 0; // already stored (a redelivered batch); not analysed again
    quint32 rejected = 0; // refused by validation, counted by reason
};

// One batch of a group handed to the ingestor.
struct IngestItem {
    QString nodeId;
    wire::IncomingBatch *batch = nullptr;
};

// The server's entry for event batches from nodes: refuses events outside the accepted time
// window (those the decoder left out are counted with them), stores a group of batches in one
// transaction (so they can be acknowledged), then runs correlation and the Sigma rules (when
// configured) on what was newly stored, batch by batch, and hands their detections to the alert
// manager at once. When the server falls behind, the gateway hands several queued batches as one
// group: each commit, and each write of a growing alert, then serves several batches.
class Ingestor {
public:
    // Older events are refused ("too_old") unless configured otherwise (server.max_event_age):
    // importing historical logs or .evtx files needs a longer limit.
    static constexpr std::chrono::hours kDefaultMaxAge {24 * 7};
    static constexpr std::chrono::hours kMaxAhead {24}; // events this far in the future are refused

    Ingestor(storage::Database &db, CorrelationEngine &correlation, AlertManager &alerts,
        std::chrono::milliseconds maxAge = kDefaultMaxAge, sigma::SigmaService *sigma = nullptr);

    // The most events the server's queue hands on as one group (the ingestor takes any group):
    // past about this many, a longer transaction measured no faster (bench delivery).
    static constexpr std::size_t kGroupEvents = 4'000;

    // Stores the group in one transaction; should that fail, each batch on its own. The results
    // are in the items' order. Events outside the time window are taken out of each batch.
    std::vector<Result<IngestResult>> ingest(std::span<const IngestItem> group);
    Result<IngestResult> ingest(const QString &nodeId, wire::IncomingBatch &batch);

    struct Counters {
        quint64 batches = 0; // stored
        quint64 transactions = 0; // that stored them: fewer when batches waited and were grouped
        quint64 stored = 0;
        quint64 duplicates = 0;
        std::map<std::string, quint64> rejectedByReason;
        // Fields left out of accepted events: a name that is not [A-Za-z0-9_.-]{1,64}, or a new
        // name when the field registry is full.
        quint64 fieldsDropped = 0;
        // Where the time goes: validating and storing (until the commit), then analysing what
        // was stored (correlation, Sigma, alerts).
        std::chrono::nanoseconds storing {0};
        std::chrono::nanoseconds analysing {0};
    };
    const Counters &counters() const { return m_counters; }

private:
    using Refusals = std::map<std::string, quint64>; // events refused, by reason

    // Takes the events outside the time window out of `batch`; returns how many of its events
    // are refused, by reason (with those the decoder left out).
    Refusals refuseOutsideWindow(wire::IncomingBatch &batch, qint64 nowMs) const;
    // Stores the group in one transaction, counts it, then analyses what was newly stored.
    Result<std::vector<IngestResult>> store(
        std::span<const IngestItem> group, std::span<const Refusals> refused, qint64 nowMs);
    // Correlation and Sigma on those of `events` stored for the first time.
    void analyse(const QString &nodeId, const EventBatch &events, const storage::StoredBatch &stored,
        std::vector<Detection> &detections);

    storage::Database &m_db;
    storage::EventRepository m_events; // kept: its insert is prepared once
    CorrelationEngine &m_correlation;
    AlertManager &m_alerts;
    std::chrono::milliseconds m_maxAge;
    sigma::SigmaService *m_sigma;
    Counters m_counters;
};

} // namespace vanopticon::analysis
