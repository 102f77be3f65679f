// SPDX-License-Identifier: Apache-2.0
#include "fakeserver.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QTcpServer>

#include <cstring>

using namespace Qt::StringLiterals;

namespace {

QHttpServerResponse error(QHttpServerResponse::StatusCode status, const QString &code, const QString &message) {
    return QHttpServerResponse(QJsonObject {{u"error"_s, code}, {u"message"_s, message}}, status);
}

QHttpServerResponse unauthorized() {
    return error(QHttpServerResponse::StatusCode::Unauthorized, u"unauthorized"_s, u"missing or invalid token"_s);
}

} // namespace

PushDevice::PushDevice() {
    open(QIODevice::ReadOnly);
}

void PushDevice::push(const QByteArray &bytes) {
    m_pending += bytes;
    Q_EMIT readyRead();
}

qint64 PushDevice::readData(char *data, qint64 maxSize) {
    const qint64 size = std::min<qint64>(maxSize, m_pending.size());
    std::memcpy(data, m_pending.constData(), static_cast<std::size_t>(size));
    m_pending.remove(0, size);
    return size;
}

FakeServer::FakeServer(const std::optional<QSslConfiguration> &tls)
    : m_tls(tls.has_value()) {
    m_http.route(u"/api/v1/auth/login"_s, QHttpServerRequest::Method::Post, [](const QHttpServerRequest &request) {
        const QJsonObject body = QJsonDocument::fromJson(request.body()).object();
        if (body.value(u"username").toString() != u"admin" || body.value(u"password").toString() != kPassword)
            return error(
                QHttpServerResponse::StatusCode::Unauthorized, u"unauthorized"_s, u"invalid username or password"_s);
        return QHttpServerResponse(QJsonObject {{u"token"_s, QString::fromLatin1(kToken)}, {u"role"_s, u"analyst"_s},
            {u"username"_s, u"admin"_s}, {u"expires_at"_s, u"2026-11-23T22:00:00.000Z"_s}});
    });
    m_http.route(u"/api/v1/nodes"_s, QHttpServerRequest::Method::Get, [this](const QHttpServerRequest &request) {
        if (!authorized(request))
            return unauthorized();
        return QHttpServerResponse(QJsonObject {{u"items"_s, nodes}});
    });
    m_http.route(u"/api/v1/alerts"_s, QHttpServerRequest::Method::Get, [this](const QHttpServerRequest &request) {
        if (!authorized(request))
            return unauthorized();
        ++alertFetches;
        lastAlertsQuery = request.url().query().toUtf8();
        return QHttpServerResponse(QJsonObject {{u"items"_s, alerts}});
    });
    m_http.route(u"/api/v1/approvals"_s, QHttpServerRequest::Method::Get,
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            if (!authorized(request)) {
                responder.write(QJsonDocument(QJsonObject {
                                    {u"error"_s, u"unauthorized"_s}, {u"message"_s, u"missing or invalid token"_s}}),
                    QHttpServerResponder::StatusCode::Unauthorized);
                return;
            }
            const QString status = QUrlQuery(request.url()).queryItemValue(u"status"_s);
            QJsonArray items;
            for (const QJsonValue &decision : std::as_const(approvals))
                if (status.isEmpty() || decision[u"status"].toString() == status)
                    items.append(decision);
            const QJsonObject body {{u"items"_s, items}};
            if (!holdApprovalLists) {
                responder.write(QJsonDocument(body));
                return;
            }
            QPointer<QTcpSocket> socket(responder.socket());
            m_heldApprovalLists.push_back(HeldList {std::move(responder), socket, body});
        });
    m_http.route(u"/api/v1/approvals/<arg>/approve"_s, QHttpServerRequest::Method::Post,
        [this](qint64 id, const QHttpServerRequest &request) { return decide(id, request, u"approved"_s); });
    m_http.route(u"/api/v1/approvals/<arg>/deny"_s, QHttpServerRequest::Method::Post,
        [this](qint64 id, const QHttpServerRequest &request) { return decide(id, request, u"denied"_s); });
    m_http.route(u"/api/v1/stream"_s, QHttpServerRequest::Method::Get,
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            streamAuthorizations.append(request.value("Authorization"));
            if (!authorized(request)) {
                responder.write(QJsonDocument(QJsonObject {
                                    {u"error"_s, u"unauthorized"_s}, {u"message"_s, u"missing or invalid token"_s}}),
                    QHttpServerResponder::StatusCode::Unauthorized);
                return;
            }
            auto *device = new PushDevice;
            m_eventStreams.append(device);
            responder.write(device, {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}});
            device->push(": connected\n\n");
        });
    // QHttpServer 6.4 upgrades a WebSocket request only when a route handles its path; the
    // handler must write nothing, or its answer would corrupt the handshake.
    m_http.route(u"/api/v1/ws"_s, [](const QHttpServerRequest &, QHttpServerResponder &&) {});
    connect(&m_http, &QHttpServer::newWebSocketConnection, this, &FakeServer::acceptWebSockets);
    if (tls)
        m_http.sslSetup(*tls);
    m_port = m_http.listen(QHostAddress::LocalHost, 0);
}

