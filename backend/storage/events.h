// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "shared/event/event.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QList>
#include <QSqlQuery>
#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace vanopticon::storage {

struct StoredBatch {
    // Parallel to the batch's events: the new row id, or 0 when (node, sequence) was already
    // stored (a redelivery), in which case the event must not be analysed again.
    std::vector<std::uint64_t> eventIds;
    qint64 stored = 0;
    qint64 duplicates = 0;
};

class EventRepository {
public:
    explicit EventRepository(Database &db);

    // Stores the events of one batch. Call inside Database::transaction so the batch is
    // stored entirely or not at all.
    Result<StoredBatch> insertBatch(const QString &nodeId, const EventBatch &batch, qint64 receivedAt);

    // Events by id, as the API shows evidence: {event_id, timestamp, event_type, message, fields}.
    Result<QJsonArray> evidence(const QList<qint64> &eventIds);

private:
    Database &m_db;
    std::optional<QSqlQuery> m_insert; // prepared once, reused for every event
};

} // namespace vanopticon::storage
