// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"

#include <QAbstractHttpServer>
#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonValue>
#include <QList>
#include <QSslConfiguration>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

#include <functional>
#include <memory>
#include <optional>

class QWebSocket;

namespace vanopticon::command {

class TlsListener;

// What a route handler sees of a request.
struct HttpRequest {
    QHttpServerRequest::Method method;
    QString path;
    QHash<QString, QString> params; // captured {name} path segments
    QUrlQuery query;
    QByteArray body;
    QHostAddress peer;
    const QHttpServerRequest *raw = nullptr;

    QByteArray header(const QByteArray &name) const; // case-insensitive
};

struct HttpResponse {
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;

    static HttpResponse json(const QJsonValue &value, int status = 200);
    // The API's error shape: {"error": code, "message": message}.
    static HttpResponse error(int status, const QString &code, const QString &message);
};

// The one place that knows QtHttpServer's API (it changed a lot in 6.5–6.8). Subclasses
// QAbstractHttpServer to own routing: JSON 404 / 405 / 413 answers, path parameters, SSE
// responders, and WebSocket upgrades that can be refused with a status before upgrading.
class HttpServer : public QAbstractHttpServer {
    Q_OBJECT
public:
    using Handler = std::function<HttpResponse(const HttpRequest &)>;
    // Takes over the connection, e.g. to stream Server-Sent Events.
    using StreamHandler = std::function<void(const HttpRequest &, QHttpServerResponder &&)>;
    // Decides a WebSocket upgrade: an empty optional accepts; a response refuses.
    using UpgradeCheck = std::function<std::optional<HttpResponse>(const HttpRequest &)>;
    using WebSocketHandler = std::function<void(std::unique_ptr<QWebSocket>)>;

    static constexpr qsizetype kMaxBodyBytes = 1024 * 1024;

    explicit HttpServer(QObject *parent = nullptr);

    // Patterns are paths whose segments may be {name} captures: /api/v1/alerts/{id}.
    void route(QHttpServerRequest::Method method, const QString &pattern, Handler handler);
    void streamRoute(const QString &path, StreamHandler handler);
    void webSocketRoute(const QString &path, UpgradeCheck check, WebSocketHandler handler);

    // Plain HTTP, or HTTPS (and wss) with `tls`: then a connection reaches the routes only once
    // its TLS handshake succeeded; one that fails or stalls (10 s) is closed and counted. Call once.
    Result<quint16> listen(
        const QHostAddress &address, quint16 port, const std::optional<QSslConfiguration> &tls = std::nullopt);

    // The HTTPS listener's account of failed handshakes; null for plain HTTP.
    const TlsListener *tlsListener() const { return m_tlsListener; }

    // Writes a complete response (used by stream handlers that refuse).
    static void respond(QHttpServerResponder &responder, const HttpResponse &response);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    struct Route {
        QHttpServerRequest::Method method;
        QStringList segments;
        Handler handler;
        StreamHandler streamHandler;
    };
    struct WebSocketRoute {
        UpgradeCheck check;
        WebSocketHandler handler;
    };

    static bool matches(const QStringList &pattern, const QStringList &path, QHash<QString, QString> &params);
    HttpRequest makeRequest(const QHttpServerRequest &request) const;
    void onNewWebSocket();

    QList<Route> m_routes;
    QHash<QString, WebSocketRoute> m_webSocketRoutes;
    TlsListener *m_tlsListener = nullptr; // owned as a child; null: plain HTTP
};

} // namespace vanopticon::command
