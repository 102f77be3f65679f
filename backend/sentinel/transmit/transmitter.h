// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/transmit/nodeidentity.h"
#include "sentinel/transmit/sequencestore.h"
#include "shared/core/result.h"
#include "shared/event/event.h"

#include "vanopticon/v1/channel.pb.h"

#include <QObject>
#include <QTimer>
#include <QUrl>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>

class QWebSocket;

namespace vanopticon::sentinel {

struct TransmitterConfig {
    QUrl server; // ws://host:port or wss://…; the channel path is added when absent
    std::string enrollmentToken; // used once, when the node has no identity yet
    std::string hostname;
    std::string version;
    std::chrono::milliseconds heartbeatInterval {30'000};
    std::chrono::milliseconds initialBackoff {500};
    std::chrono::milliseconds maxBackoff {5'000};
    std::size_t maxPendingBatches = 1000; // unacknowledged batches kept for resending
};

// The node's end of the channel to the server (channel.proto): enrolls or authenticates,
// sends event batches and keeps each until the server acknowledges it (resending after a
// reconnect), sends heartbeats, and passes signed commands up to the responder.
class Transmitter : public QObject {
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Handshaking, Ready };

    Transmitter(TransmitterConfig config, NodeIdentity &identity, SequenceStore &sequences, QObject *parent = nullptr);
    ~Transmitter() override;

    void start();
    void stop();

    // Numbers the events and queues them as one wire batch; returns the batch's sequence.
    // Fails when the queue of unacknowledged batches is full (the caller holds back).
    Result<std::uint64_t> send(std::span<const EventBatch> batches);
    Result<std::uint64_t> send(const EventBatch &batch) { return send(std::span<const EventBatch>(&batch, 1)); }
    void sendCommandResult(const v1::CommandResult &result);
    // Supplies the figures of each heartbeat.
    void setHeartbeatSource(std::function<v1::Heartbeat()> source) { m_heartbeatSource = std::move(source); }

    State state() const { return m_state; }
    bool canAccept() const { return m_pending.size() < m_config.maxPendingBatches; }
    std::size_t pendingBatches() const { return m_pending.size(); }

    struct Counters {
        quint64 batchesSent = 0;
        quint64 batchesAcknowledged = 0;
        quint64 eventsAcknowledged = 0;
        quint64 eventsRejected = 0; // acknowledged but refused by the server's validation (e.g. too old)
        quint64 connections = 0;
        quint64 refusals = 0;
        quint64 badFrames = 0;
    };
    const Counters &counters() const { return m_counters; }

Q_SIGNALS:
    void ready(const QString &nodeId);
    void acknowledged(quint64 batchSequence);
    void commandReceived(const vanopticon::v1::SignedCommand &command);
    void refused(const QString &code, const QString &message);

private:
    struct PendingBatch {
        std::uint64_t sequence;
        std::size_t events;
        std::string frame; // the encoded envelope, ready to resend
    };

    void connectNow();
    void scheduleReconnect();
    void onConnected();
    void onDisconnected();
    void onBinaryMessage(const QByteArray &frame);
    void handleHello(const v1::ServerHello &hello);
    void handleWelcome(const v1::Welcome &welcome);
    void sendFrame(const std::string &frame);
    void sendEnvelope(const v1::Envelope &envelope);
    void sendHeartbeat();
    QUrl channelUrl() const;

    TransmitterConfig m_config;
    NodeIdentity &m_identity;
    SequenceStore &m_sequences;
    std::unique_ptr<QWebSocket> m_socket;
    State m_state = State::Disconnected;
    bool m_running = false;
    std::string m_pendingServerKey; // from the hello of the connection being enrolled
    std::deque<PendingBatch> m_pending;
    std::uint64_t m_nextBatch = 1;
    QTimer m_reconnect;
    QTimer m_heartbeat;
    int m_attempt = 0;
    std::function<v1::Heartbeat()> m_heartbeatSource;
    Counters m_counters;
};

} // namespace vanopticon::sentinel
