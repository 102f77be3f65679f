// SPDX-License-Identifier: Apache-2.0
#include "storage/users.h"

#include "storage/json.h"

#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace vanopticon::storage {

Result<qint64> UserRepository::count() {
    QSqlQuery query(m_db.handle());
    if (!query.exec(u"SELECT COUNT(*) FROM users"_s) || !query.next())
        return sqlError(u"counting users"_s, query);
    return query.value(0).toLongLong();
}

Result<qint64> UserRepository::create(const QString &username, const QString &passwordHash, const QString &role) {
    QSqlQuery query(m_db.handle());
    query.prepare(u"INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)"_s);
    query.addBindValue(username);
    query.addBindValue(passwordHash);
    query.addBindValue(role);
    query.addBindValue(nowMs());
    if (!query.exec())
        return sqlError(u"creating user "_s + username, query);
    return query.lastInsertId().toLongLong();
}

Result<std::optional<UserRecord>> UserRepository::findByName(const QString &username) {
    QSqlQuery query(m_db.handle());
    query.prepare(u"SELECT id, username, password_hash, role FROM users WHERE username = ?"_s);
    query.addBindValue(username);
    if (!query.exec())
        return sqlError(u"looking up a user"_s, query);
    if (!query.next())
        return std::optional<UserRecord>();
    return std::optional<UserRecord>(UserRecord {
        query.value(0).toLongLong(), query.value(1).toString(), query.value(2).toString(), query.value(3).toString()});
}

Result<void> UserRepository::createSession(const QString &tokenHash, qint64 userId, qint64 expiresAt) {
    QSqlQuery query(m_db.handle());
    query.prepare(u"INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)"_s);
    query.addBindValue(tokenHash);
    query.addBindValue(userId);
    query.addBindValue(nowMs());
    query.addBindValue(expiresAt);
    if (!query.exec())
        return sqlError(u"creating a session"_s, query);
    return {};
}

Result<std::optional<SessionRecord>> UserRepository::findSession(const QString &tokenHash, qint64 now) {
    QSqlQuery query(m_db.handle());
    query.prepare(u"SELECT u.id, u.username, u.role, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id "
                  u"WHERE s.token_hash = ? AND s.expires_at > ?"_s);
    query.addBindValue(tokenHash);
    query.addBindValue(now);
    if (!query.exec())
        return sqlError(u"looking up a session"_s, query);
    if (!query.next())
        return std::optional<SessionRecord>();
    return std::optional<SessionRecord>(SessionRecord {query.value(0).toLongLong(), query.value(1).toString(),
        query.value(2).toString(), query.value(3).toLongLong()});
}

Result<void> UserRepository::deleteExpiredSessions(qint64 now) {
    QSqlQuery query(m_db.handle());
    query.prepare(u"DELETE FROM sessions WHERE expires_at <= ?"_s);
    query.addBindValue(now);
    if (!query.exec())
        return sqlError(u"deleting expired sessions"_s, query);
    return {};
}

} // namespace vanopticon::storage
