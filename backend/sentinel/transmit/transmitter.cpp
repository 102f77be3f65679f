// SPDX-License-Identifier: Apache-2.0
#include "sentinel/transmit/transmitter.h"

#include "sentinel/transmit/batchenvelope.h"

#include "shared/wire/codec.h"
#include "shared/wire/domains.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QWebSocket>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace vanopticon::sentinel {

namespace {
constexpr qint64 kMaxFrameBytes = 8 * 1024 * 1024;
}

Transmitter::Transmitter(TransmitterConfig config, NodeIdentity &identity, SequenceStore &sequences, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_endpoints(
          m_config.endpoints.empty() ? std::vector<Endpoint> {Endpoint {m_config.server, 1}} : m_config.endpoints,
          m_config.maxAttempts,
          m_config.endpointSeed != 0 ? m_config.endpointSeed : QRandomGenerator::global()->generate64())
    , m_identity(identity)
    , m_sequences(sequences)
    , m_window(m_config.maxPendingBatches) {
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &Transmitter::connectNow);
    m_heartbeat.setInterval(m_config.heartbeatInterval);
    connect(&m_heartbeat, &QTimer::timeout, this, &Transmitter::sendHeartbeat);
    m_syncTimer.setSingleShot(true);
    connect(&m_syncTimer, &QTimer::timeout, this, &Transmitter::syncBuffer);
    connect(&m_expiryTimer, &QTimer::timeout, this, &Transmitter::expireBuffer);
    m_busyPause.setSingleShot(true);
    connect(&m_busyPause, &QTimer::timeout, this, &Transmitter::resendAfterBusy);
}

void Transmitter::setBuffer(std::unique_ptr<buffer::DiskBuffer> buffer) {
    m_buffer = std::move(buffer);
    if (!m_buffer)
        return;
    // Batch numbers go on from the buffer's: what it holds is sent again under its own.
    m_nextBatch = std::max(m_nextBatch, m_buffer->lastId() + 1);
    m_lastAppended = m_buffer->lastId();
    m_durableThrough = m_buffer->lastId(); // recovered from disk: durable by definition
    const auto age = std::chrono::duration_cast<std::chrono::milliseconds>(m_buffer->options().maxAge);
    m_expiryTimer.setInterval(
        std::clamp<std::chrono::milliseconds>(age / 10, std::chrono::seconds(1), std::chrono::minutes(1)));
    updateWatermark();
}

Transmitter::~Transmitter() {
    stop();
}

void Transmitter::start() {
    m_running = true;
    if (m_buffer) {
        refillFromBuffer();
        m_expiryTimer.start();
    }
    connectNow();
}

void Transmitter::stop() {
    m_running = false;
    m_reconnect.stop();
    m_heartbeat.stop();
    m_busyPause.stop();
    m_resendFrom.reset();
    m_expiryTimer.stop();
    if (m_syncTimer.isActive()) {
        m_syncTimer.stop();
        syncBuffer();
    }
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->close();
        m_socket.reset();
    }
    m_state = State::Disconnected;
}

QUrl Transmitter::channelUrl() const {
    QUrl url = m_endpoints.current().url;
    if (url.path().isEmpty() || url.path() == u"/"_s)
        url.setPath(u"/api/v1/sentinel"_s);
    return url;
}

void Transmitter::connectNow() {
    if (!m_running)
        return;
    m_socket = std::make_unique<QWebSocket>();
    m_socket->setMaxAllowedIncomingMessageSize(kMaxFrameBytes);
    if (m_config.tls)
        m_socket->setSslConfiguration(*m_config.tls);
    if (!m_config.ignoredSslErrors.isEmpty())
        m_socket->ignoreSslErrors(m_config.ignoredSslErrors);
    connect(m_socket.get(), &QWebSocket::connected, this, &Transmitter::onConnected);
    connect(m_socket.get(), &QWebSocket::disconnected, this, &Transmitter::onDisconnected);
    connect(m_socket.get(), &QWebSocket::binaryMessageReceived, this, &Transmitter::onBinaryMessage);
    m_state = State::Connecting;
    m_socket->open(channelUrl());
}

void Transmitter::scheduleReconnect() {
    if (!m_running || m_reconnect.isActive())
        return;
    // Exponential backoff with jitter, so a fleet does not reconnect in lockstep.
    const qint64 ceiling
        = std::min<qint64>(m_config.maxBackoff.count(), m_config.initialBackoff.count() << std::min(m_attempt, 16));
    const qint64 delay = ceiling / 2 + QRandomGenerator::global()->bounded(ceiling / 2 + 1);
    ++m_attempt;
    m_reconnect.start(std::chrono::milliseconds(delay));
}

