// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/bus/eventbus.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>

class QWebSocket;

namespace vanopticon::command {

class SseDevice;

// Fans the server's notifications out to live clients: Server-Sent Events and WebSocket JSON.
// A client that cannot keep up (more than kMaxBacklogBytes queued) is disconnected and counted
// rather than allowed to grow the server's memory.
class LiveStream : public QObject {
    Q_OBJECT
public:
    static constexpr qint64 kMaxBacklogBytes = 4 * 1024 * 1024;

    explicit LiveStream(EventBus &bus, QObject *parent = nullptr);
    ~LiveStream() override;

    void addSseClient(SseDevice *device);
    void addWebSocketClient(std::unique_ptr<QWebSocket> socket);

    int clientCount() const;
    quint64 clientsDropped() const { return m_dropped; }

private:
    // Both take the notification's data already serialised (compact JSON), so that it is
    // serialised once per notification, however many clients and kinds of client there are.
    static QByteArray sseFrame(const Notification &notification, const QByteArray &data);
    static QString webSocketMessage(const Notification &notification, const QByteArray &data);
    void broadcast(const Notification &notification);
    void keepAlive();

    QList<QPointer<SseDevice>> m_sse;
    QList<QPointer<QWebSocket>> m_webSockets;
    QTimer m_keepAlive;
    quint64 m_dropped = 0;
};

} // namespace vanopticon::command
