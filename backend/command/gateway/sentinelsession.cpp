// SPDX-License-Identifier: Apache-2.0
#include "command/gateway/sentinelsession.h"

#include "command/auth/authservice.h"
#include "command/gateway/sentinelgateway.h"
#include "shared/bus/eventbus.h"
#include "shared/crypto/crypto.h"
#include "shared/wire/batchpeek.h"
#include "shared/wire/codec.h"
#include "shared/wire/domains.h"
#include "storage/auditlog.h"
#include "storage/json.h"
#include "storage/nodes.h"

#include <QWebSocket>

using namespace Qt::StringLiterals;

namespace vanopticon::command {

namespace {

// A compressed frame may not exceed this; its decompressed size is capped by the codec.
constexpr qint64 kMaxFrameBytes = 8 * 1024 * 1024;

QString text(const std::string &s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

std::string signedBytes(std::string_view challenge, std::string_view subject) {
    std::string data(challenge);
    data.append(subject);
    return data;
}

} // namespace

SentinelSession::SentinelSession(SentinelGateway &gateway, std::unique_ptr<QWebSocket> socket)
    : QObject(&gateway)
    , m_gateway(gateway)
    , m_socket(std::move(socket)) {
    m_socket->setParent(nullptr);
    m_socket->setMaxAllowedIncomingMessageSize(kMaxFrameBytes);
    m_socket->setMaxAllowedIncomingFrameSize(kMaxFrameBytes);
    connect(m_socket.get(), &QWebSocket::binaryMessageReceived, this, &SentinelSession::onBinaryMessage);
    connect(m_socket.get(), &QWebSocket::textMessageReceived, this,
        [this] { refuse(u"bad_frame"_s, u"the sentinel channel carries binary frames only"_s); });
    connect(m_socket.get(), &QWebSocket::disconnected, this, [this] {
        m_gateway.sessionClosed(this);
        deleteLater();
    });

    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        refuse(u"timeout"_s, m_nodeId.isEmpty() ? u"no handshake within 10 s"_s : u"no message within 90 s"_s);
    });
    m_deadline.start(kHandshakeTimeout);

    m_challenge = crypto::randomBytes(32);
    v1::Envelope hello;
    auto *body = hello.mutable_server_hello();
    body->set_challenge(m_challenge);
    body->set_server_public_key(m_gateway.m_serverKey.publicKey());
    body->set_server_time_unix_ms(storage::nowMs());
    body->set_protocol("vanopticon/1");
    send(hello);
}

SentinelSession::~SentinelSession() = default;

QString SentinelSession::peerAddress() const {
    return m_socket->peerAddress().toString();
}

void SentinelSession::send(const v1::Envelope &envelope) {
    const std::string frame = wire::encodeEnvelope(envelope);
    m_socket->sendBinaryMessage(QByteArray(frame.data(), static_cast<qsizetype>(frame.size())));
}

void SentinelSession::refuse(const QString &code, const QString &message) {
    if (m_closing)
        return;
    m_closing = true;
    ++m_gateway.m_counters.refused;
    ++m_gateway.m_counters.refusedByCode[code.toStdString()];
    qInfo("gateway: refusing %s (%s): %s", qUtf8Printable(m_nodeId.isEmpty() ? peerAddress() : m_nodeId),
        qUtf8Printable(code), qUtf8Printable(message));
    v1::Envelope refusal;
    refusal.mutable_refusal()->set_code(code.toStdString());
    refusal.mutable_refusal()->set_message(message.toStdString());
    send(refusal);
    m_socket->close(QWebSocketProtocol::CloseCodePolicyViolated, code);
}

