// SPDX-License-Identifier: Apache-2.0
#include "storage/decisions.h"

#include "storage/json.h"
#include "storage/nativestatement.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace vanopticon::storage {

namespace {

const QString kColumns = u"id, alert_id, policy, action, target, parameters, risk, rationale, status, node_id, "
                         u"requested_at, COALESCE(decided_at, 0), decided_by, reason, command_id, result_status, "
                         u"result_detail, COALESCE(completed_at, 0), COALESCE(active_until, 0)"_s;

// A row's columns, read the same way from either kind of statement.
qint64 integerAt(const QSqlQuery &q, int column) {
    return q.value(column).toLongLong();
}
QString stringAt(const QSqlQuery &q, int column) {
    return q.value(column).toString();
}
QByteArray utf8At(const QSqlQuery &q, int column) {
    return q.value(column).toString().toUtf8();
}
qint64 integerAt(const NativeStatement &q, int column) {
    return q.int64At(column);
}
QString stringAt(const NativeStatement &q, int column) {
    return q.stringAt(column);
}
QByteArray utf8At(const NativeStatement &q, int column) {
    const std::string_view text = q.textAt(column);
    return QByteArray(text.data(), qsizetype(text.size()));
}

// The columns of kColumns, in their order.
template<typename Row> DecisionRecord readDecision(const Row &q) {
    DecisionRecord d;
    d.id = integerAt(q, 0);
    d.alertId = integerAt(q, 1);
    d.policy = stringAt(q, 2);
    d.action = stringAt(q, 3);
    d.target = stringAt(q, 4);
    d.parameters = QJsonDocument::fromJson(utf8At(q, 5)).object();
    d.risk = stringAt(q, 6);
    d.rationale = stringAt(q, 7);
    d.status = stringAt(q, 8);
    d.nodeId = stringAt(q, 9);
    d.requestedAt = integerAt(q, 10);
    d.decidedAt = integerAt(q, 11);
    d.decidedBy = stringAt(q, 12);
    d.reason = stringAt(q, 13);
    d.commandId = stringAt(q, 14);
    d.resultStatus = stringAt(q, 15);
    d.resultDetail = stringAt(q, 16);
    d.completedAt = integerAt(q, 17);
    d.activeUntil = integerAt(q, 18);
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
    static const std::string sql
        = "SELECT " + kColumns.toStdString() + " FROM decisions WHERE alert_id = ? ORDER BY id";
    auto q = preparedOnce(m_listForAlert, m_db, sql);
    if (!q)
        return q.error();
    (*q)->bind(1, std::int64_t {alertId});
    QList<DecisionRecord> list;
    for (;;) {
        auto row = (*q)->next();
        if (!row)
            return makeError("listing an alert's decisions: " + row.error().message);
        if (!*row)
            return list;
        list.append(readDecision(**q));
    }
}

Result<bool> DecisionRepository::isInForce(const QString &action, const QString &target, qint64 now) {
    auto q = preparedOnce(m_isInForce, m_db,
        "SELECT 1 FROM decisions WHERE action = ? AND target = ? AND (status IN ('pending', 'approved', "
        "'dispatched') OR (status IN ('executed', 'dry_run') AND active_until > ?)) LIMIT 1");
    if (!q)
        return q.error();
    (*q)->bind(1, action);
    (*q)->bind(2, target);
    (*q)->bind(3, std::int64_t {now});
    auto found = (*q)->next();
    if (!found)
        return makeError("looking for a decision in force: " + found.error().message);
    if (*found)
        (*q)->reset();
    return *found;
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
