// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "storage/database.h"
#include "storage/nativestatement.h"

#include <QJsonObject>
#include <QList>
#include <QSqlQuery>
#include <QString>

#include <optional>

namespace vanopticon::storage {

// A response the shield proposed for an alert, and what became of it:
//   pending → approved → dispatched → executed | failed | refused | dry_run
//   pending → denied
struct DecisionRecord {
    qint64 id = 0;
    qint64 alertId = 0;
    QString policy;
    QString action; // ip_block
    QString target; // what the action is aimed at (the address for ip_block)
    QJsonObject parameters;
    QString risk; // low, medium, high
    QString rationale;
    QString status;
    QString nodeId; // the node that will carry it out
    qint64 requestedAt = 0;
    qint64 decidedAt = 0;
    QString decidedBy; // user name, or "system" for automatic approval
    QString reason;
    QString commandId;
    QString resultStatus;
    QString resultDetail;
    qint64 completedAt = 0;
    qint64 activeUntil = 0; // when an executed action lapses (the nftables timeout)
};

QJsonObject toJson(const DecisionRecord &decision);

// The outcome of an analyst approving or denying a decision.
struct DecideOutcome {
    enum class Kind { Decided, NotFound, NotPending, Failed };
    Kind kind = Kind::Failed;
    DecisionRecord decision;
    QString message;
};
// The short form listed in an alert's "actions".
QJsonObject toActionJson(const DecisionRecord &decision);

class DecisionRepository {
public:
    explicit DecisionRepository(Database &db)
        : m_db(db) { }

    Result<qint64> insert(const DecisionRecord &decision);
    Result<std::optional<DecisionRecord>> get(qint64 id);
    Result<std::optional<DecisionRecord>> findByCommand(const QString &commandId);
    // Newest first; an empty status lists all.
    Result<QList<DecisionRecord>> list(const QString &status, int limit);
    Result<QList<DecisionRecord>> listForAlert(qint64 alertId);
    // Whether a decision for the same action and target is still open or in force at `now`.
    Result<bool> isInForce(const QString &action, const QString &target, qint64 now);

    // Moves a pending decision to `status`; false when it was no longer pending (a concurrent
    // decision won), so approving twice cannot dispatch twice.
    Result<bool> decide(qint64 id, const QString &status, const QString &by, const QString &reason, qint64 at);
    Result<void> markDispatched(qint64 id, const QString &commandId);
    Result<void> recordResult(
        qint64 id, const QString &status, const QString &detail, qint64 completedAt, qint64 activeUntil);

private:
    Database &m_db;
    // Prepared once, with SQLite's own API: the alert path asks for every alert it writes.
    std::optional<NativeStatement> m_listForAlert;
    std::optional<NativeStatement> m_isInForce;
};

} // namespace vanopticon::storage
