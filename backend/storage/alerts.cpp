// SPDX-License-Identifier: Apache-2.0
#include "storage/alerts.h"

#include "storage/json.h"

#include <QJsonDocument>

#include <string>

using namespace Qt::StringLiterals;

namespace vanopticon::storage {

namespace {

constexpr std::string_view kColumns = "id, dedup_key, rule_id, title, description, severity, status, score, "
                                      "score_band, confidence, explanation, count, first_seen, last_seen, "
                                      "created_at, updated_at, node_id, host, group_json";

std::string withColumns(std::string_view before, std::string_view after) {
    return std::string(before).append(kColumns).append(after);
}

AlertRecord readAlert(const NativeStatement &row) {
    AlertRecord a;
    a.id = row.int64At(0);
    a.dedupKey = row.stringAt(1);
    a.ruleId = row.stringAt(2);
    a.title = row.stringAt(3);
    a.description = row.stringAt(4);
    a.severity = row.stringAt(5);
    a.status = row.stringAt(6);
    a.score = int(row.int64At(7));
    a.scoreBand = row.stringAt(8);
    a.confidence = row.doubleAt(9);
    a.explanation = row.stringAt(10);
    a.count = row.int64At(11);
    a.firstSeen = row.int64At(12);
    a.lastSeen = row.int64At(13);
    a.createdAt = row.int64At(14);
    a.updatedAt = row.int64At(15);
    a.nodeId = row.stringAt(16);
    a.host = row.stringAt(17);
    const std::string_view group = row.textAt(18);
    a.group = QJsonDocument::fromJson(QByteArray::fromRawData(group.data(), qsizetype(group.size()))).object();
    return a;
}

// Binds every column but the id, from parameter 1.
void bindAlert(NativeStatement &q, const AlertRecord &a) {
    q.bind(1, a.dedupKey);
    q.bind(2, a.ruleId);
    q.bind(3, a.title);
    q.bind(4, a.description);
    q.bind(5, a.severity);
    q.bind(6, a.status);
    q.bind(7, std::int64_t {a.score});
    q.bind(8, a.scoreBand);
    q.bind(9, a.confidence);
    q.bind(10, a.explanation);
    q.bind(11, std::int64_t {a.count});
    q.bind(12, std::int64_t {a.firstSeen});
    q.bind(13, std::int64_t {a.lastSeen});
    q.bind(14, std::int64_t {a.createdAt});
    q.bind(15, std::int64_t {a.updatedAt});
    q.bind(16, a.nodeId);
    q.bind(17, a.host);
    q.bind(18, QString::fromUtf8(QJsonDocument(a.group).toJson(QJsonDocument::Compact)));
}

// The first row, if any; the statement is reset for its next use either way.
Result<std::optional<AlertRecord>> firstAlert(NativeStatement &q, const char *what) {
    auto row = q.next();
    if (!row)
        return makeError(std::string(what) + ": " + row.error().message);
    std::optional<AlertRecord> found;
    if (*row)
        found = readAlert(q);
    q.reset();
    return found;
}

} // namespace

QJsonObject toJson(const AlertRecord &a, const QJsonArray &actions) {
    return QJsonObject {
        {u"id"_s, a.id},
        {u"rule_id"_s, a.ruleId},
        {u"title"_s, a.title},
        {u"description"_s, a.description},
        {u"severity"_s, a.severity},
        {u"status"_s, a.status},
        {u"score"_s, a.score},
        {u"score_band"_s, a.scoreBand},
        {u"confidence"_s, a.confidence},
        {u"explanation"_s, a.explanation},
        {u"count"_s, a.count},
        {u"first_seen"_s, jsonTime(a.firstSeen)},
        {u"last_seen"_s, jsonTime(a.lastSeen)},
        {u"created_at"_s, jsonTime(a.createdAt)},
        {u"updated_at"_s, jsonTime(a.updatedAt)},
        {u"node_id"_s, a.nodeId},
        {u"host"_s, a.host},
        {u"group"_s, a.group},
        {u"actions"_s, actions},
    };
}

Result<std::optional<AlertRecord>> AlertRepository::findOpen(const QString &dedupKey) {
    auto q = preparedOnce(
        m_findOpen, m_db, withColumns("SELECT ", " FROM alerts WHERE dedup_key = ? AND status = 'open'"));
    if (!q)
        return q.error();
    (*q)->bind(1, dedupKey);
    return firstAlert(**q, "looking up an open alert");
}

Result<std::optional<AlertRecord>> AlertRepository::grow(const QString &dedupKey, const AlertGrowth &growth) {
    // Updated, then read back by the same unique key within the caller's transaction. Not
    // UPDATE … RETURNING: SQLite gathers returned rows in a temporary table built for each
    // statement, which costs more than the second lookup.
    auto q = preparedOnce(m_grow, m_db,
        "UPDATE alerts SET count = count + ?, first_seen = MIN(first_seen, ?), last_seen = MAX(last_seen, ?), "
        "node_id = ?, host = ?, updated_at = ? WHERE dedup_key = ? AND status = 'open'");
    if (!q)
        return q.error();
    NativeStatement &grow = **q;
    grow.bind(1, std::int64_t {growth.count});
    grow.bind(2, std::int64_t {growth.firstSeen});
    grow.bind(3, std::int64_t {growth.lastSeen});
    grow.bind(4, growth.nodeId);
    grow.bind(5, growth.host);
    grow.bind(6, std::int64_t {growth.at});
    grow.bind(7, dedupKey);
    const auto changed = grow.execute();
    if (!changed)
        return makeError("updating an open alert: " + changed.error().message);
    if (*changed == 0)
        return std::optional<AlertRecord>();
    return findOpen(dedupKey);
}

Result<qint64> AlertRepository::insert(const AlertRecord &alert) {
    auto q = NativeStatement::prepare(m_db,
        "INSERT INTO alerts (dedup_key, rule_id, title, description, severity, status, score, score_band, "
        "confidence, explanation, count, first_seen, last_seen, created_at, updated_at, node_id, host, "
        "group_json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!q)
        return q.error();
    bindAlert(*q, alert);
    if (auto inserted = q->execute(); !inserted)
        return makeError("storing an alert: " + inserted.error().message);
    return qint64(q->lastInsertId());
}

Result<void> AlertRepository::update(const AlertRecord &alert) {
    auto q = NativeStatement::prepare(m_db,
        "UPDATE alerts SET dedup_key = ?, rule_id = ?, title = ?, description = ?, severity = ?, status = ?, "
        "score = ?, score_band = ?, confidence = ?, explanation = ?, count = ?, first_seen = ?, last_seen = ?, "
        "created_at = ?, updated_at = ?, node_id = ?, host = ?, group_json = ? WHERE id = ?");
    if (!q)
        return q.error();
    bindAlert(*q, alert);
    q->bind(19, std::int64_t {alert.id});
    if (auto updated = q->execute(); !updated)
        return makeError("updating an alert: " + updated.error().message);
    return {};
}

Result<std::optional<AlertRecord>> AlertRepository::get(qint64 id) {
    auto q = NativeStatement::prepare(m_db, withColumns("SELECT ", " FROM alerts WHERE id = ?"));
    if (!q)
        return q.error();
    q->bind(1, std::int64_t {id});
    return firstAlert(*q, "reading an alert");
}

Result<QList<AlertRecord>> AlertRepository::list(const QString &status, int limit) {
    auto q = NativeStatement::prepare(m_db,
        withColumns("SELECT ",
            status.isEmpty() ? " FROM alerts ORDER BY last_seen DESC, id DESC LIMIT ?2"
                             : " FROM alerts WHERE status = ?1 ORDER BY last_seen DESC, id DESC LIMIT ?2"));
    if (!q)
        return q.error();
    if (!status.isEmpty())
        q->bind(1, status);
    q->bind(2, std::int64_t {limit});
    QList<AlertRecord> alerts;
    for (;;) {
        auto row = q->next();
        if (!row)
            return makeError("listing alerts: " + row.error().message);
        if (!*row)
            break;
        alerts.append(readAlert(*q));
    }
    return alerts;
}

Result<void> AlertRepository::addEvidence(qint64 alertId, const QList<qint64> &eventIds, int maxEvidence) {
    if (const auto full = m_evidenceFull.constFind(alertId); full != m_evidenceFull.constEnd() && *full >= maxEvidence)
        return {};
    auto counted = preparedOnce(m_countEvidence, m_db, "SELECT COUNT(*) FROM alert_evidence WHERE alert_id = ?");
    if (!counted)
        return counted.error();
    NativeStatement &count = **counted;
    count.bind(1, std::int64_t {alertId});
    auto row = count.next();
    if (!row || !*row)
        return makeError("counting evidence: " + (row ? std::string("no count") : row.error().message));
    const int held = int(count.int64At(0));
    count.reset();
    if (held >= maxEvidence) {
        // Remembered only when found full before adding: what a call adds could still be rolled
        // back with its transaction (the alert manager adds to an alert once per transaction).
        if (m_evidenceFull.size() >= kRememberFullAlerts)
            m_evidenceFull.clear();
        m_evidenceFull.insert(alertId, maxEvidence);
        return {};
    }
    auto inserting = preparedOnce(
        m_insertEvidence, m_db, "INSERT INTO alert_evidence (alert_id, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING");
    if (!inserting)
        return inserting.error();
    NativeStatement &insert = **inserting;
    int room = maxEvidence - held;
    for (qint64 eventId : eventIds) {
        if (room <= 0)
            break;
        insert.bind(1, std::int64_t {alertId});
        insert.bind(2, std::int64_t {eventId});
        auto inserted = insert.execute();
        if (!inserted)
            return makeError("linking evidence: " + inserted.error().message);
        room -= *inserted;
    }
    return {};
}

Result<QList<qint64>> AlertRepository::evidenceIds(qint64 alertId) {
    auto q = NativeStatement::prepare(m_db, "SELECT event_id FROM alert_evidence WHERE alert_id = ? ORDER BY event_id");
    if (!q)
        return q.error();
    q->bind(1, std::int64_t {alertId});
    QList<qint64> ids;
    for (;;) {
        auto row = q->next();
        if (!row)
            return makeError("reading evidence ids: " + row.error().message);
        if (!*row)
            break;
        ids.append(q->int64At(0));
    }
    return ids;
}

} // namespace vanopticon::storage