void SentinelSession::onBinaryMessage(const QByteArray &frame) {
    if (m_closing)
        return;
    // A view into the gateway's buffer: used up before the next frame (the batch decoder copies
    // what it keeps).
    auto plain = m_gateway.m_decompressor.decompress(
        std::string_view(frame.constData(), static_cast<std::size_t>(frame.size())));
    if (!plain) {
        ++m_gateway.m_counters.badFrames;
        refuse(u"bad_frame"_s, QString::fromStdString(plain.error().message));
        return;
    }
    if (!m_nodeId.isEmpty()) {
        // What sentinels send: decoded straight from its encoding, without protobuf's messages.
        if (const std::optional<std::string_view> batch = wire::soleBatchBody(*plain)) {
            m_deadline.start(kIdleTimeout);
            handleBatch(*batch);
            return;
        }
    }
    auto envelope = wire::parseArenaEnvelope(*plain);
    if (!envelope) {
        ++m_gateway.m_counters.badFrames;
        refuse(u"bad_frame"_s, QString::fromStdString(envelope.error().message));
        return;
    }
    if (m_nodeId.isEmpty()) {
        switch ((*envelope)->body_case()) {
        case v1::Envelope::kEnroll:
            handleEnroll((*envelope)->enroll());
            return;
        case v1::Envelope::kAuthenticate:
            handleAuthenticate((*envelope)->authenticate());
            return;
        default:
            refuse(u"not_authenticated"_s, u"the first message must be enroll or authenticate"_s);
            return;
        }
    }
    m_deadline.start(kIdleTimeout);
    switch ((*envelope)->body_case()) {
    case v1::Envelope::kBatch: {
        // An envelope of another shape (a batch body given twice is merged, for one): decoded
        // from what protobuf made of it, without the unknown fields it would write out again.
        v1::EventBatch *batch = (*envelope)->mutable_batch();
        batch->DiscardUnknownFields();
        handleBatch(batch->SerializeAsString());
        return;
    }
    case v1::Envelope::kHeartbeat:
        if (m_gateway.m_handlers.heartbeat)
            m_gateway.m_handlers.heartbeat(m_nodeId, (*envelope)->heartbeat());
        return;
    case v1::Envelope::kCommandResult:
        if (m_gateway.m_handlers.commandResult)
            m_gateway.m_handlers.commandResult(m_nodeId, (*envelope)->command_result());
        return;
    default:
        refuse(u"unexpected_message"_s, u"this message is not expected from a node"_s);
        return;
    }
}

void SentinelSession::handleEnroll(const v1::Enroll &enroll) {
    if (enroll.public_key().size() != crypto::kPublicKeyBytes) {
        refuse(u"bad_key"_s, u"the public key must be 32 bytes (Ed25519)"_s);
        return;
    }
    // Proof of possession first, so a forged request cannot burn someone's token.
    if (!crypto::verifySignature(enroll.public_key(), wire::kEnrollDomain,
            signedBytes(m_challenge, enroll.public_key()), enroll.signature())) {
        refuse(u"bad_signature"_s, u"the enrollment signature does not verify"_s);
        return;
    }
    const QString hostname = text(enroll.hostname()).left(253);
    if (hostname.isEmpty()) {
        refuse(u"bad_request"_s, u"a hostname is required"_s);
        return;
    }
    storage::NodeRepository nodes(m_gateway.m_db);
    const QString nodeId = QString::fromStdString(crypto::randomToken("node_", 12));
    const qint64 now = storage::nowMs();
    auto consumed = nodes.consumeEnrollmentToken(hashToken(text(enroll.token())), nodeId, now);
    if (!consumed || !*consumed) {
        (void)m_gateway.m_audit.append(u"node:"_s + hostname, u"node.enroll"_s, u"node/"_s + hostname, u"denied"_s,
            QJsonObject {{u"address"_s, peerAddress()}});
        refuse(u"bad_token"_s, u"the enrollment token is unknown, used or expired"_s);
        return;
    }
    storage::NodeRecord node;
    node.id = nodeId;
    node.hostname = hostname;
    node.publicKey = QByteArray(enroll.public_key().data(), static_cast<qsizetype>(enroll.public_key().size()));
    node.enrolledAt = now;
    if (auto created = nodes.create(node); !created) {
        refuse(u"internal_error"_s, u"the node could not be recorded"_s);
        return;
    }
    (void)m_gateway.m_audit.append(u"node:"_s + nodeId, u"node.enroll"_s, u"node/"_s + nodeId, u"success"_s,
        QJsonObject {{u"hostname"_s, hostname}, {u"address"_s, peerAddress()}});
    m_nodeId = nodeId;
    m_version = text(enroll.version()).left(64);
    (void)nodes.recordConnection(nodeId, peerAddress(), m_version, now);
    m_gateway.m_bus.publish(u"node.enrolled"_s, storage::toJson(node, true));
    welcome(0);
}

