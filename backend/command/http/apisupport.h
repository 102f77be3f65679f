// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "command/auth/roles.h"
#include "command/http/api.h"
#include "command/http/httpserver.h"

#include <QJsonObject>

#include <optional>
#include <variant>

// Helpers shared by the route files.
namespace vanopticon::command::api {

// The caller, or the 401 / 403 response to send instead.
std::variant<Principal, HttpResponse> authorize(ApiContext &context, const HttpRequest &request, Permission permission);

// A route handler that runs only for an authenticated caller holding `permission`; others get
// 401 / 403.
using AuthorizedHandler = std::function<HttpResponse(const HttpRequest &, const Principal &)>;
HttpServer::Handler requiring(ApiContext &context, Permission permission, AuthorizedHandler handler);

// The body as a JSON object, or a 400 response.
std::variant<QJsonObject, HttpResponse> jsonBody(const HttpRequest &request);

// ?limit=N within 1..max (default `fallback`), or a 400 response.
std::variant<int, HttpResponse> limitParameter(const HttpRequest &request, int fallback, int max);

// A positive integer path parameter, or a 404 response (a malformed id names nothing).
std::variant<qint64, HttpResponse> idParameter(const HttpRequest &request, const QString &name);

HttpResponse internalError(const std::string &message);

} // namespace vanopticon::command::api

// Route registration, one file per resource.
namespace vanopticon::command {
void registerAuthRoutes(HttpServer &server, ApiContext &context);
void registerHealthRoutes(HttpServer &server, ApiContext &context);
void registerEnrollmentRoutes(HttpServer &server, ApiContext &context);
void registerNodeRoutes(HttpServer &server, ApiContext &context);
void registerAlertRoutes(HttpServer &server, ApiContext &context);
void registerApprovalRoutes(HttpServer &server, ApiContext &context);
void registerAuditRoutes(HttpServer &server, ApiContext &context);
void registerStreamRoutes(HttpServer &server, ApiContext &context);
void registerSigmaRoutes(HttpServer &server, ApiContext &context);
void registerEventRoutes(HttpServer &server, ApiContext &context);
void registerMetricsRoutes(HttpServer &server, ApiContext &context);
} // namespace vanopticon::command