void Transmitter::onConnected() {
    ++m_counters.connections;
    m_state = State::Handshaking; // the server speaks first
}

void Transmitter::onDisconnected() {
    m_heartbeat.stop();
    m_busyPause.stop(); // the welcome of the next connection sends everything unacknowledged
    m_resendFrom.reset();
    // A connection that never got as far as the welcome counts against its endpoint; after
    // max_attempts of them in a row the next one is tried.
    if (m_state != State::Ready) {
        const QString from = channelUrl().toString();
        if (m_endpoints.failed()) {
            qWarning("sentinel: no connection to %s in %d attempts; trying %s", qPrintable(from), m_config.maxAttempts,
                qPrintable(channelUrl().toString()));
            m_attempt = 0; // a fresh server: no backoff earned yet
        }
    }
    m_state = State::Disconnected;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket.release()->deleteLater(); // we may be inside one of its signals
    }
    scheduleReconnect();
}

void Transmitter::sendFrame(const std::string &frame) {
    if (m_socket)
        m_socket->sendBinaryMessage(QByteArray(frame.data(), static_cast<qsizetype>(frame.size())));
}

void Transmitter::sendEnvelope(const v1::Envelope &envelope) {
    sendFrame(wire::encodeEnvelope(envelope));
}

void Transmitter::onBinaryMessage(const QByteArray &frame) {
    auto envelope = wire::decodeEnvelope(std::string_view(frame.constData(), static_cast<std::size_t>(frame.size())));
    if (!envelope) {
        ++m_counters.badFrames;
        qWarning("sentinel: bad frame from the server: %s", envelope.error().message.c_str());
        m_socket->close(QWebSocketProtocol::CloseCodeBadOperation, u"bad frame"_s);
        return;
    }
    switch (envelope->body_case()) {
    case v1::Envelope::kServerHello:
        handleHello(envelope->server_hello());
        return;
    case v1::Envelope::kWelcome:
        handleWelcome(envelope->welcome());
        return;
    case v1::Envelope::kRefusal:
        ++m_counters.refusals;
        qWarning("sentinel: the server refused this node (%s): %s", envelope->refusal().code().c_str(),
            envelope->refusal().message().c_str());
        Q_EMIT refused(
            QString::fromStdString(envelope->refusal().code()), QString::fromStdString(envelope->refusal().message()));
        return;
    case v1::Envelope::kAck: {
        if (m_state != State::Ready)
            return;
        const std::uint64_t sequence = envelope->ack().batch_sequence();
        if (const quint32 rejected = envelope->ack().rejected(); rejected > 0) {
            // Stored nowhere, so said loudly: the server's log and metrics say why (by reason).
            m_counters.eventsRejected += rejected;
            qWarning("sentinel: the server refused %u events of batch %llu (invalid, or older than its "
                     "max_event_age); %llu refused so far",
                rejected, static_cast<unsigned long long>(sequence),
                static_cast<unsigned long long>(m_counters.eventsRejected));
        }
        m_window.acknowledged(inFlight(), std::chrono::steady_clock::now());
        acknowledgeThrough(sequence);
        if (m_buffer) {
            refillFromBuffer();
            updateWatermark();
        }
        sendQueued();
        Q_EMIT acknowledged(sequence);
        return;
    }
    case v1::Envelope::kBusy:
        if (m_state == State::Ready)
            handleBusy(envelope->busy());
        return;
    case v1::Envelope::kCommand:
        if (m_state == State::Ready)
            Q_EMIT commandReceived(envelope->command());
        return;
    default:
        qWarning("sentinel: unexpected message from the server");
        return;
    }
}

