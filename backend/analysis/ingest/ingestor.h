// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "shared/wire/batchdecoder.h"
#include "storage/events.h"

#include <QString>

#include <chrono>
#include <map>
#include <string>

namespace vanopticon::storage {
class Database;
}

namespace vanopticon::analysis {

class AlertManager;
class CorrelationEngine;
namespace sigma {
class SigmaService;
}

struct IngestResult {
    quint32 stored = 0;
    quint32 duplicates = 0; // already stored (a redelivered batch); not analysed again
    quint32 rejected = 0; // refused by validation, counted by reason
};

// The server's entry for event batches from nodes: refuses events outside the accepted time
// window (those the decoder left out are counted with them), stores the batch in one
// transaction (so it can be acknowledged), then runs correlation and the Sigma rules (when
// configured) on what was newly stored and hands their detections to the alert manager.
class Ingestor {
public:
    // Older events are refused ("too_old") unless configured otherwise (server.max_event_age):
    // importing historical logs or .evtx files needs a longer limit.
    static constexpr std::chrono::hours kDefaultMaxAge {24 * 7};
    static constexpr std::chrono::hours kMaxAhead {24}; // events this far in the future are refused

    Ingestor(storage::Database &db, CorrelationEngine &correlation, AlertManager &alerts,
        std::chrono::milliseconds maxAge = kDefaultMaxAge, sigma::SigmaService *sigma = nullptr);

    // Events outside the time window are taken out of `batch`.
    Result<IngestResult> ingest(const QString &nodeId, wire::IncomingBatch &batch);

    struct Counters {
        quint64 batches = 0;
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
    storage::Database &m_db;
    storage::EventRepository m_events; // kept: its insert is prepared once
    CorrelationEngine &m_correlation;
    AlertManager &m_alerts;
    std::chrono::milliseconds m_maxAge;
    sigma::SigmaService *m_sigma;
    Counters m_counters;
};

} // namespace vanopticon::analysis
