// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "storage/database.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace vanopticon::storage {

struct NodeRecord {
    QString id;
    QString hostname;
    QByteArray publicKey; // Ed25519, 32 bytes
    qint64 enrolledAt = 0;
    qint64 lastSeenAt = 0;
    qint64 lastHeartbeatAt = 0;
    QString address;
    QString version;
    quint64 lastAckedBatch = 0;
    qint64 eventsReceived = 0;
};

// The API representation (docs/API.md); `online` is decided by the caller (a live session).
QJsonObject toJson(const NodeRecord &node, bool online);

class NodeRepository {
public:
    explicit NodeRepository(Database &db)
        : m_db(db) { }

    Result<void> create(const NodeRecord &node);
    Result<std::optional<NodeRecord>> find(const QString &id);
    Result<QList<NodeRecord>> list();
    Result<void> recordConnection(const QString &id, const QString &address, const QString &version, qint64 at);
    Result<void> recordHeartbeat(const QString &id, qint64 at);
    // Called in the same transaction that stores the batch's events.
    Result<void> recordBatch(const QString &id, quint64 batchSequence, qint64 storedEvents, qint64 at);

    // One-time enrollment tokens, stored by hash.
    Result<void> createEnrollmentToken(
        const QString &tokenHash, const QString &description, const QString &createdBy, qint64 expiresAt);
    // Marks the token used by `nodeId` if it exists, is unused and unexpired; false otherwise.
    // Atomic: two nodes racing with one token cannot both win.
    Result<bool> consumeEnrollmentToken(const QString &tokenHash, const QString &nodeId, qint64 now);

private:
    Database &m_db;
};

} // namespace vanopticon::storage
