// SPDX-License-Identifier: Apache-2.0
#pragma once
// One test server for the sentinel channel: a real database, the real SentinelGateway and the
// real HTTP listener; it can be stopped and started again on the same port. Batches are stored
// by the event repository; `beforeStore` lets a test slow the store down or make it fail.
#include "command/gateway/sentinelgateway.h"
#include "command/http/httpserver.h"
#include "shared/bus/eventbus.h"
#include "shared/crypto/crypto.h"
#include "shared/wire/codec.h"
#include "storage/auditlog.h"
#include "storage/database.h"
#include "storage/events.h"
#include "storage/nodes.h"

#include <QDateTime>
#include <QSqlQuery>
#include <QSslConfiguration>
#include <QWebSocket>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <vector>

struct ChannelServer {
    vanopticon::storage::Database db;
    std::unique_ptr<vanopticon::storage::AuditLog> audit;
    vanopticon::EventBus bus;
    vanopticon::crypto::SigningKey key;
    std::unique_ptr<vanopticon::command::SentinelGateway> gateway;
    std::unique_ptr<vanopticon::command::HttpServer> http;
    quint16 port = 0;
    std::size_t maxQueuedEvents = vanopticon::command::IngestQueue::kDefaultMaxEvents;
    static constexpr std::size_t kGroupEvents = 4'000; // as the server groups queued batches
    std::size_t largestGroup = 0; // the most batches handed on together
    std::optional<QSslConfiguration> tls; // set before start(): the listener speaks TLS (wss://)
    // Runs before each batch is stored; an error fails the batch (not stored, not acknowledged).
    std::function<vanopticon::Result<void>(const QString &nodeId, const vanopticon::wire::IncomingBatch &batch)>
        beforeStore;

    ChannelServer(const QString &dbPath, vanopticon::crypto::SigningKey serverKey)
        : key(std::move(serverKey)) {
        if (!db.open(dbPath).ok())
            qFatal("cannot open the test database");
        audit = std::make_unique<vanopticon::storage::AuditLog>(db);
    }
    bool start(quint16 wantedPort = 0) {
        using namespace vanopticon;
        command::GatewayHandlers handlers;
        handlers.batches = [this](std::span<const command::BatchToStore> group) {
            largestGroup = std::max(largestGroup, group.size());
            std::vector<Result<command::IngestOutcome>> outcomes;
            std::set<QString> failedNodes; // a node's stored batches stay a prefix, as the Ingestor keeps them
            for (const command::BatchToStore &item : group) {
                if (failedNodes.contains(item.nodeId)) {
                    outcomes.emplace_back(makeError("an earlier batch of the node was not stored"));
                    continue;
                }
                auto outcome = store(item.nodeId, *item.batch);
                if (!outcome)
                    failedNodes.insert(item.nodeId);
                outcomes.push_back(std::move(outcome));
            }
            return outcomes;
        };
        gateway
            = std::make_unique<command::SentinelGateway>(db, *audit, bus, key, handlers, maxQueuedEvents, kGroupEvents);
        http = std::make_unique<command::HttpServer>();
        http->webSocketRoute(QStringLiteral("/api/v1/sentinel"), {},
            [this](std::unique_ptr<QWebSocket> socket) { gateway->accept(std::move(socket)); });
        auto listening = http->listen(QHostAddress::LocalHost, wantedPort, tls);
        if (!listening)
            return false;
        port = *listening;
        return true;
    }
    // As the Ingestor does: the events and the node's last batch in one transaction.
    vanopticon::Result<vanopticon::command::IngestOutcome> store(
        const QString &nodeId, vanopticon::wire::IncomingBatch &batch) {
        using namespace vanopticon;
        if (beforeStore) {
            if (auto ok = beforeStore(nodeId, batch); !ok)
                return ok.error();
        }
        storage::StoredBatch stored;
        auto done = db.transaction([&]() -> Result<void> {
            storage::EventRepository repository(db);
            auto inserted = repository.insertBatch(nodeId, batch.events, 1);
            if (!inserted)
                return inserted.error();
            stored = std::move(*inserted);
            storage::NodeRepository nodes(db);
            return nodes.recordBatch(nodeId, batch.batchSequence, qint64(stored.stored), 1);
        });
        if (!done)
            return done.error();
        return command::IngestOutcome {quint32(stored.stored + stored.duplicates), 0};
    }
    void stop() {
        http.reset(); // closes the listener and every connection
        gateway.reset();
    }
    QString token() {
        using namespace vanopticon;
        const QString token = QString::fromStdString(crypto::randomToken("vo_enroll_"));
        storage::NodeRepository nodes(db);
        (void)nodes.createEnrollmentToken(QString::fromStdString(crypto::blake2bHex(token.toStdString())),
            QStringLiteral("test"), QStringLiteral("admin"), QDateTime::currentMSecsSinceEpoch() + 60'000);
        return token;
    }
    int storedEvents() {
        QSqlQuery q(db.handle());
        q.exec(QStringLiteral("SELECT COUNT(*) FROM events"));
        q.next();
        return q.value(0).toInt();
    }
};
