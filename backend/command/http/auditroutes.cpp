// SPDX-License-Identifier: Apache-2.0
#include "command/http/apisupport.h"
#include "storage/auditlog.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace vanopticon::command {

void registerAuditRoutes(HttpServer &server, ApiContext &context) {
    server.route(QHttpServerRequest::Method::Get, u"/api/v1/audit"_s,
        api::requiring(context, Permission::ReadAudit, [&context](const HttpRequest &request, const Principal &) {
            auto limit = api::limitParameter(request, 100, 1000);
            if (auto *refusal = std::get_if<HttpResponse>(&limit))
                return *refusal;
            auto list = context.audit.list(std::get<int>(limit));
            if (!list)
                return api::internalError(list.error().message);
            QJsonArray items;
            for (const storage::AuditRecord &record : *list)
                items.append(storage::toJson(record));
            return HttpResponse::json(QJsonObject {{u"items"_s, items}});
        }));
}

} // namespace vanopticon::command
