// SPDX-License-Identifier: Apache-2.0
#include "storage/alerts.h"

#include "storage/json.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace vanopticon::storage {

namespace {

const QString kColumns = u"id, dedup_key, rule_id, title, description, severity, status, score, score_band, "
                         u"confidence, explanation, count, first_seen, last_seen, created_at, updated_at, "
                         u"node_id, host, group_json"_s;

AlertRecord readAlert(const QSqlQuery &q) {
    AlertRecord a;
    a.id = q.value(0).toLongLong();
    a.dedupKey = q.value(1).toString();
    a.ruleId = q.value(2).toString();
    a.title = q.value(3).toString();
    a.description = q.value(4).toString();
    a.severity = q.value(5).toString();
    a.status = q.value(6).toString();
    a.score = q.value(7).toInt();
    a.scoreBand = q.value(8).toString();
    a.confidence = q.value(9).toDouble();
    a.explanation = q.value(10).toString();
    a.count = q.value(11).toLongLong();
    a.firstSeen = q.value(12).toLongLong();
    a.lastSeen = q.value(13).toLongLong();
    a.createdAt = q.value(14).toLongLong();
    a.updatedAt = q.value(15).toLongLong();
    a.nodeId = q.value(16).toString();
    a.host = q.value(17).toString();
    a.group = QJsonDocument::fromJson(q.value(18).toString().toUtf8()).object();
    return a;
}

void bindAlert(QSqlQuery &q, const AlertRecord &a) {
    q.addBindValue(nonNull(a.dedupKey));
    q.addBindValue(nonNull(a.ruleId));
    q.addBindValue(nonNull(a.title));
    q.addBindValue(nonNull(a.description));
    q.addBindValue(nonNull(a.severity));
    q.addBindValue(nonNull(a.status));
    q.addBindValue(a.score);
    q.addBindValue(nonNull(a.scoreBand));
    q.addBindValue(a.confidence);
    q.addBindValue(nonNull(a.explanation));
    q.addBindValue(a.count);
    q.addBindValue(a.firstSeen);
    q.addBindValue(a.lastSeen);
    q.addBindValue(a.createdAt);
    q.addBindValue(a.updatedAt);
    q.addBindValue(nonNull(a.nodeId));
    q.addBindValue(nonNull(a.host));
    q.addBindValue(QString::fromUtf8(QJsonDocument(a.group).toJson(QJsonDocument::Compact)));
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

Result<QSqlQuery *> AlertRepository::prepared(std::optional<QSqlQuery> &slot, const QString &sql) {
    if (!slot) {
        slot.emplace(m_db.handle());
        if (!slot->prepare(sql)) {
            Error error = sqlError(u"preparing a statement"_s, *slot);
            slot.reset();
            return error;
        }
    }
    return &*slot;
}

Result<std::optional<AlertRecord>> AlertRepository::findOpen(const QString &dedupKey) {
    auto q = prepared(m_findOpen, u"SELECT "_s + kColumns + u" FROM alerts WHERE dedup_key = ? AND status = 'open'"_s);
    if (!q)
        return q.error();
    (*q)->bindValue(0, dedupKey);
    if (!(*q)->exec())
        return sqlError(u"looking up an open alert"_s, **q);
    std::optional<AlertRecord> found;
    if ((*q)->next())
        found = readAlert(**q);
    (*q)->finish(); // done reading: the statement is reset, not kept open
    return found;
}

Result<qint64> AlertRepository::insert(const AlertRecord &alert) {
    QSqlQuery q(m_db.handle());
    q.prepare(u"INSERT INTO alerts (dedup_key, rule_id, title, description, severity, status, score, score_band, "
              u"confidence, explanation, count, first_seen, last_seen, created_at, updated_at, node_id, host, "
              u"group_json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"_s);
    bindAlert(q, alert);
    if (!q.exec())
        return sqlError(u"storing an alert"_s, q);
    return q.lastInsertId().toLongLong();
}

Result<void> AlertRepository::update(const AlertRecord &alert) {
    auto q = prepared(m_update,
        u"UPDATE alerts SET dedup_key = ?, rule_id = ?, title = ?, description = ?, severity = ?, status = ?, "
        u"score = ?, score_band = ?, confidence = ?, explanation = ?, count = ?, first_seen = ?, last_seen = ?, "
        u"created_at = ?, updated_at = ?, node_id = ?, host = ?, group_json = ? WHERE id = ?"_s);
    if (!q)
        return q.error();
    bindAlert(**q, alert);
    (*q)->addBindValue(alert.id);
    if (!(*q)->exec())
        return sqlError(u"updating an alert"_s, **q);
    return {};
}

Result<std::optional<AlertRecord>> AlertRepository::get(qint64 id) {
    QSqlQuery q(m_db.handle());
    q.prepare(u"SELECT "_s + kColumns + u" FROM alerts WHERE id = ?"_s);
    q.addBindValue(id);
    if (!q.exec())
        return sqlError(u"reading an alert"_s, q);
    if (!q.next())
        return std::optional<AlertRecord>();
    return std::optional<AlertRecord>(readAlert(q));
}

Result<QList<AlertRecord>> AlertRepository::list(const QString &status, int limit) {
    QSqlQuery q(m_db.handle());
    if (status.isEmpty()) {
        q.prepare(u"SELECT "_s + kColumns + u" FROM alerts ORDER BY last_seen DESC, id DESC LIMIT ?"_s);
    } else {
        q.prepare(
            u"SELECT "_s + kColumns + u" FROM alerts WHERE status = ? ORDER BY last_seen DESC, id DESC LIMIT ?"_s);
        q.addBindValue(status);
    }
    q.addBindValue(limit);
    if (!q.exec())
        return sqlError(u"listing alerts"_s, q);
    QList<AlertRecord> alerts;
    while (q.next())
        alerts.append(readAlert(q));
    return alerts;
}

Result<void> AlertRepository::addEvidence(qint64 alertId, const QList<qint64> &eventIds, int maxEvidence) {
    auto counted = prepared(m_countEvidence, u"SELECT COUNT(*) FROM alert_evidence WHERE alert_id = ?"_s);
    if (!counted)
        return counted.error();
    QSqlQuery &count = **counted;
    count.bindValue(0, alertId);
    if (!count.exec() || !count.next())
        return sqlError(u"counting evidence"_s, count);
    int room = maxEvidence - count.value(0).toInt();
    count.finish();
    if (room <= 0)
        return {};
    auto inserting = prepared(
        m_insertEvidence, u"INSERT INTO alert_evidence (alert_id, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING"_s);
    if (!inserting)
        return inserting.error();
    QSqlQuery &insert = **inserting;
    for (qint64 eventId : eventIds) {
        if (room <= 0)
            break;
        insert.bindValue(0, alertId);
        insert.bindValue(1, eventId);
        if (!insert.exec())
            return sqlError(u"linking evidence"_s, insert);
        room -= insert.numRowsAffected();
    }
    return {};
}

Result<QList<qint64>> AlertRepository::evidenceIds(qint64 alertId) {
    QSqlQuery q(m_db.handle());
    q.prepare(u"SELECT event_id FROM alert_evidence WHERE alert_id = ? ORDER BY event_id"_s);
    q.addBindValue(alertId);
    if (!q.exec())
        return sqlError(u"reading evidence ids"_s, q);
    QList<qint64> ids;
    while (q.next())
        ids.append(q.value(0).toLongLong());
    return ids;
}

} // namespace vanopticon::storage
