// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "storage/database.h"

#include <QString>

#include <optional>

namespace vanopticon::storage {

struct UserRecord {
    qint64 id = 0;
    QString username;
    QString passwordHash; // Argon2id string, never leaves the server
    QString role;
};

struct SessionRecord {
    qint64 userId = 0;
    QString username;
    QString role;
    qint64 expiresAt = 0;
};

class UserRepository {
public:
    explicit UserRepository(Database &db)
        : m_db(db) { }

    Result<qint64> count();
    Result<qint64> create(const QString &username, const QString &passwordHash, const QString &role);
    Result<std::optional<UserRecord>> findByName(const QString &username);

    // Sessions are stored by the hash of their token; the token itself is never stored.
    Result<void> createSession(const QString &tokenHash, qint64 userId, qint64 expiresAt);
    Result<std::optional<SessionRecord>> findSession(const QString &tokenHash, qint64 now);
    Result<void> deleteExpiredSessions(qint64 now);

private:
    Database &m_db;
};

} // namespace vanopticon::storage
