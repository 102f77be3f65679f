// SPDX-License-Identifier: Apache-2.0
#include "command/http/livestream.h"

#include "command/http/ssedevice.h"

#include <QJsonDocument>
#include <QWebSocket>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace vanopticon::command {

LiveStream::LiveStream(EventBus &bus, QObject *parent)
    : QObject(parent) {
    connect(&bus, &EventBus::published, this, &LiveStream::broadcast);
    m_keepAlive.setInterval(15s);
    connect(&m_keepAlive, &QTimer::timeout, this, &LiveStream::keepAlive);
    m_keepAlive.start();
}

LiveStream::~LiveStream() {
    for (const QPointer<QWebSocket> &socket : std::as_const(m_webSockets))
        delete socket.data();
}

void LiveStream::addSseClient(SseDevice *device) {
    m_sse.append(device);
    device->push(": connected\n\n"); // flushes headers at once, so clients know the stream is live
}

void LiveStream::addWebSocketClient(std::unique_ptr<QWebSocket> socket) {
    QWebSocket *raw = socket.release(); // owned here until it disconnects
    raw->setParent(this);
    connect(raw, &QWebSocket::disconnected, raw, &QObject::deleteLater);
    m_webSockets.append(raw);
}

int LiveStream::clientCount() const {
    int count = 0;
    for (const auto &device : m_sse)
        count += device ? 1 : 0;
    for (const auto &socket : m_webSockets)
        count += socket ? 1 : 0;
    return count;
}

QByteArray LiveStream::sseFrame(const Notification &notification, const QByteArray &data) {
    // JSON from QJsonDocument::Compact has no raw newlines, so one data line suffices.
    return "id: " + QByteArray::number(notification.id) + "\nevent: " + notification.type.toUtf8() + "\ndata: " + data
        + "\n\n";
}

QString LiveStream::webSocketMessage(const Notification &notification, const QByteArray &data) {
    // {"data":…,"id":…,"time":…,"type":…}: the envelope is serialised without the data, which goes
    // in first, where QJsonObject's sorted keys would have put it.
    const QJsonObject envelope {{u"id"_s, static_cast<qint64>(notification.id)}, {u"type"_s, notification.type},
        {u"time"_s, notification.time.toString(Qt::ISODateWithMs)}};
    const QByteArray rest = QJsonDocument(envelope).toJson(QJsonDocument::Compact);
    return QString::fromUtf8("{\"data\":" + data + ',' + QByteArrayView(rest).sliced(1));
}

void LiveStream::broadcast(const Notification &notification) {
    m_sse.removeIf([](const QPointer<SseDevice> &d) { return d.isNull(); });
    m_webSockets.removeIf([](const QPointer<QWebSocket> &s) { return s.isNull(); });
    if (m_sse.isEmpty() && m_webSockets.isEmpty())
        return; // no one to serialise it for (under an attack, alerts change many times a second)

    const QByteArray data = QJsonDocument(notification.data).toJson(QJsonDocument::Compact);
    if (!m_sse.isEmpty()) {
        const QByteArray frame = sseFrame(notification, data);
        for (const QPointer<SseDevice> &device : std::as_const(m_sse)) {
            if (device->backlog() > kMaxBacklogBytes) {
                ++m_dropped;
                device->close(); // QtHttpServer tears down the response; the pointer clears itself
                continue;
            }
            device->push(frame);
        }
    }
    if (!m_webSockets.isEmpty()) {
        const QString message = webSocketMessage(notification, data);
        for (const QPointer<QWebSocket> &socket : std::as_const(m_webSockets)) {
            if (socket->bytesToWrite() > kMaxBacklogBytes) {
                ++m_dropped;
                socket->close(QWebSocketProtocol::CloseCodeTooMuchData, u"client too slow"_s);
                continue;
            }
            socket->sendTextMessage(message);
        }
    }
}

void LiveStream::keepAlive() {
    for (const QPointer<SseDevice> &device : std::as_const(m_sse)) {
        if (device)
            device->push(": keep-alive\n\n");
    }
    for (const QPointer<QWebSocket> &socket : std::as_const(m_webSockets)) {
        if (socket)
            socket->ping();
    }
}

} // namespace vanopticon::command
