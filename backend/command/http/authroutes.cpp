// SPDX-License-Identifier: Apache-2.0
#include "command/auth/authservice.h"
#include "command/http/apisupport.h"
#include "storage/json.h"

using namespace Qt::StringLiterals;

namespace vanopticon::command {

void registerAuthRoutes(HttpServer &server, ApiContext &context) {
    server.route(QHttpServerRequest::Method::Post, u"/api/v1/auth/login"_s, [&context](const HttpRequest &request) {
        auto body = api::jsonBody(request);
        if (auto *refusal = std::get_if<HttpResponse>(&body))
            return *refusal;
        const QJsonObject &object = std::get<QJsonObject>(body);
        if (!object.value(u"username"_s).isString() || !object.value(u"password"_s).isString())
            return HttpResponse::error(400, u"bad_request"_s, u"username and password are required strings"_s);
        auto outcome = context.auth.login(
            object.value(u"username"_s).toString(), object.value(u"password"_s).toString(), request.peer);
        if (const auto *refusal = std::get_if<AuthService::LoginRefusal>(&outcome)) {
            if (refusal->retryAfterMs <= 0)
                return HttpResponse::error(401, u"unauthorized"_s, refusal->message);
            HttpResponse response = HttpResponse::error(429, u"too_many_requests"_s, refusal->message);
            response.headers.append(std::pair<QByteArray, QByteArray>(
                "Retry-After", QByteArray::number((refusal->retryAfterMs + 999) / 1000)));
            return response;
        }
        const Session *session = std::get_if<Session>(&outcome);
        return HttpResponse::json(QJsonObject {
            {u"token"_s, session->token},
            {u"role"_s, toString(session->principal.role)},
            {u"username"_s, session->principal.username},
            {u"expires_at"_s, storage::isoTime(session->expiresAt)},
        });
    });
}

} // namespace vanopticon::command