void Transmitter::handleBusy(const v1::Busy &busy) {
    ++m_counters.busy;
    if (!m_busyPause.isActive()) {
        // The first Busy of this pause (the server answers each batch it drops). The batches sent
        // before the refused one and not yet acknowledged are in its queue: room for that many.
        const auto taken = std::count_if(m_pending.begin(), m_pending.end(), [&](const PendingBatch &batch) {
            return batch.sequence < busy.batch_sequence() && batch.sequence <= m_sentThrough;
        });
        m_window.busy(std::size_t(taken), std::chrono::steady_clock::now());
        qInfo("sentinel: the server did not take batch %llu (its ingestion queue is full, or storing failed); "
              "sending it and the later ones again in %u ms, with at most %zu batches in flight",
            static_cast<unsigned long long>(busy.batch_sequence()), busy.retry_after_ms(), m_window.size());
    }
    // Everything in flight beyond the refused batch is dropped by the server: it goes again.
    m_resendFrom = std::min(m_resendFrom.value_or(busy.batch_sequence()), busy.batch_sequence());
    // Within reason whatever the server says; jitter keeps a fleet from coming back in lockstep.
    const qint64 pause = std::clamp<qint64>(busy.retry_after_ms(), 10, 30'000);
    m_busyPause.start(std::chrono::milliseconds(pause + QRandomGenerator::global()->bounded(pause / 4 + 1)));
}

void Transmitter::resendAfterBusy() {
    if (m_state != State::Ready || !m_resendFrom)
        return;
    // In order, from the batch the server asked for: those before it are in its queue.
    m_sentThrough = std::min(m_sentThrough, *m_resendFrom - 1);
    m_resendFrom.reset();
    sendQueued();
}

void Transmitter::sendQueued() {
    if (!transmitting())
        return;
    std::size_t flying = inFlight();
    for (auto it = m_pending.begin() + std::ptrdiff_t(flying); it != m_pending.end() && flying < m_window.size();
         ++it, ++flying) {
        sendFrame(it->frame);
        m_sentThrough = it->sequence;
    }
}

std::size_t Transmitter::inFlight() const {
    // m_pending is in batch order: the ones up to m_sentThrough are in flight.
    const auto firstUnsent = std::upper_bound(m_pending.begin(), m_pending.end(), m_sentThrough,
        [](std::uint64_t sent, const PendingBatch &batch) { return sent < batch.sequence; });
    return static_cast<std::size_t>(firstUnsent - m_pending.begin());
}

void Transmitter::acknowledgeThrough(std::uint64_t sequence) {
    while (!m_pending.empty() && m_pending.front().sequence <= sequence) {
        ++m_counters.batchesAcknowledged;
        m_counters.eventsAcknowledged += m_pending.front().events;
        if (m_buffer)
            m_buffer->acknowledge(m_pending.front().sequence);
        m_pending.pop_front();
    }
    // Batches still on disk that the server has (after a restart, those the active segment kept
    // past their acknowledgement): released without reading or sending them.
    if (m_buffer && m_lastQueued < sequence && m_pending.empty()) {
        const std::uint64_t through = std::min(sequence, m_durableThrough);
        for (std::uint64_t id = std::max(m_lastQueued + 1, m_buffer->oldestId()); id <= through; ++id) {
            if (const std::uint32_t events = m_buffer->acknowledge(id); events > 0) {
                ++m_counters.batchesAcknowledged;
                m_counters.eventsAcknowledged += events;
            }
        }
        m_lastQueued = std::max(m_lastQueued, through);
    }
}

void Transmitter::handleHello(const v1::ServerHello &hello) {
    if (m_state != State::Handshaking)
        return;
    if (hello.server_public_key().size() != crypto::kPublicKeyBytes || hello.challenge().size() < 16) {
        m_socket->close(QWebSocketProtocol::CloseCodeProtocolError, u"bad hello"_s);
        return;
    }
    v1::Envelope reply;
    if (m_identity.isEnrolled()) {
        // The key pinned at enrollment must not change: another key means another server.
        if (!crypto::constantTimeEquals(hello.server_public_key(), m_identity.serverPublicKey())) {
            qCritical("sentinel: the server's key differs from the one pinned at enrollment; refusing to talk");
            Q_EMIT refused(u"server_key_mismatch"_s, u"the server's key differs from the pinned one"_s);
            m_socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"server key mismatch"_s);
            return;
        }
        auto *auth = reply.mutable_authenticate();
        auth->set_node_id(m_identity.nodeId());
        auth->set_signature(m_identity.key().sign(wire::kAuthDomain, hello.challenge() + m_identity.nodeId()));
        auth->set_version(m_config.version);
    } else {
        if (m_config.enrollmentToken.empty()) {
            qCritical("sentinel: this node is not enrolled; start it once with --enroll TOKEN");
            Q_EMIT refused(u"not_enrolled"_s, u"no identity and no enrollment token"_s);
            m_running = false;
            m_socket->close();
            return;
        }
        m_pendingServerKey = hello.server_public_key();
        auto *enroll = reply.mutable_enroll();
        enroll->set_token(m_config.enrollmentToken);
        enroll->set_hostname(m_config.hostname);
        enroll->set_public_key(m_identity.key().publicKey());
        enroll->set_signature(
            m_identity.key().sign(wire::kEnrollDomain, hello.challenge() + m_identity.key().publicKey()));
        enroll->set_version(m_config.version);
    }
    sendEnvelope(reply);
}

