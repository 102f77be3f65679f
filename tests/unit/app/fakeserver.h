// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QHttpServer>
#include <QHttpServerResponder>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QSslConfiguration>
#include <QTcpSocket>
#include <QUrl>
#include <QWebSocket>

#include <memory>
#include <optional>
#include <vector>

// A never-ending, sequential response body: what QHttpServer 6.4 needs to stream Server-Sent
// Events. push() appends bytes for the client; the device never reports its end.
class PushDevice : public QIODevice {
    Q_OBJECT
public:
    PushDevice();
    void push(const QByteArray &bytes);
    bool isSequential() const override { return true; }
    bool atEnd() const override { return false; }
    qint64 bytesAvailable() const override { return m_pending.size() + QIODevice::bytesAvailable(); }

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QByteArray m_pending;
};

// Just enough of the Vanopticon server (docs/API.md) for the console's client tests, on a real
// loopback port: login, the three lists, approve/deny, and the live stream over WebSocket or SSE.
class FakeServer : public QObject {
    Q_OBJECT
public:
    struct Decision {
        QByteArray path;
        QByteArray authorization;
        QByteArray contentType;
        QJsonObject body;
    };

    // With `tls`, it serves https:// and wss:// instead.
    explicit FakeServer(const std::optional<QSslConfiguration> &tls = std::nullopt);
    ~FakeServer() override;

    QUrl url() const;
    // Sends a notification on every open live stream (WebSocket and SSE).
    void push(const QString &type, const QJsonObject &data);
    // Closes every live WebSocket as a restarting server would (or with 1008, as for a token the
    // server no longer accepts).
    void dropStreams(bool policyViolation = false);
    int openStreams() const;
    // While holdApprovalLists is set, GET /approvals answers wait (with the list as it was when
    // asked) until releaseApprovalLists(): a refetch caught in flight, deterministically.
    int heldApprovalLists() const { return static_cast<int>(m_heldApprovalLists.size()); }
    void releaseApprovalLists();

    static inline const QByteArray kToken = "vo_test_session_token";
    static inline const QString kPassword = QStringLiteral("correct horse battery staple");

    bool webSocketEnabled = true;
    bool holdApprovalLists = false;
    QJsonArray nodes;
    QJsonArray alerts;
    QJsonArray approvals; // every decision; GET /approvals?status=pending filters
    QList<Decision> decisions; // approve/deny requests received
    QList<QByteArray> webSocketAuthorizations;
    QList<QByteArray> streamAuthorizations;
    QByteArray lastAlertsQuery;
    int alertFetches = 0;

private:
    bool authorized(const QHttpServerRequest &request) const;
    QHttpServerResponse decide(qint64 id, const QHttpServerRequest &request, const QString &status);
    void acceptWebSockets();

    QHttpServer m_http;
    quint16 m_port = 0;
    bool m_tls = false;
    std::vector<std::unique_ptr<QWebSocket>> m_sockets;
    QList<QPointer<PushDevice>> m_eventStreams;
    quint64 m_nextId = 1;
    // A test double may keep a responder: 6.4's writes use only its socket, guarded here.
    struct HeldList {
        QHttpServerResponder responder;
        QPointer<QTcpSocket> socket;
        QJsonObject body;
    };
    std::vector<HeldList> m_heldApprovalLists;
};
