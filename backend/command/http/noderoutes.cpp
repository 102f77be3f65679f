// SPDX-License-Identifier: Apache-2.0
#include "command/http/apisupport.h"
#include "storage/nodes.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace vanopticon::command {

void registerNodeRoutes(HttpServer &server, ApiContext &context) {
    server.route(QHttpServerRequest::Method::Get, u"/api/v1/nodes"_s,
        api::requiring(context, Permission::Read, [&context](const HttpRequest &, const Principal &) {
            storage::NodeRepository nodes(context.db);
            auto list = nodes.list();
            if (!list)
                return api::internalError(list.error().message);
            QJsonArray items;
            for (const storage::NodeRecord &node : *list)
                items.append(storage::toJson(node, context.nodeOnline && context.nodeOnline(node.id)));
            return HttpResponse::json(QJsonObject {{u"items"_s, items}});
        }));
}

} // namespace vanopticon::command
