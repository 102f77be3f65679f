// SPDX-License-Identifier: Apache-2.0
#include "command/http/apisupport.h"
#include "storage/alerts.h"
#include "storage/decisions.h"
#include "storage/events.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace vanopticon::command {

namespace {

std::optional<QJsonArray> actionsOf(ApiContext &context, qint64 alertId) {
    storage::DecisionRepository decisions(context.db);
    auto list = decisions.listForAlert(alertId);
    if (!list)
        return std::nullopt;
    QJsonArray actions;
    for (const storage::DecisionRecord &decision : *list)
        actions.append(storage::toActionJson(decision));
    return actions;
}

} // namespace

void registerAlertRoutes(HttpServer &server, ApiContext &context) {
    server.route(QHttpServerRequest::Method::Get, u"/api/v1/alerts"_s,
        api::requiring(context, Permission::Read, [&context](const HttpRequest &request, const Principal &) {
            auto limit = api::limitParameter(request, 100, 1000);
            if (auto *refusal = std::get_if<HttpResponse>(&limit))
                return *refusal;
            const QString status = request.query.queryItemValue(u"status"_s);
            if (!status.isEmpty() && status != u"open"_s && status != u"acknowledged"_s && status != u"resolved"_s)
                return HttpResponse::error(400, u"bad_request"_s, u"status must be open, acknowledged or resolved"_s);
            storage::AlertRepository alerts(context.db);
            auto list = alerts.list(status, std::get<int>(limit));
            if (!list)
                return api::internalError(list.error().message);
            QJsonArray items;
            for (const storage::AlertRecord &alert : *list) {
                auto actions = actionsOf(context, alert.id);
                if (!actions)
                    return api::internalError("reading an alert's actions");
                items.append(storage::toJson(alert, *actions));
            }
            return HttpResponse::json(QJsonObject {{u"items"_s, items}});
        }));

    server.route(QHttpServerRequest::Method::Get, u"/api/v1/alerts/{id}"_s,
        api::requiring(context, Permission::Read, [&context](const HttpRequest &request, const Principal &) {
            auto id = api::idParameter(request, u"id"_s);
            if (auto *refusal = std::get_if<HttpResponse>(&id))
                return *refusal;
            storage::AlertRepository alerts(context.db);
            auto alert = alerts.get(std::get<qint64>(id));
            if (!alert)
                return api::internalError(alert.error().message);
            if (!alert->has_value())
                return HttpResponse::error(404, u"not_found"_s, u"no such alert"_s);
            auto actions = actionsOf(context, (*alert)->id);
            auto evidenceIds = alerts.evidenceIds((*alert)->id);
            if (!actions || !evidenceIds)
                return api::internalError("reading an alert's actions or evidence");
            storage::EventRepository events(context.db);
            auto evidence = events.evidence(*evidenceIds);
            if (!evidence)
                return api::internalError(evidence.error().message);
            QJsonObject json = storage::toJson(**alert, *actions);
            json.insert(u"evidence"_s, *evidence);
            return HttpResponse::json(json);
        }));
}

} // namespace vanopticon::command
