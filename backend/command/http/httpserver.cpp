// SPDX-License-Identifier: Apache-2.0
#include "command/http/httpserver.h"

#include "command/http/tlslistener.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>

using namespace Qt::StringLiterals;

namespace vanopticon::command {

namespace {

// Marks a socket whose request was already answered, so missingHandler stays silent.
constexpr char kAnsweredProperty[] = "vanopticon.answered";

bool isWebSocketUpgrade(const QHttpServerRequest &request) {
    return request.value("upgrade").compare("websocket", Qt::CaseInsensitive) == 0;
}

} // namespace

QByteArray HttpRequest::header(const QByteArray &name) const {
    return raw ? raw->value(name) : QByteArray();
}

HttpResponse HttpResponse::json(const QJsonValue &value, int status) {
    HttpResponse response;
    response.status = status;
    response.body = value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                                    : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    return response;
}

HttpResponse HttpResponse::error(int status, const QString &code, const QString &message) {
    return json(QJsonObject {{u"error"_s, code}, {u"message"_s, message}}, status);
}

HttpServer::HttpServer(QObject *parent)
    : QAbstractHttpServer(parent) {
    connect(this, &QAbstractHttpServer::newWebSocketConnection, this, &HttpServer::onNewWebSocket);
}

void HttpServer::route(QHttpServerRequest::Method method, const QString &pattern, Handler handler) {
    m_routes.append(Route {method, pattern.split(u'/', Qt::SkipEmptyParts), std::move(handler), {}});
}

void HttpServer::streamRoute(const QString &path, StreamHandler handler) {
    m_routes.append(
        Route {QHttpServerRequest::Method::Get, path.split(u'/', Qt::SkipEmptyParts), {}, std::move(handler)});
}

void HttpServer::webSocketRoute(const QString &path, UpgradeCheck check, WebSocketHandler handler) {
    m_webSocketRoutes.insert(path, WebSocketRoute {std::move(check), std::move(handler)});
}

Result<quint16> HttpServer::listen(
    const QHostAddress &address, quint16 port, const std::optional<QSslConfiguration> &tls) {
    TlsListener *tlsListener = tls ? new TlsListener(*tls, this) : nullptr;
    QTcpServer *server = tlsListener ? tlsListener : new QTcpServer(this);
    if (!server->listen(address, port)) {
        const QString message = server->errorString();
        delete server;
        const QString text
            = u"cannot listen on "_s + address.toString() + u":"_s + QString::number(port) + u": "_s + message;
        return makeError(text.toStdString());
    }
    bind(server);
    m_tlsListener = tlsListener;
    return server->serverPort();
}

void HttpServer::respond(QHttpServerResponder &responder, const HttpResponse &response) {
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(response.status));
    responder.writeHeader("Content-Type", response.contentType);
    responder.writeHeader("Content-Length", QByteArray::number(response.body.size()));
    responder.writeHeader("Cache-Control", "no-store");
    responder.writeHeader("X-Content-Type-Options", "nosniff");
    for (const auto &[name, value] : response.headers)
        responder.writeHeader(name, value);
    responder.writeBody(response.body);
}

bool HttpServer::matches(const QStringList &pattern, const QStringList &path, QHash<QString, QString> &params) {
    if (pattern.size() != path.size())
        return false;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QString &segment = pattern[i];
        if (segment.startsWith(u'{') && segment.endsWith(u'}'))
            params.insert(segment.mid(1, segment.size() - 2), path[i]);
        else if (segment != path[i])
            return false;
    }
    return true;
}

HttpRequest HttpServer::makeRequest(const QHttpServerRequest &request) const {
    HttpRequest out {
        request.method(), request.url().path(), {}, request.query(), request.body(), request.remoteAddress(), &request};
    return out;
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) {
    // Small frames (SSE events, WebSocket messages, acks) go out at once instead of waiting for
    // Nagle's algorithm to coalesce them behind the peer's delayed ACK (up to 40 ms per event).
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    HttpRequest req = makeRequest(request);
    auto answer = [&](const HttpResponse &response) {
        socket->setProperty(kAnsweredProperty, true);
        QHttpServerResponder responder = makeResponder(request, socket);
        respond(responder, response);
    };

    if (isWebSocketUpgrade(request)) {
        const auto route = m_webSocketRoutes.constFind(req.path);
        if (route == m_webSocketRoutes.constEnd()) {
            answer(HttpResponse::error(404, u"not_found"_s, u"no WebSocket endpoint at "_s + req.path));
            return false; // QtHttpServer then closes the connection without upgrading
        }
        if (route->check) {
            if (std::optional<HttpResponse> refusal = route->check(req)) {
                answer(*refusal);
                return false;
            }
        }
        return true; // accepted: QtHttpServer performs the upgrade; onNewWebSocket takes it
    }

    if (request.body().size() > kMaxBodyBytes) {
        answer(HttpResponse::error(413, u"payload_too_large"_s, u"request bodies are limited to 1 MiB"_s));
        return true;
    }

    const QStringList segments = req.path.split(u'/', Qt::SkipEmptyParts);
    bool pathMatched = false;
    for (const Route &route : std::as_const(m_routes)) {
        QHash<QString, QString> params;
        if (!matches(route.segments, segments, params))
            continue;
        pathMatched = true;
        if (route.method != req.method)
            continue;
        req.params = std::move(params);
        socket->setProperty(kAnsweredProperty, true);
        if (route.streamHandler) {
            route.streamHandler(req, makeResponder(request, socket));
        } else {
            QHttpServerResponder responder = makeResponder(request, socket);
            respond(responder, route.handler(req));
        }
        return true;
    }
    if (pathMatched)
        answer(HttpResponse::error(405, u"method_not_allowed"_s, u"this method is not allowed on "_s + req.path));
    else
        answer(HttpResponse::error(404, u"not_found"_s, u"no such endpoint: "_s + req.path));
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) {
    if (socket->property(kAnsweredProperty).toBool())
        return;
    QHttpServerResponder responder = makeResponder(request, socket);
    respond(responder, HttpResponse::error(404, u"not_found"_s, u"no such endpoint"_s));
}

void HttpServer::onNewWebSocket() {
    while (hasPendingWebSocketConnections()) {
        std::unique_ptr<QWebSocket> socket = nextPendingWebSocketConnection();
        const auto route = m_webSocketRoutes.constFind(socket->requestUrl().path());
        if (route == m_webSocketRoutes.constEnd()) {
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"no such endpoint"_s);
            continue;
        }
        route->handler(std::move(socket));
    }
}

} // namespace vanopticon::command
