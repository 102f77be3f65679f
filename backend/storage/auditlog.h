// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "storage/database.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace vanopticon::storage {

struct AuditRecord {
    qint64 id = 0;
    qint64 timestamp = 0; // ms
    QString actor; // user name, "node:<id>", or "system"
    QString action; // auth.login, approval.approve, command.result, …
    QString resource; // decision/3, node/node_…, user/admin
    QString outcome; // success, failure, denied
    QJsonObject details;
    QString previousHash;
    QString hash;
};

QJsonObject toJson(const AuditRecord &record);

// The append-only audit trail as a hash chain: each record's hash is BLAKE2b-256 over the
// previous record's hash and the record's canonical JSON (id included), so editing, deleting
// or reordering any record breaks every hash after it, and verify() finds where.
class AuditLog {
public:
    explicit AuditLog(Database &db)
        : m_db(db) { }

    Result<AuditRecord> append(const QString &actor, const QString &action, const QString &resource,
        const QString &outcome, const QJsonObject &details = {});
    // Newest first.
    Result<QList<AuditRecord>> list(int limit);

    struct Verification {
        qint64 recordsChecked = 0;
        std::optional<qint64> firstBrokenId; // empty when the chain is intact
        QString problem;
    };
    Result<Verification> verify();

    static QString computeHash(const AuditRecord &record);

private:
    Result<QString> lastHash();

    Database &m_db;
};

} // namespace vanopticon::storage
