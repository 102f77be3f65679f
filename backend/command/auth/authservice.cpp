// SPDX-License-Identifier: Apache-2.0
#include "command/auth/authservice.h"

#include "shared/crypto/crypto.h"
#include "storage/auditlog.h"
#include "storage/json.h"
#include "storage/users.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace vanopticon::command {

namespace {
const char kInvalidCredentials[] = "invalid username or password";
constexpr qsizetype kMaxPasswordBytes = 1024; // Argon2 cost is per byte; refuse novels
} // namespace

QString hashToken(const QString &token) {
    return QString::fromStdString(crypto::blake2bHex(token.toStdString()));
}

AuthService::AuthService(storage::Database &db, storage::AuditLog &audit)
    : m_db(db)
    , m_audit(audit) {
}

Result<void> AuthService::createUser(const QString &username, const QString &password, Role role) {
    if (username.isEmpty() || username.size() > 64)
        return makeError("a user name has 1 to 64 characters");
    if (password.size() < 8 || password.toUtf8().size() > kMaxPasswordBytes)
        return makeError("a password has at least 8 characters");
    auto hash = crypto::hashPassword(password.toStdString());
    if (!hash)
        return hash.error();
    storage::UserRepository users(m_db);
    auto id = users.create(username, QString::fromStdString(*hash), toString(role));
    if (!id)
        return id.error();
    return {};
}

Result<void> AuthService::bootstrapAdmin(const QString &password, QString *generatedPassword) {
    storage::UserRepository users(m_db);
    auto count = users.count();
    if (!count)
        return count.error();
    if (*count > 0)
        return {};
    QString chosen = password;
    if (chosen.isEmpty()) {
        chosen = QString::fromStdString(crypto::randomToken("", 18));
        if (generatedPassword)
            *generatedPassword = chosen;
    }
    if (auto created = createUser(u"admin"_s, chosen, Role::Administrator); !created)
        return makeError("cannot create the first administrator: " + created.error().message);
    auto audited = m_audit.append(u"system"_s, u"user.create"_s, u"user/admin"_s, u"success"_s,
        QJsonObject {{u"role"_s, u"administrator"_s}, {u"reason"_s, u"first start"_s}});
    if (!audited)
        return audited.error();
    return {};
}

std::variant<Session, AuthService::LoginRefusal> AuthService::login(
    const QString &username, const QString &password, const QHostAddress &peer) {
    const qint64 now = storage::nowMs();
    const QJsonObject details {{u"address"_s, peer.toString()}};
    if (const qint64 wait = m_throttle.retryAfterMs(peer, now); wait > 0) {
        (void)m_audit.append(username.left(64), u"auth.login"_s, u"user/"_s + username.left(64), u"denied"_s,
            QJsonObject {{u"address"_s, peer.toString()}, {u"reason"_s, u"too many failures"_s}});
        return LoginRefusal {u"too many failed logins from this address; try again later"_s, wait};
    }
    if (m_dummyHash.isEmpty())
        m_dummyHash = QString::fromStdString(crypto::hashPassword("not a real password").value());
    storage::UserRepository users(m_db);
    auto user = users.findByName(username);
    if (!user)
        return LoginRefusal {QString::fromStdString(user.error().message), 0};
    const bool tooLong = password.toUtf8().size() > kMaxPasswordBytes;
    const QString &hash = user->has_value() ? (*user)->passwordHash : m_dummyHash;
    const bool verified = !tooLong && crypto::verifyPassword(hash.toStdString(), password.toStdString());
    const bool ok = verified && user->has_value();
    (void)m_audit.append(
        username.left(64), u"auth.login"_s, u"user/"_s + username.left(64), ok ? u"success"_s : u"failure"_s, details);
    if (!ok) {
        m_throttle.recordFailure(peer, now);
        return LoginRefusal {QString::fromLatin1(kInvalidCredentials), 0};
    }
    m_throttle.recordSuccess(peer);

    Session session;
    session.token = QString::fromStdString(crypto::randomToken("vo_"));
    session.expiresAt = now + std::chrono::milliseconds(kSessionLifetime).count();
    session.principal = Principal {(*user)->id, (*user)->username, parseRole((*user)->role).value_or(Role::Viewer)};
    if (auto stored = users.createSession(hashToken(session.token), session.principal.userId, session.expiresAt);
        !stored)
        return LoginRefusal {QString::fromStdString(stored.error().message), 0};
    return session;
}

std::optional<Principal> AuthService::authenticate(const QByteArray &authorizationHeader) {
    static const QByteArray kPrefix = "Bearer ";
    if (!authorizationHeader.startsWith(kPrefix))
        return std::nullopt;
    const QByteArray token = authorizationHeader.mid(kPrefix.size()).trimmed();
    if (token.isEmpty() || token.size() > 256)
        return std::nullopt;
    // Looked up by hash: the stored value is useless to whoever reads the database, and the
    // comparison happens on a hash the caller cannot steer byte by byte.
    storage::UserRepository users(m_db);
    auto session = users.findSession(hashToken(QString::fromLatin1(token)), storage::nowMs());
    if (!session || !session->has_value())
        return std::nullopt;
    const auto role = parseRole((*session)->role);
    if (!role)
        return std::nullopt;
    return Principal {(*session)->userId, (*session)->username, *role};
}

} // namespace vanopticon::command
