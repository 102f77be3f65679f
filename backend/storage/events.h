// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "shared/event/event.h"
#include "storage/database.h"
#include "storage/nativestatement.h"

#include <QJsonArray>
#include <QList>
#include <QSqlQuery>
#include <QString>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vanopticon::storage {

struct StoredBatch {
    // Parallel to the batch's events: the new row id, or 0 when (node, sequence) was already
    // stored (a redelivery), in which case the event must not be analysed again.
    std::vector<std::uint64_t> eventIds;
    qint64 stored = 0;
    qint64 duplicates = 0;
};

// What GET /api/v1/events asks for: newest first, keyset-paged.
struct EventQuery {
    QString nodeId; // empty: every node
    std::optional<qint64> sinceNs; // timestamp ≥ since
    std::optional<qint64> untilNs; // timestamp < until
    QString text; // found anywhere in the raw line (ASCII case-insensitive); empty: any
    int limit = 100;
    // Continue after this event (from EventPage::next): older, or as old with a smaller id.
    std::optional<std::pair<qint64, qint64>> after; // (timestamp_ns, id)
};

struct EventPage {
    QJsonArray items;
    std::optional<std::pair<qint64, qint64>> next; // where the next page starts; none on the last
};

class EventRepository {
public:
    explicit EventRepository(Database &db);

    // Stores the events of one batch. Call inside Database::transaction so the batch is
    // stored entirely or not at all.
    Result<StoredBatch> insertBatch(const QString &nodeId, const EventBatch &batch, qint64 receivedAt);

    // Events by id, as the API shows evidence: {event_id, timestamp, event_type, message, fields}.
    Result<QJsonArray> evidence(const QList<qint64> &eventIds);

    // Stored events as the API pages through them: {event_id, node_id, sequence, timestamp,
    // received_at, event_type, severity, host, message, raw, fields}.
    Result<EventPage> page(const EventQuery &query);

private:
    Database &m_db;
    std::optional<NativeStatement> m_insert; // prepared once, reused for every event
    // Each field's name as JSON with its colon, by FieldId (at most 65,536), escaped when first
    // stored; empty until then.
    std::vector<std::string> m_fieldKeys;
};

} // namespace vanopticon::storage
