// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "backoff.h"
#include "sseparser.h"

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <QCoroTask>

#include <chrono>

class QNetworkAccessManager;
class QNetworkReply;
class QWebSocket;

namespace vanopticon::console {

// The server's live notifications (docs/API.md, "Live stream"): a WebSocket on /api/v1/ws, and
// Server-Sent Events on /api/v1/stream when the WebSocket cannot be opened (proxies that strip
// the upgrade). A lost connection is retried with capped exponential backoff until stop().
// Whoever owns the stream refetches its lists on connectedChanged(true): notifications sent
// while the stream was down are not replayed by the server.
class LiveStream : public QObject {
    Q_OBJECT
public:
    enum class Transport { None, WebSocket, EventStream };

    explicit LiveStream(QNetworkAccessManager *network, QObject *parent = nullptr);
    ~LiveStream() override;

    // (Re)starts the connect loop for this server and session token.
    void start(const QUrl &serverUrl, const QByteArray &token);
    void stop();

    bool isConnected() const { return m_transport != Transport::None; }
    Transport transport() const { return m_transport; }

    // Tests shorten these; defaults suit a desktop on a LAN or VPN.
    void setReconnectDelays(std::chrono::milliseconds initial, std::chrono::milliseconds maximum);
    // A connection silent for this long (no message, keep-alive or pong) is considered dead.
    void setIdleTimeout(std::chrono::milliseconds timeout);

    // Largest single notification accepted, on either transport.
    static constexpr qsizetype kMaxMessageBytes = qsizetype(1) << 20;

Q_SIGNALS:
    void connectedChanged(bool connected);
    void notificationReceived(const QString &type, const QJsonObject &data);
    // A message that was not a well-formed notification (counted by the owner).
    void messageDropped();
    // The server refused the session token: retrying cannot help, the loop has stopped.
    void unauthorized(const QString &message);

private:
    enum class Outcome { Stopped, NeverOpened, Ended, Unauthorized };
    struct Attempt {
        Outcome outcome;
        QString message; // the server's reason when it refused the session
        std::chrono::milliseconds lasted {}; // how long the connection was live
    };

    QCoro::Task<> run(quint64 generation);
    // Waits until the timeout passes or wake() is called. The timer lives in the coroutine's own
    // frame, so a wait always ends, even when this object is destroyed meanwhile.
    QCoro::Task<> waitForWake(std::chrono::milliseconds timeout);
    void wake();
    QCoro::Task<Attempt> runWebSocket(quint64 generation);
    QCoro::Task<Attempt> runEventStream(quint64 generation);
    bool current(quint64 generation) const { return generation == m_generation; }
    void setTransport(Transport transport);
    void handleWebSocketMessage(const QString &message);
    void handleEventStreamData();
    void handleEvent(const QByteArray &type, const QByteArray &data);
    void idleTimedOut();

    QNetworkAccessManager *m_network;
    QUrl m_serverUrl;
    QByteArray m_token;
    quint64 m_generation = 0;
    Transport m_transport = Transport::None;
    std::chrono::milliseconds m_initialDelay {1000};
    std::chrono::milliseconds m_maximumDelay {30'000};
    QPointer<QWebSocket> m_socket; // the live transport, to abort it on stop() or idleness
    QPointer<QNetworkReply> m_eventStream;
    QPointer<QTimer> m_wakeTimer;
    SseParser m_parser;
    QTimer m_idleTimer;
    QTimer m_pingTimer;
};

} // namespace vanopticon::console
