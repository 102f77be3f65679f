// SPDX-License-Identifier: Apache-2.0
#include "command/auth/authservice.h"
#include "command/http/apisupport.h"
#include "shared/crypto/crypto.h"
#include "storage/auditlog.h"
#include "storage/json.h"
#include "storage/nodes.h"

using namespace Qt::StringLiterals;

namespace vanopticon::command {

namespace {
constexpr qint64 kDefaultTtlSeconds = 3600;
constexpr qint64 kMaxTtlSeconds = 7 * 24 * 3600;
} // namespace

void registerEnrollmentRoutes(HttpServer &server, ApiContext &context) {
    server.route(QHttpServerRequest::Method::Post, u"/api/v1/enrollment-tokens"_s,
        api::requiring(
            context, Permission::ManageEnrollment, [&context](const HttpRequest &request, const Principal &principal) {
                QJsonObject object;
                if (!request.body.trimmed().isEmpty()) {
                    auto body = api::jsonBody(request);
                    if (auto *refusal = std::get_if<HttpResponse>(&body))
                        return *refusal;
                    object = std::get<QJsonObject>(body);
                }
                const QJsonValue ttlValue = object.value(u"ttl_seconds"_s);
                if (!ttlValue.isUndefined() && !ttlValue.isDouble())
                    return HttpResponse::error(400, u"bad_request"_s, u"ttl_seconds must be a number"_s);
                const qint64 ttl = ttlValue.isUndefined() ? kDefaultTtlSeconds : qint64(ttlValue.toDouble());
                if (ttl < 60 || ttl > kMaxTtlSeconds)
                    return HttpResponse::error(400, u"bad_request"_s, u"ttl_seconds must be between 60 and 604800"_s);
                const QString description = object.value(u"description"_s).toString().left(200);

                const QString token = QString::fromStdString(crypto::randomToken("vo_enroll_"));
                const qint64 expiresAt = storage::nowMs() + ttl * 1000;
                storage::NodeRepository nodes(context.db);
                if (auto created
                    = nodes.createEnrollmentToken(hashToken(token), description, principal.username, expiresAt);
                    !created)
                    return api::internalError(created.error().message);
                (void)context.audit.append(principal.username, u"enrollment_token.create"_s, u"enrollment_token"_s,
                    u"success"_s,
                    QJsonObject {{u"description"_s, description}, {u"expires_at"_s, storage::isoTime(expiresAt)}});
                return HttpResponse::json(
                    QJsonObject {{u"token"_s, token}, {u"expires_at"_s, storage::isoTime(expiresAt)}}, 201);
            }));
}

} // namespace vanopticon::command