FakeServer::~FakeServer() = default;

QUrl FakeServer::url() const {
    return QUrl((m_tls ? u"https://127.0.0.1:%1"_s : u"http://127.0.0.1:%1"_s).arg(m_port));
}

bool FakeServer::authorized(const QHttpServerRequest &request) const {
    return request.value("Authorization") == "Bearer " + kToken;
}

QHttpServerResponse FakeServer::decide(qint64 id, const QHttpServerRequest &request, const QString &status) {
    decisions.append(Decision {request.url().path().toUtf8(), request.value("Authorization"),
        request.value("Content-Type"), QJsonDocument::fromJson(request.body()).object()});
    if (!authorized(request))
        return unauthorized();
    const QString reason = QJsonDocument::fromJson(request.body()).object().value(u"reason").toString();
    if (reason.isEmpty())
        return error(QHttpServerResponse::StatusCode::BadRequest, u"bad_request"_s, u"reason is required"_s);
    for (qsizetype i = 0; i < approvals.size(); ++i) {
        QJsonObject decision = approvals.at(i).toObject();
        if (decision.value(u"id").toInteger() != id)
            continue;
        if (decision.value(u"status").toString() != u"pending")
            return error(QHttpServerResponse::StatusCode::Conflict, u"conflict"_s,
                u"decision %1 is not pending (it is %2)"_s.arg(id).arg(decision.value(u"status").toString()));
        decision[u"status"_s] = status;
        decision[u"reason"_s] = reason;
        decision[u"decided_by"_s] = u"admin"_s;
        approvals.replace(i, decision);
        return QHttpServerResponse(decision);
    }
    return error(QHttpServerResponse::StatusCode::NotFound, u"not_found"_s, u"no such decision"_s);
}

void FakeServer::acceptWebSockets() {
    while (m_http.hasPendingWebSocketConnections()) {
        std::unique_ptr<QWebSocket> socket = m_http.nextPendingWebSocketConnection();
        const QByteArray authorization = socket->request().rawHeader("Authorization");
        webSocketAuthorizations.append(authorization);
        if (!webSocketEnabled) {
            socket->abort();
            continue;
        }
        if (authorization != "Bearer " + kToken) {
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"missing or invalid token"_s);
        }
        m_sockets.push_back(std::move(socket));
    }
}

void FakeServer::push(const QString &type, const QJsonObject &data) {
    const quint64 id = m_nextId++;
    const QJsonObject envelope {
        {u"id"_s, qint64(id)}, {u"type"_s, type}, {u"time"_s, u"2026-11-23T10:15:30.123Z"_s}, {u"data"_s, data}};
    for (const auto &socket : m_sockets)
        if (socket->state() == QAbstractSocket::ConnectedState)
            socket->sendTextMessage(QString::fromUtf8(QJsonDocument(envelope).toJson(QJsonDocument::Compact)));
    const QByteArray event = "id: " + QByteArray::number(id) + "\nevent: " + type.toUtf8()
        + "\ndata: " + QJsonDocument(data).toJson(QJsonDocument::Compact) + "\n\n";
    for (const auto &device : std::as_const(m_eventStreams))
        if (device)
            device->push(event);
}

void FakeServer::dropStreams(bool policyViolation) {
    for (const auto &socket : m_sockets) {
        if (socket->state() != QAbstractSocket::ConnectedState)
            continue;
        if (policyViolation)
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"session expired"_s);
        else
            socket->close(QWebSocketProtocol::CloseCodeGoingAway, u"restarting"_s);
    }
}

void FakeServer::releaseApprovalLists() {
    for (HeldList &held : m_heldApprovalLists)
        if (held.socket)
            held.responder.write(QJsonDocument(held.body));
    m_heldApprovalLists.clear();
}

int FakeServer::openStreams() const {
    int open = 0;
    for (const auto &socket : m_sockets)
        if (socket->state() == QAbstractSocket::ConnectedState)
            ++open;
    for (const auto &device : m_eventStreams)
        if (device)
            ++open;
    return open;
}
