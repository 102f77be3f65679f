// SPDX-License-Identifier: Apache-2.0
#include "storage/auditlog.h"

#include "shared/crypto/crypto.h"
#include "storage/json.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace vanopticon::storage {

namespace {

// 64 zeros: the "previous hash" of the first record.
const QString kGenesisHash(64, u'0');

AuditRecord readRecord(const QSqlQuery &q) {
    AuditRecord r;
    r.id = q.value(0).toLongLong();
    r.timestamp = q.value(1).toLongLong();
    r.actor = q.value(2).toString();
    r.action = q.value(3).toString();
    r.resource = q.value(4).toString();
    r.outcome = q.value(5).toString();
    r.details = QJsonDocument::fromJson(q.value(6).toString().toUtf8()).object();
    r.previousHash = q.value(7).toString();
    r.hash = q.value(8).toString();
    return r;
}

const QString kColumns = u"id, timestamp, actor, action, resource, outcome, details, previous_hash, hash"_s;

} // namespace

QJsonObject toJson(const AuditRecord &r) {
    return QJsonObject {
        {u"id"_s, r.id},
        {u"timestamp"_s, isoTime(r.timestamp)},
        {u"actor"_s, r.actor},
        {u"action"_s, r.action},
        {u"resource"_s, r.resource},
        {u"outcome"_s, r.outcome},
        {u"details"_s, r.details},
        {u"previous_hash"_s, r.previousHash},
        {u"hash"_s, r.hash},
    };
}

QString AuditLog::computeHash(const AuditRecord &r) {
    // QJsonObject keeps keys sorted, so the compact form is canonical.
    const QJsonObject canonical {
        {u"id"_s, r.id},
        {u"timestamp"_s, r.timestamp},
        {u"actor"_s, r.actor},
        {u"action"_s, r.action},
        {u"resource"_s, r.resource},
        {u"outcome"_s, r.outcome},
        {u"details"_s, r.details},
    };
    const QByteArray data = r.previousHash.toUtf8() + QJsonDocument(canonical).toJson(QJsonDocument::Compact);
    return QString::fromStdString(crypto::blake2bHex(std::string_view(data.constData(), std::size_t(data.size()))));
}

Result<QString> AuditLog::lastHash() {
    QSqlQuery q(m_db.handle());
    if (!q.exec(u"SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1"_s))
        return sqlError(u"reading the audit chain head"_s, q);
    return q.next() ? q.value(0).toString() : kGenesisHash;
}

Result<AuditRecord> AuditLog::append(const QString &actor, const QString &action, const QString &resource,
    const QString &outcome, const QJsonObject &details) {
    auto previous = lastHash();
    if (!previous)
        return previous.error();
    QSqlQuery next(m_db.handle());
    if (!next.exec(u"SELECT COALESCE(MAX(id), 0) + 1 FROM audit_log"_s) || !next.next())
        return sqlError(u"reading the next audit id"_s, next);

    AuditRecord record;
    record.id = next.value(0).toLongLong();
    record.timestamp = nowMs();
    record.actor = actor;
    record.action = action;
    record.resource = resource;
    record.outcome = outcome;
    record.details = details;
    record.previousHash = *previous;
    record.hash = computeHash(record);

    QSqlQuery q(m_db.handle());
    q.prepare(u"INSERT INTO audit_log ("_s + kColumns + u") VALUES (?,?,?,?,?,?,?,?,?)"_s);
    q.addBindValue(record.id);
    q.addBindValue(record.timestamp);
    q.addBindValue(nonNull(record.actor));
    q.addBindValue(nonNull(record.action));
    q.addBindValue(nonNull(record.resource));
    q.addBindValue(nonNull(record.outcome));
    q.addBindValue(QString::fromUtf8(QJsonDocument(record.details).toJson(QJsonDocument::Compact)));
    q.addBindValue(record.previousHash);
    q.addBindValue(record.hash);
    if (!q.exec())
        return sqlError(u"appending to the audit log"_s, q);
    return record;
}

Result<QList<AuditRecord>> AuditLog::list(int limit) {
    QSqlQuery q(m_db.handle());
    q.prepare(u"SELECT "_s + kColumns + u" FROM audit_log ORDER BY id DESC LIMIT ?"_s);
    q.addBindValue(limit);
    if (!q.exec())
        return sqlError(u"listing the audit log"_s, q);
    QList<AuditRecord> records;
    while (q.next())
        records.append(readRecord(q));
    return records;
}

Result<AuditLog::Verification> AuditLog::verify() {
    QSqlQuery q(m_db.handle());
    if (!q.exec(u"SELECT "_s + kColumns + u" FROM audit_log ORDER BY id"_s))
        return sqlError(u"reading the audit log"_s, q);
    Verification result;
    QString expectedPrevious = kGenesisHash;
    qint64 expectedId = 1;
    while (q.next()) {
        const AuditRecord record = readRecord(q);
        ++result.recordsChecked;
        QString problem;
        if (record.id != expectedId)
            problem = u"record ids jump from %1 to %2 (a record was deleted)"_s.arg(expectedId - 1).arg(record.id);
        else if (record.previousHash != expectedPrevious)
            problem = u"previous_hash does not match the record before it"_s;
        else if (computeHash(record) != record.hash)
            problem = u"the record's content does not match its hash (it was edited)"_s;
        if (!problem.isEmpty()) {
            result.firstBrokenId = record.id;
            result.problem = problem;
            return result;
        }
        expectedPrevious = record.hash;
        ++expectedId;
    }
    return result;
}

} // namespace vanopticon::storage
