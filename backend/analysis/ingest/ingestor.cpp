// SPDX-License-Identifier: Apache-2.0
#include "analysis/ingest/ingestor.h"

#include "analysis/alert/alertmanager.h"
#include "analysis/correlate/correlationengine.h"
#include "analysis/sigma/service/sigmaservice.h"
#include "storage/database.h"
#include "storage/events.h"
#include "storage/json.h"
#include "storage/nodes.h"

#include <set>

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
    const IngestItem item {nodeId, &batch};
    return std::move(ingest(std::span(&item, 1)).front());
}

std::vector<Result<IngestResult>> Ingestor::ingest(std::span<const IngestItem> group) {
    const qint64 nowMs = storage::nowMs();
    // Counted only once a batch is stored: a batch that fails is sent again.
    std::vector<Refusals> refused;
    refused.reserve(group.size());
    for (const IngestItem &item : group)
        refused.push_back(refuseOutsideWindow(*item.batch, nowMs));

    std::vector<Result<IngestResult>> results;
    results.reserve(group.size());
    auto together = store(group, refused, nowMs);
    if (together || group.size() == 1) {
        if (!together) {
            results.emplace_back(together.error());
            return results;
        }
        for (const IngestResult &result : *together)
            results.emplace_back(result);
        return results;
    }
    // One batch may be at fault (or the failure may pass): each is tried on its own, so one
    // batch cannot keep the others out. A node's stored batches must stay a prefix of what it
    // sent, so once one of its batches fails, its later ones are not stored either.
    std::set<QString> failedNodes;
    for (std::size_t i = 0; i < group.size(); ++i) {
        if (failedNodes.contains(group[i].nodeId)) {
            results.emplace_back(makeError("not stored: an earlier batch of the node was not stored"));
            continue;
        }
        auto alone = store(group.subspan(i, 1), std::span(refused).subspan(i, 1), nowMs);
        if (!alone) {
            failedNodes.insert(group[i].nodeId);
            results.emplace_back(alone.error());
        } else {
            results.emplace_back(alone->front());
        }
    }
    return results;
}

Result<std::vector<IngestResult>> Ingestor::store(
    std::span<const IngestItem> group, std::span<const Refusals> refused, qint64 nowMs) {
    using Clock = std::chrono::steady_clock;
    const Clock::time_point started = Clock::now();
    std::vector<storage::StoredBatch> stored(group.size());
    const auto transaction = m_db.transaction([&]() -> Result<void> {
        storage::NodeRepository nodes(m_db);
        for (std::size_t i = 0; i < group.size(); ++i) {
            const IngestItem &item = group[i];
            auto inserted = m_events.insertBatch(item.nodeId, item.batch->events, nowMs);
            if (!inserted)
                return inserted.error();
            stored[i] = std::move(*inserted);
            if (auto recorded = nodes.recordBatch(item.nodeId, item.batch->batchSequence, stored[i].stored, nowMs);
                !recorded)
                return recorded;
        }
        return {};
    });
    const Clock::time_point storedAt = Clock::now();
    m_counters.storing += storedAt - started;
    if (!transaction)
        return transaction.error();

    std::vector<IngestResult> results(group.size());
    for (std::size_t i = 0; i < group.size(); ++i) {
        IngestResult &result = results[i];
        for (const auto &[reason, count] : refused[i]) {
            result.rejected += static_cast<quint32>(count);
            m_counters.rejectedByReason[reason] += count;
        }
        m_counters.fieldsDropped += group[i].batch->fieldsDropped;
        result.stored = static_cast<quint32>(stored[i].stored);
        result.duplicates = static_cast<quint32>(stored[i].duplicates);
        m_counters.stored += result.stored;
        m_counters.duplicates += result.duplicates;
    }
    m_counters.batches += group.size();
    ++m_counters.transactions;

    std::vector<Detection> detections;
    for (std::size_t i = 0; i < group.size(); ++i)
        analyse(group[i].nodeId, group[i].batch->events, stored[i], detections);
    if (!detections.empty())
        m_alerts.onDetections(detections);
    m_counters.analysing += Clock::now() - storedAt;
    return results;
}

Ingestor::Refusals Ingestor::refuseOutsideWindow(wire::IncomingBatch &batch, qint64 nowMs) const {
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
    Refusals refused;
    const auto refuse = [&](const char *reason, std::size_t count) {
        if (count > 0)
            refused[reason] += count;
    };
    refuse("missing_event_type", batch.missingEventType);
    refuse("invalid_event", batch.invalid);
    refuse("too_old", tooOld);
    refuse("in_future", inFuture);
    return refused;
}

void Ingestor::analyse(const QString &nodeId, const EventBatch &events, const storage::StoredBatch &stored,
    std::vector<Detection> &detections) {
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
    // The alert manager merges a group's detections of one batch into one write; asking the
    // engine to report them merged spares building a detection for every further event.
    m_correlation.process(*analysed, refs, detections, CorrelationEngine::Repeats::MergedPerBatch);
    if (m_sigma)
        m_sigma->process(*analysed, refs, detections);
}

} // namespace vanopticon::analysis
