// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/buffer/diskbuffer.h"
#include "sentinel/transmit/endpointlist.h"
#include "sentinel/transmit/flightwindow.h"
#include "sentinel/transmit/nodeidentity.h"
#include "sentinel/transmit/sequencestore.h"
#include "shared/core/result.h"
#include "shared/event/event.h"
#include "shared/wire/codec.h"

#include "vanopticon/v1/channel.pb.h"

#include <QObject>
#include <QSslConfiguration>
#include <QSslError>
#include <QTimer>
#include <QUrl>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

class QWebSocket;

namespace vanopticon::sentinel {

struct TransmitterConfig {
    QUrl server; // ws://host:port or wss://…; the channel path is added when absent
    std::vector<Endpoint> endpoints; // several servers (weights, failover); empty: `server` alone
    int maxAttempts = 3; // failed connection attempts in a row before moving to another endpoint
    std::uint64_t endpointSeed = 0; // for the weighted picks; 0: random (tests fix it)
    std::optional<QSslConfiguration> tls; // wss: the CAs to trust and the node's client certificate
    // Certificate errors let through, each for its certificate only (the server's in-process
    // sentinel: its own listener's certificate not naming the loopback address).
    QList<QSslError> ignoredSslErrors;
    std::string enrollmentToken; // used once, when the node has no identity yet
    std::string hostname;
    std::string version;
    std::chrono::milliseconds heartbeatInterval {30'000};
    std::chrono::milliseconds initialBackoff {500};
    std::chrono::milliseconds maxBackoff {5'000};
    int compressionLevel = wire::kDefaultCompressionLevel; // zstd, of each event batch
    std::size_t maxPendingBatches = 1000; // without a buffer: unacknowledged batches kept for resending;
                                          // with one: batches in flight (the rest wait on disk)
    // With a disk buffer: when batches are made durable (0: on every send), and the share of the
    // buffer's max_size at which send() stops accepting until it is back under the low mark.
    std::chrono::milliseconds syncInterval {0};
    double highWatermark = 0.8;
    double lowWatermark = 0.6;
};

// The node's end of the channel to the server (channel.proto): enrolls or authenticates,
// sends event batches and keeps each until the server acknowledges it (resending after a
// reconnect), sends heartbeats, and passes signed commands up to the responder.
//
// With a DiskBuffer (setBuffer) every batch is appended to it and sent once synced (durable,
// durableThrough()), and read back from it after a restart or when more are waiting than
// maxPendingBatches; it leaves the buffer when the server acknowledges it.
class Transmitter : public QObject {
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Handshaking, Ready };

    Transmitter(TransmitterConfig config, NodeIdentity &identity, SequenceStore &sequences, QObject *parent = nullptr);
    ~Transmitter() override;

    // Before start(): batches go through `buffer` (its recovered batches are sent first).
    void setBuffer(std::unique_ptr<buffer::DiskBuffer> buffer);
    const buffer::DiskBuffer *buffer() const { return m_buffer.get(); }

    void start();
    void stop();

    // Numbers the events and queues them as one wire batch; returns the batch's sequence.
    // Fails when the queue of unacknowledged batches is full (the caller holds back). With a
    // buffer, `note` is stored with the batch, durable with it, and handed back by the buffer's
    // recovery after a crash (the sentinel: its sources' checkpoints after this batch).
    // `collectedMs`: when the oldest of the events was collected (the server measures delivery
    // delay from it; 0: now).
    Result<std::uint64_t> send(std::span<const EventBatch> batches, std::string_view note = {}, qint64 collectedMs = 0);
    Result<std::uint64_t> send(const EventBatch &batch) { return send(std::span<const EventBatch>(&batch, 1)); }
    void sendCommandResult(const v1::CommandResult &result);
    // Supplies the figures of each heartbeat.
    void setHeartbeatSource(std::function<v1::Heartbeat()> source) { m_heartbeatSource = std::move(source); }

    State state() const { return m_state; }
    QUrl endpoint() const { return m_endpoints.current().url; }
    bool canAccept() const { return m_buffer ? !m_aboveHighWatermark : m_pending.size() < m_config.maxPendingBatches; }
    std::size_t pendingBatches() const { return m_buffer ? m_buffer->pendingRecords() : m_pending.size(); }
    // Batches allowed in flight now: max_pending_batches, or fewer since the server was busy.
    std::size_t flightWindow() const { return m_window.size(); }
    // Every batch up to this sequence survives a crash (0: none; without a buffer: none ever).
    std::uint64_t durableThrough() const { return m_durableThrough; }

    struct Counters {
        quint64 batchesSent = 0;
        quint64 batchBytes = 0; // the sent batches' frames (compressed), each counted once
        quint64 batchesAcknowledged = 0;
        quint64 eventsAcknowledged = 0;
        quint64 eventsRejected = 0; // acknowledged but refused by the server's validation (e.g. too old)
        quint64 connections = 0;
        quint64 refusals = 0;
        quint64 badFrames = 0;
        quint64 busy = 0; // Busy answers: the server's queue was full, batches were sent again later
    };
    const Counters &counters() const { return m_counters; }

Q_SIGNALS:
    void ready(const QString &nodeId);
    void acknowledged(quint64 batchSequence);
    // Batches up to this sequence were synced to the buffer by the sync timer.
    void durable(quint64 batchSequence);
    // Back under the buffer's low watermark: send() accepts again.
    void accepting();
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
    // Everything up to `sequence` is stored by the server: out of m_pending and the buffer.
    void acknowledgeThrough(std::uint64_t sequence);
    void handleBusy(const v1::Busy &busy);
    void resendAfterBusy();
    // Sends queued batches not yet sent on this connection, while fewer than m_window fly.
    void sendQueued();
    // Batches sent on this connection and not yet acknowledged.
    std::size_t inFlight() const;
    // Connected, welcomed, and not holding back after a Busy.
    bool transmitting() const { return m_state == State::Ready && !m_busyPause.isActive(); }
    void sendFrame(const std::string &frame);
    void sendEnvelope(const v1::Envelope &envelope);
    void sendHeartbeat();
    QUrl channelUrl() const;
    Result<void> bufferBatch(std::uint64_t sequence, std::size_t events, std::string frame, std::string_view note);
    void syncBuffer();
    void refillFromBuffer();
    void updateWatermark();
    void expireBuffer();
    void reportBufferDrops();
    void forgetDroppedBatches();

    TransmitterConfig m_config;
    EndpointList m_endpoints;
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
    std::unique_ptr<buffer::DiskBuffer> m_buffer;
    std::uint64_t m_lastQueued = 0; // buffered: the newest batch in m_pending
    std::uint64_t m_lastAppended = 0;
    std::uint64_t m_durableThrough = 0;
    bool m_aboveHighWatermark = false;
    std::uint64_t m_droppedReported = 0; // overflow, expiry and damage drops already logged
    QTimer m_syncTimer;
    QTimer m_expiryTimer;
    QTimer m_busyPause; // after a Busy: nothing is sent until it fires
    std::optional<std::uint64_t> m_resendFrom; // the batch the server asked for again
    std::uint64_t m_sentThrough = 0; // the newest batch sent on this connection
    FlightWindow m_window; // batches allowed in flight: maxPendingBatches from each welcome, fewer after a Busy
};

} // namespace vanopticon::sentinel
