// SPDX-License-Identifier: Apache-2.0
#include "command/http/apisupport.h"

#include <QDateTime>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace vanopticon::command {

void registerHealthRoutes(HttpServer &server, ApiContext &context) {
    server.route(QHttpServerRequest::Method::Get, u"/api/v1/health"_s, [&context](const HttpRequest &) {
        const QList<HealthCheck> checks = context.healthChecks ? context.healthChecks() : QList<HealthCheck>();
        QString overall = u"healthy"_s;
        QJsonArray items;
        for (const HealthCheck &check : checks) {
            if (check.status == u"unhealthy"_s)
                overall = u"unhealthy"_s;
            else if (check.status == u"degraded"_s && overall == u"healthy"_s)
                overall = u"degraded"_s;
            items.append(QJsonObject {{u"name"_s, check.name}, {u"status"_s, check.status},
                {u"message"_s, check.message}, {u"latency_ms"_s, check.latencyMs}});
        }
        // An unhealthy server answers 503 so load balancers and probes can act on the status alone.
        return HttpResponse::json(QJsonObject {{u"status"_s, overall}, {u"checks"_s, items},
                                      {u"timestamp"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                                      {u"version"_s, context.version}},
            overall == u"unhealthy"_s ? 503 : 200);
    });
}

} // namespace vanopticon::command
