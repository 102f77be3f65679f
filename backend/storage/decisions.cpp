// SPDX-License-Identifier: Apache-2.0
#include "storage/decisions.h"

#include "storage/json.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace vanopticon::storage {

namespace {

const QString kColumns = u"id, alert_id, policy, action, target, parameters, risk, rationale, status, node_id, "
                         u"requested_at, COALESCE(decided_at, 0), decided_by, reason, command_id, result_status, "
                         u"result_detail, COALESCE(completed_at, 0), COALESCE(active_until, 0)"_s;

DecisionRecord readDecision(const QSqlQuery &q) {
    DecisionRecord d;
    d.id = q.value(0).toLongLong();
    d.alertId = q.value(1).toLongLong();
    d.policy = q.value(2).toString();
    d.action = q.value(3).toString();
    d.target = q.value(4).toString();
    d.parameters = QJsonDocument::fromJson(q.value(5).toString().toUtf8()).object();
    d.risk = q.value(6).toString();
    d.rationale = q.value(7).toString();
    d.status = q.value(8).toString();
    d.nodeId = q.value(9).toString();
    d.requestedAt = q.value(10).toLongLong();
    d.decidedAt = q.value(11).toLongLong();
    d.decidedBy = q.value(12).toString();
    d.reason = q.value(13).toString();
    d.commandId = q.value(14).toString();
    d.resultStatus = q.value(15).toString();
    d.resultDetail = q.value(16).toString();
    d.completedAt = q.value(17).toLongLong();
    d.activeUntil = q.value(18).toLongLong();
    return d;
}

Result<QList<DecisionRecord>> readAll(QSqlQuery &q, const QString &what) {
    if (!q.exec())
        return sqlError(what, q);
    QList<DecisionRecord> list;
    while (q.next())
        list.append(readDecision(q));
    return list;
}

Result<std::optional<DecisionRecord>> readOne(QSqlQuery &q, const QString &what) {
    if (!q.exec())
        return sqlError(what, q);
    if (!q.next())
        return std::optional<DecisionRecord>();
    return std::optional<DecisionRecord>(readDecision(q));
}

// `statement`, prepared on first use and kept for the next.
Result<QSqlQuery *> preparedOnce(
    std::optional<QSqlQuery> &statement, QSqlDatabase &handle, const QString &sql, const QString &what) {
    if (!statement) {
        statement.emplace(handle);
        if (!statement->prepare(sql)) {
            Error error = sqlError(u"preparing "_s + what, *statement);
            statement.reset();
            return error;
        }
    }
    return &*statement;
}

} // namespace

QJsonObject toJson(const DecisionRecord &d) {
    QJsonValue result;
    if (!d.resultStatus.isEmpty()) {
        result = QJsonObject {
            {u"status"_s, d.resultStatus}, {u"detail"_s, d.resultDetail}, {u"completed_at"_s, jsonTime(d.completedAt)}};
    }
    return QJsonObject {
        {u"id"_s, d.id},
        {u"alert_id"_s, d.alertId},
        {u"policy"_s, d.policy},
        {u"action"_s, d.action},
        {u"target"_s, d.target},
        {u"parameters"_s, d.parameters},
        {u"risk"_s, d.risk},
        {u"rationale"_s, d.rationale},
        {u"status"_s, d.status},
        {u"node_id"_s, d.nodeId},
        {u"requested_at"_s, jsonTime(d.requestedAt)},
        {u"decided_at"_s, jsonTime(d.decidedAt)},
        {u"decided_by"_s, jsonString(d.decidedBy)},
        {u"reason"_s, jsonString(d.reason)},
        {u"command_id"_s, jsonString(d.commandId)},
        {u"result"_s, result},
    };
}

QJsonObject toActionJson(const DecisionRecord &d) {
    return QJsonObject {{u"decision_id"_s, d.id}, {u"action"_s, d.action}, {u"target"_s, d.target},
        {u"status"_s, d.status}, {u"detail"_s, d.resultDetail}};
}

Result<qint64> DecisionRepository::insert(const DecisionRecord &d) {
    QSqlQuery q(m_db.handle());
    q.prepare(u"INSERT INTO decisions (alert_id, policy, action, target, parameters, risk, rationale, status, "
              u"node_id, requested_at, decided_at, decided_by, reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"_s);
    q.addBindValue(d.alertId);
    q.addBindValue(nonNull(d.policy));
    q.addBindValue(nonNull(d.action));
    q.addBindValue(nonNull(d.target));
    q.addBindValue(QString::fromUtf8(QJsonDocument(d.parameters).toJson(QJsonDocument::Compact)));
    q.addBindValue(nonNull(d.risk));
    q.addBindValue(nonNull(d.rationale));
    q.addBindValue(nonNull(d.status));
    q.addBindValue(nonNull(d.nodeId));
    q.addBindValue(d.requestedAt);
    q.addBindValue(d.decidedAt > 0 ? QVariant(d.decidedAt) : QVariant());
    q.addBindValue(d.decidedBy.isEmpty() ? QVariant() : QVariant(d.decidedBy));
    q.addBindValue(d.reason.isEmpty() ? QVariant() : QVariant(d.reason));
    if (!q.exec())
        return sqlError(u"storing a decision"_s, q);
    return q.lastInsertId().toLongLong();
}