void Transmitter::handleWelcome(const v1::Welcome &welcome) {
    if (m_state != State::Handshaking)
        return;
    if (!m_identity.isEnrolled()) {
        if (auto saved = m_identity.enrolled(welcome.node_id(), m_pendingServerKey); !saved) {
            qCritical("sentinel: enrolled as %s but could not save the identity: %s", welcome.node_id().c_str(),
                saved.error().message.c_str());
            m_socket->close();
            return;
        }
        m_config.enrollmentToken.clear(); // spent
        qInfo("sentinel: enrolled as %s", welcome.node_id().c_str());
    }
    m_state = State::Ready;
    m_attempt = 0;
    m_endpoints.succeeded();
    m_nextBatch = std::max<std::uint64_t>(m_nextBatch, welcome.last_acked_batch() + 1);
    acknowledgeThrough(welcome.last_acked_batch());
    // Batches the server never acknowledged go again, in order; it stores each event once.
    m_sentThrough = 0;
    m_window.reset();
    sendQueued();
    refillFromBuffer();
    m_heartbeat.start();
    sendHeartbeat();
    Q_EMIT ready(QString::fromStdString(welcome.node_id()));
}

Result<std::uint64_t> Transmitter::send(
    std::span<const EventBatch> batches, std::string_view note, qint64 collectedMs) {
    if (!canAccept())
        return makeError(
            m_buffer ? "the buffer is above its high watermark" : "the queue of unacknowledged batches is full");
    v1::Envelope envelope;
    const std::uint64_t sequence = m_nextBatch;
    auto count = buildBatchEnvelope(
        batches, sequence, [this] { return m_sequences.next(); }, envelope);
    if (!count)
        return count.error();
    envelope.mutable_batch()->set_collected_unix_ms(
        collectedMs > 0 ? collectedMs : QDateTime::currentMSecsSinceEpoch());
    ++m_nextBatch;
    std::string frame = wire::encodeEnvelope(envelope, m_config.compressionLevel);
    m_counters.batchBytes += frame.size();
    if (m_buffer) {
        if (auto buffered = bufferBatch(sequence, *count, std::move(frame), note); !buffered)
            return buffered.error();
        ++m_counters.batchesSent;
        return sequence;
    }
    m_pending.push_back(PendingBatch {sequence, *count, std::move(frame)});
    ++m_counters.batchesSent;
    sendQueued();
    return sequence;
}

Result<void> Transmitter::bufferBatch(
    std::uint64_t sequence, std::size_t events, std::string frame, std::string_view note) {
    const std::uint64_t previous = m_lastAppended;
    if (auto appended = m_buffer->append(
            sequence, static_cast<std::uint32_t>(events), frame, note, QDateTime::currentMSecsSinceEpoch());
        !appended)
        return appended;
    m_lastAppended = sequence;
    if (m_config.syncInterval.count() == 0) {
        if (auto synced = m_buffer->sync(); synced) {
            m_durableThrough = sequence;
        } else {
            // Appended, so it will be sent once a sync succeeds.
            qWarning("sentinel: %s; trying again", synced.error().message.c_str());
            m_syncTimer.start(std::chrono::milliseconds(100));
        }
    } else if (!m_syncTimer.isActive()) {
        m_syncTimer.start(m_config.syncInterval); // group commit: one sync for what comes meanwhile
    }
    updateWatermark();
    // Sent only once durable: were the server to store a batch that a crash here then lost, the
    // sources would read it again from their older checkpoints and it would be stored twice.
    // Straight into flight when nothing older waits on disk and there is room; else it waits
    // its turn in the buffer.
    if (m_durableThrough >= sequence && m_lastQueued == previous && m_pending.size() < m_config.maxPendingBatches) {
        m_pending.push_back(PendingBatch {sequence, events, std::move(frame)});
        m_lastQueued = sequence;
        sendQueued();
    } else {
        refillFromBuffer();
    }
    return {};
}

void Transmitter::syncBuffer() {
    if (!m_buffer)
        return;
    if (auto synced = m_buffer->sync(); !synced) {
        qWarning("sentinel: %s; trying again", synced.error().message.c_str());
        m_syncTimer.start(std::max(m_config.syncInterval, std::chrono::milliseconds(100)));
        return;
    }
    if (m_durableThrough < m_lastAppended) {
        m_durableThrough = m_lastAppended;
        refillFromBuffer();
        Q_EMIT durable(m_durableThrough);
    }
}

