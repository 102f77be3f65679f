// SPDX-License-Identifier: Apache-2.0
#include "command/http/apisupport.h"
#include "storage/events.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace vanopticon::command {

namespace {

// The cursor is opaque to clients: where the previous page ended, "timestamp_ns:id", base64url.
QString encodeCursor(const std::pair<qint64, qint64> &position) {
    const QByteArray text = QByteArray::number(position.first) + ':' + QByteArray::number(position.second);
    return QString::fromLatin1(text.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<std::pair<qint64, qint64>> decodeCursor(const QString &text) {
    const auto decoded = QByteArray::fromBase64Encoding(
        text.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() > 64)
        return std::nullopt;
    const QList<QByteArray> parts = decoded.decoded.split(':');
    if (parts.size() != 2)
        return std::nullopt;
    bool timeOk = false;
    bool idOk = false;
    const qint64 timestamp = parts[0].toLongLong(&timeOk);
    const qint64 id = parts[1].toLongLong(&idOk);
    if (!timeOk || !idOk || id <= 0)
        return std::nullopt;
    return std::pair {timestamp, id};
}

// An RFC 3339 time with its offset ("2026-11-23T10:00:00Z"), in nanoseconds since the epoch.
std::optional<qint64> timeParameter(const QString &text) {
    const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid() || time.timeSpec() == Qt::LocalTime)
        return std::nullopt;
    return time.toMSecsSinceEpoch() * 1'000'000;
}

} // namespace

// GET /api/v1/events?node_id=&since=&until=&q=&limit=&cursor=: stored raw events, newest first.
void registerEventRoutes(HttpServer &server, ApiContext &context) {
    server.route(QHttpServerRequest::Method::Get, u"/api/v1/events"_s,
        api::requiring(context, Permission::Read, [&context](const HttpRequest &request, const Principal &) {
            auto limit = api::limitParameter(request, 100, 1000);
            if (auto *refusal = std::get_if<HttpResponse>(&limit))
                return *refusal;
            storage::EventQuery query;
            query.limit = std::get<int>(limit);
            query.nodeId = request.query.queryItemValue(u"node_id"_s, QUrl::FullyDecoded);
            query.text = request.query.queryItemValue(u"q"_s, QUrl::FullyDecoded);
            if (query.text.size() > 1024)
                return HttpResponse::error(400, u"bad_request"_s, u"q is longer than 1024 characters"_s);
            for (const auto &[name, target] : {std::pair {u"since"_s, &query.sinceNs}, {u"until"_s, &query.untilNs}}) {
                if (!request.query.hasQueryItem(name))
                    continue;
                *target = timeParameter(request.query.queryItemValue(name, QUrl::FullyDecoded));
                if (!*target)
                    return HttpResponse::error(400, u"bad_request"_s,
                        name + u" must be an RFC 3339 time with an offset, e.g. 2026-11-23T10:00:00Z"_s);
            }
            if (request.query.hasQueryItem(u"cursor"_s)) {
                query.after = decodeCursor(request.query.queryItemValue(u"cursor"_s));
                if (!query.after)
                    return HttpResponse::error(
                        400, u"bad_request"_s, u"cursor is not one this server gave (take it from next)"_s);
            }
            storage::EventRepository events(context.db);
            auto page = events.page(query);
            if (!page)
                return api::internalError(page.error().message);
            return HttpResponse::json(QJsonObject {{u"items"_s, page->items},
                {u"next"_s, page->next ? QJsonValue(encodeCursor(*page->next)) : QJsonValue()}});
        }));
}

} // namespace vanopticon::command
