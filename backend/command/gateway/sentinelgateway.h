// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "command/gateway/ingestqueue.h"
#include "shared/core/result.h"
#include "shared/crypto/crypto.h"
#include "shared/wire/codec.h"

#include "vanopticon/v1/channel.pb.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

class QWebSocket;

namespace vanopticon {
class EventBus;
}
namespace vanopticon::storage {
class Database;
class AuditLog;
} // namespace vanopticon::storage

namespace vanopticon::command {

class SentinelSession;

struct IngestOutcome {
    quint32 stored = 0;
    quint32 rejected = 0;
};

// A queued batch handed on for storing.
struct BatchToStore {
    QString nodeId;
    wire::IncomingBatch *batch = nullptr;
};

// Where the gateway hands what nodes send. Seams the daemon wires to analysis and shield.
struct GatewayHandlers {
    // Must store each batch of the group durably before returning its outcome (in the group's
    // order): the gateway acknowledges those stored. A node's stored batches must stay a prefix of
    // what it sent: after one of its batches fails, its later ones in the group must fail too.
    // For a failed batch the node is told to send it again, with everything after it.
    std::function<std::vector<Result<IngestOutcome>>(std::span<const BatchToStore> group)> batches;
    std::function<void(const QString &nodeId, const v1::Heartbeat &heartbeat)> heartbeat;
    std::function<void(const QString &nodeId, const v1::CommandResult &result)> commandResult;
};

// The server end of the sentinels' WebSocket channel (shared/proto/vanopticon/v1/channel.proto):
// enrollment and authentication of nodes, then batches up, acknowledgements and commands down.
// Batches wait in an IngestQueue of at most maxQueuedEvents, and are stored in groups of at most
// groupEvents when they wait; when it is full the node is told Busy and sends again after
// kBusyRetryAfter (back-pressure that costs no server memory).
class SentinelGateway : public QObject {
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds kBusyRetryAfter {250};

    SentinelGateway(storage::Database &db, storage::AuditLog &audit, EventBus &bus, const crypto::SigningKey &serverKey,
        GatewayHandlers handlers, std::size_t maxQueuedEvents, std::size_t groupEvents, QObject *parent = nullptr);
    ~SentinelGateway() override;

    // Takes over an upgraded WebSocket from the HTTP server.
    void accept(std::unique_ptr<QWebSocket> socket);

    bool isOnline(const QString &nodeId) const;
    int onlineCount() const;
    // Sends a signed command to a connected node; false when the node is not connected.
    bool sendCommand(const QString &nodeId, const v1::SignedCommand &command);

    struct Counters {
        quint64 connections = 0;
        quint64 refused = 0;
        std::map<std::string, quint64> refusedByCode; // bad_frame, unknown_node, bad_token, …
        quint64 batches = 0;
        quint64 badFrames = 0;
        quint64 busy = 0; // batches answered Busy: the queue was full, or storing them failed
        quint64 ingestFailures = 0; // batches the handler could not store
        quint64 awaitingResend = 0; // batches dropped because an earlier one of their node must come first
        quint64 refusedUnparsed = 0; // of the busy and awaiting-resend ones: refused before their events were parsed
        quint64 orphaned = 0; // queued batches dropped because their connection closed (sent again later)
    };
    const Counters &counters() const { return m_counters; }
    IngestQueueFigures queue() const { return m_queue.figures(); }

private:
    friend class SentinelSession;
    void sessionAuthenticated(SentinelSession *session);
    void sessionClosed(SentinelSession *session);
    void ingestQueued(std::span<IngestQueue::Item> group);

    storage::Database &m_db;
    storage::AuditLog &m_audit;
    EventBus &m_bus;
    const crypto::SigningKey &m_serverKey;
    GatewayHandlers m_handlers;
    QHash<QString, QPointer<SentinelSession>> m_online;
    Counters m_counters;
    IngestQueue m_queue;
    // Every session's frames, one at a time on the event loop's thread.
    wire::FrameDecompressor m_decompressor;
};

} // namespace vanopticon::command
