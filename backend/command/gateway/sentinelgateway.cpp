// SPDX-License-Identifier: Apache-2.0
#include "command/gateway/sentinelgateway.h"

#include "command/gateway/sentinelsession.h"

#include <QWebSocket>

#include <set>

using namespace Qt::StringLiterals;

namespace vanopticon::command {

SentinelGateway::SentinelGateway(storage::Database &db, storage::AuditLog &audit, EventBus &bus,
    const crypto::SigningKey &serverKey, GatewayHandlers handlers, std::size_t maxQueuedEvents, std::size_t groupEvents,
    QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_audit(audit)
    , m_bus(bus)
    , m_serverKey(serverKey)
    , m_handlers(std::move(handlers))
    , m_queue(maxQueuedEvents, groupEvents, [this](std::span<IngestQueue::Item> group) { ingestQueued(group); }) {
}

SentinelGateway::~SentinelGateway() = default;

void SentinelGateway::accept(std::unique_ptr<QWebSocket> socket) {
    ++m_counters.connections;
    new SentinelSession(*this, std::move(socket)); // owned by this gateway; deletes itself on disconnect
}

bool SentinelGateway::isOnline(const QString &nodeId) const {
    const auto it = m_online.constFind(nodeId);
    return it != m_online.constEnd() && !it->isNull();
}

int SentinelGateway::onlineCount() const {
    int count = 0;
    for (const auto &session : m_online)
        count += session.isNull() ? 0 : 1;
    return count;
}

bool SentinelGateway::sendCommand(const QString &nodeId, const v1::SignedCommand &command) {
    const auto it = m_online.constFind(nodeId);
    if (it == m_online.constEnd() || it->isNull())
        return false;
    v1::Envelope envelope;
    *envelope.mutable_command() = command;
    (*it)->send(envelope);
    return true;
}

void SentinelGateway::sessionAuthenticated(SentinelSession *session) {
    // One session per node: a reconnecting node replaces its stale connection.
    if (const auto previous = m_online.value(session->nodeId()); previous && previous != session)
        previous->refuse(u"replaced"_s, u"the node connected again"_s);
    m_online.insert(session->nodeId(), session);
}

void SentinelGateway::ingestQueued(std::span<IngestQueue::Item> group) {
    std::vector<BatchToStore> toStore;
    std::vector<IngestQueue::Item *> items; // parallel to toStore
    toStore.reserve(group.size());
    items.reserve(group.size());
    for (IngestQueue::Item &item : group) {
        // Its connection is gone: the node sends it again after reconnecting. Storing it now
        // could store a later batch while an earlier one of that connection failed, and a node's
        // stored batches must stay a prefix (the welcome's last_acked_batch lets the node drop
        // them all).
        if (!item.session) {
            ++m_counters.orphaned;
            continue;
        }
        toStore.push_back({item.nodeId, &item.batch});
        items.push_back(&item);
    }
    if (toStore.empty())
        return;
    std::vector<Result<IngestOutcome>> outcomes = m_handlers.batches(toStore);
    Q_ASSERT(outcomes.size() == toStore.size());
    std::set<const SentinelSession *> toldToResend;
    for (std::size_t i = 0; i < items.size() && i < outcomes.size(); ++i) {
        IngestQueue::Item &item = *items[i];
        const quint64 sequence = item.batch.batchSequence;
        if (item.session && toldToResend.contains(item.session.data())) {
            // After its node's failed batch: not stored, sent again with it (as if discarded
            // from the queue).
            ++m_counters.awaitingResend;
            continue;
        }
        if (!outcomes[i]) {
            ++m_counters.ingestFailures;
            qWarning("gateway: batch %llu from %s not stored: %s", static_cast<unsigned long long>(sequence),
                qUtf8Printable(item.nodeId), outcomes[i].error().message.c_str());
            // The node sends everything from there again.
            if (item.session) {
                toldToResend.insert(item.session.data());
                item.session->askResendFrom(sequence);
            }
            continue;
        }
        if (!item.session)
            continue;
        v1::Envelope ack;
        ack.mutable_ack()->set_batch_sequence(sequence);
        ack.mutable_ack()->set_stored(outcomes[i]->stored);
        ack.mutable_ack()->set_rejected(outcomes[i]->rejected);
        item.session->send(ack);
    }
}

void SentinelGateway::sessionClosed(SentinelSession *session) {
    if (!session->nodeId().isEmpty() && m_online.value(session->nodeId()) == session)
        m_online.remove(session->nodeId());
}

} // namespace vanopticon::command