Result<std::optional<DecisionRecord>> DecisionRepository::get(qint64 id) {
    QSqlQuery q(m_db.handle());
    q.prepare(u"SELECT "_s + kColumns + u" FROM decisions WHERE id = ?"_s);
    q.addBindValue(id);
    return readOne(q, u"reading a decision"_s);
}

Result<std::optional<DecisionRecord>> DecisionRepository::findByCommand(const QString &commandId) {
    QSqlQuery q(m_db.handle());
    q.prepare(u"SELECT "_s + kColumns + u" FROM decisions WHERE command_id = ?"_s);
    q.addBindValue(commandId);
    return readOne(q, u"reading a decision by command"_s);
}

Result<QList<DecisionRecord>> DecisionRepository::list(const QString &status, int limit) {
    QSqlQuery q(m_db.handle());
    if (status.isEmpty()) {
        q.prepare(u"SELECT "_s + kColumns + u" FROM decisions ORDER BY id DESC LIMIT ?"_s);
    } else {
        q.prepare(u"SELECT "_s + kColumns + u" FROM decisions WHERE status = ? ORDER BY id DESC LIMIT ?"_s);
        q.addBindValue(status);
    }
    q.addBindValue(limit);
    return readAll(q, u"listing decisions"_s);
}

Result<QList<DecisionRecord>> DecisionRepository::listForAlert(qint64 alertId) {
    static const QString sql = u"SELECT "_s + kColumns + u" FROM decisions WHERE alert_id = ? ORDER BY id"_s;
    auto q = preparedOnce(m_listForAlert, m_db.handle(), sql, u"the decisions of an alert"_s);
    if (!q)
        return q.error();
    (*q)->bindValue(0, alertId);
    auto list = readAll(**q, u"listing an alert's decisions"_s);
    (*q)->finish();
    return list;
}

Result<bool> DecisionRepository::isInForce(const QString &action, const QString &target, qint64 now) {
    auto q = preparedOnce(m_isInForce, m_db.handle(),
        u"SELECT 1 FROM decisions WHERE action = ? AND target = ? AND (status IN ('pending', 'approved', "
        u"'dispatched') OR (status IN ('executed', 'dry_run') AND active_until > ?)) LIMIT 1"_s,
        u"the search for a decision in force"_s);
    if (!q)
        return q.error();
    (*q)->bindValue(0, action);
    (*q)->bindValue(1, target);
    (*q)->bindValue(2, now);
    if (!(*q)->exec())
        return sqlError(u"looking for a decision in force"_s, **q);
    const bool found = (*q)->next();
    (*q)->finish();
    return found;
}

Result<bool> DecisionRepository::decide(
    qint64 id, const QString &status, const QString &by, const QString &reason, qint64 at) {
    QSqlQuery q(m_db.handle());
    q.prepare(u"UPDATE decisions SET status = ?, decided_by = ?, reason = ?, decided_at = ? "
              u"WHERE id = ? AND status = 'pending'"_s);
    q.addBindValue(status);
    q.addBindValue(by);
    q.addBindValue(reason);
    q.addBindValue(at);
    q.addBindValue(id);
    if (!q.exec())
        return sqlError(u"deciding"_s, q);
    return q.numRowsAffected() == 1;
}

Result<void> DecisionRepository::markDispatched(qint64 id, const QString &commandId) {
    QSqlQuery q(m_db.handle());
    q.prepare(u"UPDATE decisions SET status = 'dispatched', command_id = ? WHERE id = ?"_s);
    q.addBindValue(commandId);
    q.addBindValue(id);
    if (!q.exec())
        return sqlError(u"marking a decision dispatched"_s, q);
    return {};
}

Result<void> DecisionRepository::recordResult(
    qint64 id, const QString &status, const QString &detail, qint64 completedAt, qint64 activeUntil) {
    QSqlQuery q(m_db.handle());
    q.prepare(u"UPDATE decisions SET status = ?, result_status = ?, result_detail = ?, completed_at = ?, "
              u"active_until = ? WHERE id = ?"_s);
    q.addBindValue(status);
    q.addBindValue(status);
    q.addBindValue(detail);
    q.addBindValue(completedAt);
    q.addBindValue(activeUntil > 0 ? QVariant(activeUntil) : QVariant());
    q.addBindValue(id);
    if (!q.exec())
        return sqlError(u"recording a command result"_s, q);
    return {};
}

} // namespace vanopticon::storage
