// SPDX-License-Identifier: Apache-2.0
#include "command/http/apisupport.h"

#include "command/auth/authservice.h"

#include <QJsonDocument>
#include <QJsonParseError>

using namespace Qt::StringLiterals;

namespace vanopticon::command {

void registerApi(HttpServer &server, ApiContext &context) {
    registerAuthRoutes(server, context);
    registerHealthRoutes(server, context);
    registerEnrollmentRoutes(server, context);
    registerNodeRoutes(server, context);
    registerAlertRoutes(server, context);
    registerApprovalRoutes(server, context);
    registerAuditRoutes(server, context);
    registerStreamRoutes(server, context);
    registerSigmaRoutes(server, context);
    registerEventRoutes(server, context);
    registerMetricsRoutes(server, context);
}

namespace api {

std::variant<Principal, HttpResponse> authorize(
    ApiContext &context, const HttpRequest &request, Permission permission) {
    const std::optional<Principal> principal = context.auth.authenticate(request.header("authorization"));
    if (!principal) {
        HttpResponse response = HttpResponse::error(401, u"unauthorized"_s, u"a valid bearer token is required"_s);
        response.headers.append(std::pair<QByteArray, QByteArray>("WWW-Authenticate", "Bearer"));
        return response;
    }
    if (!allows(principal->role, permission))
        return HttpResponse::error(
            403, u"forbidden"_s, u"the role "_s + toString(principal->role) + u" may not do this"_s);
    return *principal;
}

HttpServer::Handler requiring(ApiContext &context, Permission permission, AuthorizedHandler handler) {
    return [&context, permission, handler = std::move(handler)](const HttpRequest &request) {
        auto who = authorize(context, request, permission);
        if (auto *refusal = std::get_if<HttpResponse>(&who))
            return *refusal;
        return handler(request, std::get<Principal>(who));
    };
}

std::variant<QJsonObject, HttpResponse> jsonBody(const HttpRequest &request) {
    QJsonParseError error {};
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError)
        return HttpResponse::error(400, u"bad_request"_s, u"the body is not valid JSON: "_s + error.errorString());
    if (!document.isObject())
        return HttpResponse::error(400, u"bad_request"_s, u"the body must be a JSON object"_s);
    return document.object();
}

std::variant<int, HttpResponse> limitParameter(const HttpRequest &request, int fallback, int max) {
    if (!request.query.hasQueryItem(u"limit"_s))
        return fallback;
    bool ok = false;
    const int limit = request.query.queryItemValue(u"limit"_s).toInt(&ok);
    if (!ok || limit < 1 || limit > max)
        return HttpResponse::error(400, u"bad_request"_s, u"limit must be between 1 and "_s + QString::number(max));
    return limit;
}

std::variant<qint64, HttpResponse> idParameter(const HttpRequest &request, const QString &name) {
    bool ok = false;
    const qint64 id = request.params.value(name).toLongLong(&ok);
    if (!ok || id <= 0)
        return HttpResponse::error(404, u"not_found"_s, u"no such "_s + name);
    return id;
}

HttpResponse internalError(const std::string &message) {
    qWarning("api: internal error: %s", message.c_str());
    return HttpResponse::error(500, u"internal_error"_s, u"the server could not complete the request"_s);
}

} // namespace api
} // namespace vanopticon::command
