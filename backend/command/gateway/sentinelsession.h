// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/wire/codec.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

class QWebSocket;

namespace vanopticon::command {

class SentinelGateway;

// One node's connection: the handshake state machine, then message dispatch.
class SentinelSession : public QObject {
    Q_OBJECT
public:
    static constexpr std::chrono::seconds kHandshakeTimeout {10};
    static constexpr std::chrono::seconds kIdleTimeout {90}; // three missed heartbeats

    SentinelSession(SentinelGateway &gateway, std::unique_ptr<QWebSocket> socket);
    ~SentinelSession() override;

    const QString &nodeId() const { return m_nodeId; }
    QString peerAddress() const;
    void send(const v1::Envelope &envelope);
    // Sends a refusal and closes.
    void refuse(const QString &code, const QString &message);
    // Answers Busy for this batch: the node sends it and every later one again after a while,
    // and until it does this session takes none of them.
    void askResendFrom(quint64 batchSequence);

private:
    void onBinaryMessage(const QByteArray &frame);
    void handleEnroll(const v1::Enroll &enroll);
    void handleAuthenticate(const v1::Authenticate &authenticate);
    // A serialized EventBatch: decoded and queued if it is wanted now (see admit()), which is
    // decided from its header, before its events are decoded.
    void handleBatch(std::string_view batch);
    // Whether a batch is wanted now. One sent before the node saw a Busy is dropped (it comes
    // again); one the queue has no room for is answered Busy.
    bool admit(quint64 sequence, std::size_t events);
    void welcome(quint64 lastAckedBatch);

    SentinelGateway &m_gateway;
    std::unique_ptr<QWebSocket> m_socket;
    std::string m_challenge;
    QString m_nodeId; // set once authenticated
    QString m_version;
    QTimer m_deadline;
    bool m_closing = false;
    std::optional<quint64> m_resendFrom; // the batch a Busy asked for; later ones are dropped until it comes
};

} // namespace vanopticon::command
