// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QString>

namespace vanopticon {

// Something that happened on the server that clients and other modules may want to know:
// alert.created, alert.updated, approval.requested, approval.decided, command.result,
// node.heartbeat, node.enrolled. Low rate (per alert or decision, never per event).
struct Notification {
    quint64 id = 0; // increasing per process; the SSE event id
    QString type;
    QJsonObject data;
    QDateTime time;
};

// The server's in-process publish/subscribe hub. Modules publish without knowing who listens;
// the live stream (SSE / WebSocket) subscribes. Lives on the main thread.
class EventBus : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    void publish(const QString &type, const QJsonObject &data);

Q_SIGNALS:
    void published(const vanopticon::Notification &notification);

private:
    quint64 m_nextId = 1;
};

} // namespace vanopticon

Q_DECLARE_METATYPE(vanopticon::Notification)
