// SPDX-License-Identifier: Apache-2.0
#include "command/http/apisupport.h"

using namespace Qt::StringLiterals;

namespace vanopticon::command {

// GET /metrics: Prometheus text. A scraper on the same host needs no token; from elsewhere the
// caller must hold a session token (any role). A reverse proxy on this host makes every caller
// look local: put its own authentication in front of /metrics.
void registerMetricsRoutes(HttpServer &server, ApiContext &context) {
    server.route(QHttpServerRequest::Method::Get, u"/metrics"_s, [&context](const HttpRequest &request) {
        if (!request.peer.isLoopback()) {
            auto who = api::authorize(context, request, Permission::Read);
            if (auto *refusal = std::get_if<HttpResponse>(&who))
                return *refusal;
        }
        HttpResponse response;
        response.contentType = "text/plain; version=0.0.4; charset=utf-8";
        response.body = context.metrics ? context.metrics() : QByteArray();
        return response;
    });
}

} // namespace vanopticon::command