void Transmitter::refillFromBuffer() {
    // Nothing to read while every durable batch is queued already (a batch waiting for its
    // sync is read once the sync made it durable).
    if (!m_buffer || m_pending.size() >= m_config.maxPendingBatches || m_lastQueued >= m_durableThrough)
        return;
    constexpr std::uint64_t kMaxReadBytes = 16 << 20;
    auto records
        = m_buffer->read(m_lastQueued, m_durableThrough, m_config.maxPendingBatches - m_pending.size(), kMaxReadBytes);
    if (!records) {
        qWarning("sentinel: cannot read the buffer: %s", records.error().message.c_str());
        return;
    }
    for (buffer::BufferedRecord &record : *records) {
        m_pending.push_back(PendingBatch {record.id, record.events, std::move(record.payload)});
        m_lastQueued = record.id;
    }
    sendQueued();
    reportBufferDrops();
}

void Transmitter::updateWatermark() {
    forgetDroppedBatches();
    reportBufferDrops();
    const double fill = m_buffer->fill();
    if (!m_aboveHighWatermark && fill >= m_config.highWatermark) {
        m_aboveHighWatermark = true;
        qWarning("sentinel: the buffer is %.0f%% full (%llu events waiting): holding the sources back", fill * 100,
            static_cast<unsigned long long>(m_buffer->pendingEvents()));
    } else if (m_aboveHighWatermark && fill <= m_config.lowWatermark) {
        m_aboveHighWatermark = false;
        qInfo("sentinel: the buffer is down to %.0f%%: collecting again", fill * 100);
        Q_EMIT accepting();
    }
}

void Transmitter::expireBuffer() {
    if (!m_buffer)
        return;
    m_buffer->expire(QDateTime::currentMSecsSinceEpoch());
    updateWatermark();
}

// Batches the buffer dropped (max_size, max_age) leave the window too, unless already sent:
// a dropped batch is not delivered after all, so every drop counted is an event lost.
void Transmitter::forgetDroppedBatches() {
    const std::uint64_t oldest = m_buffer->oldestId();
    while (!m_pending.empty() && m_pending.front().sequence < oldest && m_state != State::Ready)
        m_pending.pop_front();
}

// Every drop is said once, with the totals so far; the heartbeat carries them to the server.
void Transmitter::reportBufferDrops() {
    const buffer::DiskBuffer::Counters &c = m_buffer->counters();
    const std::uint64_t total = c.eventsDroppedOverflow + c.eventsDroppedExpired + c.eventsDroppedCorrupt;
    if (total == m_droppedReported)
        return;
    qWarning("sentinel: the buffer dropped %llu events (so far: %llu over max_size, %llu older than max_age, %llu "
             "damaged on disk)",
        static_cast<unsigned long long>(total - m_droppedReported),
        static_cast<unsigned long long>(c.eventsDroppedOverflow),
        static_cast<unsigned long long>(c.eventsDroppedExpired),
        static_cast<unsigned long long>(c.eventsDroppedCorrupt));
    m_droppedReported = total;
}

void Transmitter::sendCommandResult(const v1::CommandResult &result) {
    if (m_state != State::Ready) {
        qWarning("sentinel: not connected; command result for %s not sent", result.command_id().c_str());
        return;
    }
    v1::Envelope envelope;
    *envelope.mutable_command_result() = result;
    sendEnvelope(envelope);
}

void Transmitter::sendHeartbeat() {
    if (m_state != State::Ready)
        return;
    v1::Envelope envelope;
    v1::Heartbeat *heartbeat = envelope.mutable_heartbeat();
    if (m_heartbeatSource)
        *heartbeat = m_heartbeatSource();
    heartbeat->set_sent_at_unix_ms(QDateTime::currentMSecsSinceEpoch());
    heartbeat->set_unacked_batches(static_cast<std::uint32_t>(pendingBatches()));
    if (m_buffer) {
        const buffer::DiskBuffer::Counters &c = m_buffer->counters();
        heartbeat->set_buffer_bytes(m_buffer->bytes());
        heartbeat->set_buffer_events(m_buffer->pendingEvents());
        heartbeat->set_buffer_dropped_overflow(c.eventsDroppedOverflow);
        heartbeat->set_buffer_dropped_expired(c.eventsDroppedExpired);
        heartbeat->set_buffer_dropped_corrupt(c.eventsDroppedCorrupt);
    }
    heartbeat->set_version(m_config.version);
    heartbeat->set_hostname(m_config.hostname);
    sendEnvelope(envelope);
}

} // namespace vanopticon::sentinel
