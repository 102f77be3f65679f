// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "command/auth/loginthrottle.h"
#include "command/auth/roles.h"
#include "shared/core/result.h"

#include <QByteArray>
#include <QHostAddress>
#include <QString>

#include <chrono>
#include <optional>
#include <variant>

namespace vanopticon::storage {
class Database;
class AuditLog;
} // namespace vanopticon::storage

namespace vanopticon::command {

struct Session {
    QString token; // shown to the client once; only its hash is stored
    Principal principal;
    qint64 expiresAt = 0;
};

// Users, passwords (Argon2id) and bearer sessions. Every login attempt is audited.
class AuthService {
public:
    static constexpr std::chrono::hours kSessionLifetime {12};

    AuthService(storage::Database &db, storage::AuditLog &audit);

    // On first start with no users: creates `admin` with `password`, or a random password
    // returned in `generatedPassword` for the caller to show once.
    Result<void> bootstrapAdmin(const QString &password, QString *generatedPassword);

    struct LoginRefusal {
        QString message;
        qint64 retryAfterMs = 0; // > 0: too many failures from this address, try again later
    };
    // Fails with the same message for an unknown user and a wrong password.
    std::variant<Session, LoginRefusal> login(
        const QString &username, const QString &password, const QHostAddress &peer);
    // The principal of an `Authorization: Bearer …` header value, if it names a live session.
    std::optional<Principal> authenticate(const QByteArray &authorizationHeader);

    Result<void> createUser(const QString &username, const QString &password, Role role);

private:
    storage::Database &m_db;
    storage::AuditLog &m_audit;
    QString m_dummyHash; // verified against for unknown users, so timing does not reveal names
    LoginThrottle m_throttle;
};

QString hashToken(const QString &token);

} // namespace vanopticon::command
