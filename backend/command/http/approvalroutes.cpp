// SPDX-License-Identifier: Apache-2.0
#include "command/http/apisupport.h"
#include "storage/decisions.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace vanopticon::command {

namespace {

const QStringList kStatuses = {
    u"pending"_s, u"approved"_s, u"denied"_s, u"dispatched"_s, u"executed"_s, u"failed"_s, u"refused"_s, u"dry_run"_s};

HttpResponse decide(ApiContext &context, const HttpRequest &request, const Principal &principal, bool approve) {
    auto id = api::idParameter(request, u"id"_s);
    if (auto *refusal = std::get_if<HttpResponse>(&id))
        return *refusal;
    auto body = api::jsonBody(request);
    if (auto *refusal = std::get_if<HttpResponse>(&body))
        return *refusal;
    const QJsonValue reasonValue = std::get<QJsonObject>(body).value(u"reason"_s);
    const QString reason = reasonValue.toString().trimmed();
    if (!reasonValue.isString() || reason.isEmpty())
        return HttpResponse::error(400, u"bad_request"_s, u"a non-empty reason is required"_s);
    if (reason.size() > 2000)
        return HttpResponse::error(400, u"bad_request"_s, u"the reason is limited to 2000 characters"_s);
    if (!context.decide)
        return api::internalError("no decision service is wired");
    const DecideOutcome outcome = context.decide(std::get<qint64>(id), approve, principal, reason);
    switch (outcome.kind) {
    case DecideOutcome::Kind::Decided:
        return HttpResponse::json(storage::toJson(outcome.decision));
    case DecideOutcome::Kind::NotFound:
        return HttpResponse::error(404, u"not_found"_s, u"no such approval"_s);
    case DecideOutcome::Kind::NotPending:
        return HttpResponse::error(409, u"conflict"_s, outcome.message);
    case DecideOutcome::Kind::Failed:
        break;
    }
    return api::internalError(outcome.message.toStdString());
}

} // namespace

void registerApprovalRoutes(HttpServer &server, ApiContext &context) {
    server.route(QHttpServerRequest::Method::Get, u"/api/v1/approvals"_s,
        api::requiring(context, Permission::Read, [&context](const HttpRequest &request, const Principal &) {
            auto limit = api::limitParameter(request, 100, 1000);
            if (auto *refusal = std::get_if<HttpResponse>(&limit))
                return *refusal;
            const QString status = request.query.queryItemValue(u"status"_s);
            if (!status.isEmpty() && !kStatuses.contains(status))
                return HttpResponse::error(
                    400, u"bad_request"_s, u"status must be one of: "_s + kStatuses.join(u", "_s));
            storage::DecisionRepository decisions(context.db);
            auto list = decisions.list(status, std::get<int>(limit));
            if (!list)
                return api::internalError(list.error().message);
            QJsonArray items;
            for (const storage::DecisionRecord &decision : *list)
                items.append(storage::toJson(decision));
            return HttpResponse::json(QJsonObject {{u"items"_s, items}});
        }));
    for (const bool approve : {true, false}) {
        server.route(QHttpServerRequest::Method::Post,
            approve ? u"/api/v1/approvals/{id}/approve"_s : u"/api/v1/approvals/{id}/deny"_s,
            api::requiring(context, Permission::DecideApprovals,
                [&context, approve](const HttpRequest &request, const Principal &principal) {
                    return decide(context, request, principal, approve);
                }));
    }
}

} // namespace vanopticon::command
