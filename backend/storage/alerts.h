// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "storage/database.h"
#include "storage/nativestatement.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>
#include <string_view>

namespace vanopticon::storage {

struct AlertRecord {
    qint64 id = 0;
    QString dedupKey; // rule id + group values: repeats update the open alert with this key
    QString ruleId;
    QString title;
    QString description;
    QString severity;
    QString status; // open, acknowledged, resolved
    int score = 0;
    QString scoreBand;
    double confidence = 1.0;
    QString explanation;
    qint64 count = 0; // events that contributed
    qint64 firstSeen = 0; // event time, ms
    qint64 lastSeen = 0;
    qint64 createdAt = 0; // server time, ms
    qint64 updatedAt = 0;
    QString nodeId;
    QString host;
    QJsonObject group; // {"SourceIp": "203.0.113.7"}
};

// The API representation (docs/API.md); `actions` are the decisions taken on the alert.
QJsonObject toJson(const AlertRecord &alert, const QJsonArray &actions);

// What one more detection adds to the open alert of its dedup key.
struct AlertGrowth {
    qint64 count = 0; // events
    qint64 firstSeen = 0; // event time, ms
    qint64 lastSeen = 0;
    QString nodeId; // the node that reported it last
    QString host;
    qint64 at = 0; // server time, ms
};

// Statements used on the ingestion path (grow, addEvidence) are prepared on first use and kept:
// a repository that lives long, as the alert manager's does, parses each once.
class AlertRepository {
public:
    explicit AlertRepository(Database &db)
        : m_db(db) { }

    Result<std::optional<AlertRecord>> findOpen(const QString &dedupKey);
    // Adds to the open alert with this key (the counts add up in the database, not in a copy
    // read before) and returns the alert as it now is; none when none is open. Call it inside a
    // transaction, so that what is read back is what was written.
    Result<std::optional<AlertRecord>> grow(const QString &dedupKey, const AlertGrowth &growth);
    Result<qint64> insert(const AlertRecord &alert);
    Result<void> update(const AlertRecord &alert);
    Result<std::optional<AlertRecord>> get(qint64 id);
    // Newest first by last_seen; an empty status lists all.
    Result<QList<AlertRecord>> list(const QString &status, int limit);

    // Links evidence events, keeping at most `maxEvidence` per alert (the first ones: they
    // show how the attack began; the count keeps the total). An alert found full is remembered,
    // so its later updates skip the count (evidence is never removed).
    Result<void> addEvidence(qint64 alertId, const QList<qint64> &eventIds, int maxEvidence);
    Result<QList<qint64>> evidenceIds(qint64 alertId);

private:
    Database &m_db;
    std::optional<NativeStatement> m_grow;
    std::optional<NativeStatement> m_findOpen;
    std::optional<NativeStatement> m_countEvidence;
    std::optional<NativeStatement> m_insertEvidence;
    static constexpr qsizetype kRememberFullAlerts = 100'000; // forgotten all at once above
    QHash<qint64, int> m_evidenceFull; // alert → the evidence it is known to hold, once full
};

} // namespace vanopticon::storage
