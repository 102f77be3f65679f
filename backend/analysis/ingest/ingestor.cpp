// SPDX-License-Identifier: Apache-2.0
#include "analysis/ingest/ingestor.h"

#include "analysis/alert/alertmanager.h"
#include "analysis/correlate/correlationengine.h"
#include "analysis/sigma/service/sigmaservice.h"
#include "storage/database.h"
#include "storage/events.h"
#include "storage/json.h"
#include "storage/nodes.h"

namespace vanopticon::analysis {

Ingestor::Ingestor(storage::Database &db, CorrelationEngine &correlation, AlertManager &alerts,
    std::chrono::milliseconds maxAge, sigma::SigmaService *sigma)
    : m_db(db)
    , m_events(db)
    , m_correlation(correlation)
    , m_alerts(alerts)
    , m_maxAge(maxAge)
    , m_sigma(sigma) {
}

Result<IngestResult> Ingestor::ingest(const QString &nodeId, wire::IncomingBatch &batch) {
    using Clock = std::chrono::steady_clock;
    const Clock::time_point started = Clock::now();
    ++m_counters.batches;
    IngestResult result;
    const qint64 nowMs = storage::nowMs();
    const std::int64_t oldestNs = (nowMs - m_maxAge.count()) * 1'000'000;
    const std::int64_t newestNs = (nowMs + std::chrono::milliseconds(kMaxAhead).count()) * 1'000'000;

    std::size_t tooOld = 0;
    std::size_t inFuture = 0;
    std::erase_if(batch.events.events(), [&](const Event &event) {
        if (event.timestampNs < oldestNs) {
            ++tooOld;
            return true;
        }
        if (event.timestampNs > newestNs) {
            ++inFuture;
            return true;
        }
        return false;
    });
    const auto reject = [&](const char *reason, std::size_t count) {
        if (count == 0)
            return;
        result.rejected += static_cast<quint32>(count);
        m_counters.rejectedByReason[reason] += count;
    };
    reject("missing_event_type", batch.missingEventType);
    reject("invalid_event", batch.invalid);
    reject("too_old", tooOld);
    reject("in_future", inFuture);
    m_counters.fieldsDropped += batch.fieldsDropped;
    const EventBatch &events = batch.events;

    storage::StoredBatch stored;
    const auto transaction = m_db.transaction([&]() -> Result<void> {
        auto inserted = m_events.insertBatch(nodeId, events, nowMs);
        if (!inserted)
            return inserted.error();
        stored = std::move(*inserted);
        storage::NodeRepository nodes(m_db);
        return nodes.recordBatch(nodeId, batch.batchSequence, stored.stored, nowMs);
    });
    const Clock::time_point storedAt = Clock::now();
    m_counters.storing += storedAt - started;
    if (!transaction)
        return transaction.error();
    result.stored = static_cast<quint32>(stored.stored);
    result.duplicates = static_cast<quint32>(stored.duplicates);
    m_counters.stored += result.stored;
    m_counters.duplicates += result.duplicates;

    // Only events stored for the first time are analysed: a redelivered batch must not count twice.
    const std::string node = nodeId.toStdString();
    std::vector<EventRef> refs;
    EventBatch fresh;
    const EventBatch *analysed = &events;
    if (stored.duplicates > 0) {
        for (std::size_t i = 0; i < events.size(); ++i) {
            if (stored.eventIds[i] != 0) {
                fresh.copyFrom(events.events()[i]);
                refs.push_back(EventRef {stored.eventIds[i], node});
            }
        }
        analysed = &fresh;
    } else {
        refs.reserve(events.size());
        for (std::uint64_t id : stored.eventIds)
            refs.push_back(EventRef {id, node});
    }
    std::vector<Detection> detections;
    // The alert manager merges a group's detections of one batch into one write; asking the
    // engine to report them merged spares building a detection for every further event.
    m_correlation.process(*analysed, refs, detections, CorrelationEngine::Repeats::MergedPerBatch);
    if (m_sigma)
        m_sigma->process(*analysed, refs, detections);
    if (!detections.empty())
        m_alerts.onDetections(detections);
    m_counters.analysing += Clock::now() - storedAt;
    return result;
}

} // namespace vanopticon::analysis
