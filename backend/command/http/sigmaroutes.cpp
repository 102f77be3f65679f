// SPDX-License-Identifier: Apache-2.0
#include "command/http/apisupport.h"

using namespace Qt::StringLiterals;

namespace vanopticon::command {

// GET /api/v1/sigma/rules?sort=matches|cost|evaluations&limit=N: the Sigma rule set in service
// and what each rule cost and found.
void registerSigmaRoutes(HttpServer &server, ApiContext &context) {
    server.route(QHttpServerRequest::Method::Get, u"/api/v1/sigma/rules"_s,
        api::requiring(context, Permission::Read, [&context](const HttpRequest &request, const Principal &) {
            if (!context.sigmaRules)
                return HttpResponse::error(404, u"not_found"_s, u"Sigma is turned off (server.sigma.rules: [])"_s);
            const QString sort
                = request.query.hasQueryItem(u"sort"_s) ? request.query.queryItemValue(u"sort"_s) : u"matches"_s;
            if (sort != u"matches"_s && sort != u"cost"_s && sort != u"evaluations"_s)
                return HttpResponse::error(400, u"bad_request"_s, u"sort must be matches, cost or evaluations"_s);
            auto limit = api::limitParameter(request, 100, 100'000);
            if (auto *refusal = std::get_if<HttpResponse>(&limit))
                return *refusal;
            return HttpResponse::json(context.sigmaRules(sort, std::get<int>(limit)));
        }));
}

} // namespace vanopticon::command
