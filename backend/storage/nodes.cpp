// SPDX-License-Identifier: Apache-2.0
#include "storage/nodes.h"

#include "storage/json.h"

#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace vanopticon::storage {

namespace {
const QString kColumns = u"id, hostname, public_key, enrolled_at, COALESCE(last_seen_at, 0), "
                         u"COALESCE(last_heartbeat_at, 0), COALESCE(address, ''), COALESCE(version, ''), "
                         u"last_acked_batch, events_received"_s;

NodeRecord readNode(const QSqlQuery &query) {
    return NodeRecord {query.value(0).toString(), query.value(1).toString(), query.value(2).toByteArray(),
        query.value(3).toLongLong(), query.value(4).toLongLong(), query.value(5).toLongLong(),
        query.value(6).toString(), query.value(7).toString(), query.value(8).toULongLong(),
        query.value(9).toLongLong()};
}
} // namespace

QJsonObject toJson(const NodeRecord &node, bool online) {
    return QJsonObject {
        {u"id"_s, node.id},
        {u"hostname"_s, node.hostname},
        {u"status"_s, online ? u"online"_s : u"offline"_s},
        {u"enrolled_at"_s, jsonTime(node.enrolledAt)},
        {u"last_heartbeat"_s, jsonTime(node.lastHeartbeatAt)},
        {u"last_seen"_s, jsonTime(node.lastSeenAt)},
        {u"address"_s, node.address},
        {u"version"_s, node.version},
        {u"events_received"_s, node.eventsReceived},
    };
}

Result<void> NodeRepository::create(const NodeRecord &node) {
    QSqlQuery query(m_db.handle());
    query.prepare(u"INSERT INTO nodes (id, hostname, public_key, enrolled_at) VALUES (?, ?, ?, ?)"_s);
    query.addBindValue(node.id);
    query.addBindValue(nonNull(node.hostname));
    query.addBindValue(node.publicKey);
    query.addBindValue(node.enrolledAt);
    if (!query.exec())
        return sqlError(u"creating node "_s + node.id, query);
    return {};
}

Result<std::optional<NodeRecord>> NodeRepository::find(const QString &id) {
    QSqlQuery query(m_db.handle());
    query.prepare(u"SELECT "_s + kColumns + u" FROM nodes WHERE id = ?"_s);
    query.addBindValue(id);
    if (!query.exec())
        return sqlError(u"looking up a node"_s, query);
    if (!query.next())
        return std::optional<NodeRecord>();
    return std::optional<NodeRecord>(readNode(query));
}

Result<QList<NodeRecord>> NodeRepository::list() {
    QSqlQuery query(m_db.handle());
    if (!query.exec(u"SELECT "_s + kColumns + u" FROM nodes ORDER BY hostname, id"_s))
        return sqlError(u"listing nodes"_s, query);
    QList<NodeRecord> nodes;
    while (query.next())
        nodes.append(readNode(query));
    return nodes;
}

Result<void> NodeRepository::recordConnection(
    const QString &id, const QString &address, const QString &version, qint64 at) {
    QSqlQuery query(m_db.handle());
    query.prepare(u"UPDATE nodes SET address = ?, version = ?, last_seen_at = ? WHERE id = ?"_s);
    query.addBindValue(nonNull(address));
    query.addBindValue(nonNull(version));
    query.addBindValue(at);
    query.addBindValue(id);
    if (!query.exec())
        return sqlError(u"recording a node connection"_s, query);
    return {};
}

Result<void> NodeRepository::recordHeartbeat(const QString &id, qint64 at) {
    QSqlQuery query(m_db.handle());
    query.prepare(u"UPDATE nodes SET last_heartbeat_at = ?, last_seen_at = ? WHERE id = ?"_s);
    query.addBindValue(at);
    query.addBindValue(at);
    query.addBindValue(id);
    if (!query.exec())
        return sqlError(u"recording a heartbeat"_s, query);
    return {};
}

Result<void> NodeRepository::recordBatch(const QString &id, quint64 batchSequence, qint64 storedEvents, qint64 at) {
    QSqlQuery query(m_db.handle());
    query.prepare(u"UPDATE nodes SET last_acked_batch = MAX(last_acked_batch, ?), "
                  u"events_received = events_received + ?, last_seen_at = ? WHERE id = ?"_s);
    query.addBindValue(static_cast<qint64>(batchSequence));
    query.addBindValue(storedEvents);
    query.addBindValue(at);
    query.addBindValue(id);
    if (!query.exec())
        return sqlError(u"recording a batch"_s, query);
    return {};
}

Result<void> NodeRepository::createEnrollmentToken(
    const QString &tokenHash, const QString &description, const QString &createdBy, qint64 expiresAt) {
    QSqlQuery query(m_db.handle());
    query.prepare(u"INSERT INTO enrollment_tokens (token_hash, description, created_by, created_at, expires_at) "
                  u"VALUES (?, ?, ?, ?, ?)"_s);
    query.addBindValue(tokenHash);
    query.addBindValue(nonNull(description));
    query.addBindValue(nonNull(createdBy));
    query.addBindValue(nowMs());
    query.addBindValue(expiresAt);
    if (!query.exec())
        return sqlError(u"creating an enrollment token"_s, query);
    return {};
}

Result<bool> NodeRepository::consumeEnrollmentToken(const QString &tokenHash, const QString &nodeId, qint64 now) {
    QSqlQuery query(m_db.handle());
    query.prepare(u"UPDATE enrollment_tokens SET used_at = ?, used_by_node = ? "
                  u"WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?"_s);
    query.addBindValue(now);
    query.addBindValue(nodeId);
    query.addBindValue(tokenHash);
    query.addBindValue(now);
    if (!query.exec())
        return sqlError(u"consuming an enrollment token"_s, query);
    return query.numRowsAffected() == 1;
}

} // namespace vanopticon::storage