void SentinelSession::handleAuthenticate(const v1::Authenticate &authenticate) {
    const QString nodeId = text(authenticate.node_id()).left(64);
    storage::NodeRepository nodes(m_gateway.m_db);
    auto node = nodes.find(nodeId);
    if (!node || !node->has_value()) {
        refuse(u"unknown_node"_s, u"this node is not enrolled"_s);
        return;
    }
    const QByteArray &key = (*node)->publicKey;
    if (!crypto::verifySignature(std::string_view(key.constData(), static_cast<std::size_t>(key.size())),
            wire::kAuthDomain, signedBytes(m_challenge, authenticate.node_id()), authenticate.signature())) {
        (void)m_gateway.m_audit.append(u"node:"_s + nodeId, u"node.authenticate"_s, u"node/"_s + nodeId, u"denied"_s,
            QJsonObject {{u"address"_s, peerAddress()}});
        refuse(u"bad_signature"_s, u"the authentication signature does not verify"_s);
        return;
    }
    m_nodeId = nodeId;
    m_version = text(authenticate.version()).left(64);
    (void)nodes.recordConnection(nodeId, peerAddress(), m_version, storage::nowMs());
    welcome((*node)->lastAckedBatch);
}

void SentinelSession::welcome(quint64 lastAckedBatch) {
    m_deadline.start(kIdleTimeout);
    v1::Envelope envelope;
    envelope.mutable_welcome()->set_node_id(m_nodeId.toStdString());
    envelope.mutable_welcome()->set_last_acked_batch(lastAckedBatch);
    send(envelope);
    m_gateway.sessionAuthenticated(this);
}

bool SentinelSession::admit(quint64 sequence, std::size_t events) {
    if (m_resendFrom) {
        // Sent before the node saw our Busy; it sends them again after the one asked for.
        if (sequence != *m_resendFrom) {
            ++m_gateway.m_counters.awaitingResend;
            return false;
        }
        m_resendFrom.reset();
    }
    if (m_gateway.m_queue.hasRoomFor(events))
        return true;
    askResendFrom(sequence);
    return false;
}

void SentinelSession::handleBatch(std::string_view batch) {
    ++m_gateway.m_counters.batches;
    if (!m_gateway.m_handlers.batches) {
        refuse(u"unavailable"_s, u"the server is not accepting events"_s);
        return;
    }
    const std::optional<wire::BatchHeader> header = wire::peekBatch(batch);
    if (!header) {
        ++m_gateway.m_counters.badFrames;
        refuse(u"bad_frame"_s, u"malformed event batch"_s);
        return;
    }
    if (!admit(header->batchSequence, header->events)) {
        ++m_gateway.m_counters.refusedUnparsed;
        return;
    }
    auto decoded = wire::decodeBatch(batch);
    if (!decoded) {
        ++m_gateway.m_counters.badFrames;
        refuse(u"bad_frame"_s, QString::fromStdString(decoded.error().message));
        return;
    }
    if (!m_gateway.m_queue.offer(IngestQueue::Item {this, m_nodeId, std::move(*decoded)}))
        askResendFrom(header->batchSequence);
}

void SentinelSession::askResendFrom(quint64 batchSequence) {
    if (m_resendFrom && *m_resendFrom <= batchSequence)
        return; // already asked for an earlier one, which brings this one too
    m_resendFrom = batchSequence;
    ++m_gateway.m_counters.busy;
    // Its later batches still waiting would be acknowledged before it: they come again too.
    m_gateway.m_counters.awaitingResend += m_gateway.m_queue.discard(this, batchSequence);
    v1::Envelope busy;
    busy.mutable_busy()->set_batch_sequence(batchSequence);
    busy.mutable_busy()->set_retry_after_ms(static_cast<quint32>(SentinelGateway::kBusyRetryAfter.count()));
    send(busy);
}

} // namespace vanopticon::command
