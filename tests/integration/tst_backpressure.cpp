// SPDX-License-Identifier: Apache-2.0
// Back-pressure from the server's ingestion queue, end to end on loopback: real Transmitters
// against the real SentinelGateway, batches stored in a real database. The store is slowed (or
// made to fail once) by the test, so nodes send faster than the server stores.
#include "sentinel/transmit/transmitter.h"
#include "support/channelserver.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <map>
#include <numeric>
#include <vector>

using namespace vanopticon;
using namespace Qt::StringLiterals;

namespace {

constexpr int kNodes = 3;
constexpr int kBatchesPerNode = 60;
constexpr int kEventsPerBatch = 100;

EventBatch makeBatch(int count, int batch) {
    EventBatch events;
    for (int i = 0; i < count; ++i) {
        Event &e = events.addEvent();
        e.timestampNs = 1'700'000'000'000'000'000 + std::int64_t(batch) * 1000 + i;
        events.setField(e, field::EventType, "auth_failed");
        events.setField(e, field::SourceIp, "203.0.113.7");
    }
    return events;
}

// One node: its identity, its sequence store and its transmitter (no disk buffer: every batch
// it sends stays in memory until acknowledged).
struct Node {
    sentinel::NodeIdentity identity;
    sentinel::SequenceStore sequences;
    std::unique_ptr<sentinel::Transmitter> transmitter;
};

std::unique_ptr<Node> makeNode(const QString &dir, ChannelServer &server, const std::string &hostname,
    std::size_t maxPendingBatches = kBatchesPerNode) {
    auto identity = sentinel::NodeIdentity::load(dir.toStdString());
    auto sequences = sentinel::SequenceStore::open(dir.toStdString() + "/sequence");
    if (!identity || !sequences)
        return nullptr;
    auto node = std::make_unique<Node>(Node {std::move(*identity), std::move(*sequences), nullptr});
    sentinel::TransmitterConfig config;
    config.server = QUrl(u"ws://127.0.0.1:%1"_s.arg(server.port));
    config.enrollmentToken = server.token().toStdString();
    config.hostname = hostname;
    config.version = "test";
    config.initialBackoff = std::chrono::milliseconds(50);
    config.maxBackoff = std::chrono::milliseconds(200);
    config.maxPendingBatches = maxPendingBatches; // everything in flight at once
    node->transmitter = std::make_unique<sentinel::Transmitter>(config, node->identity, node->sequences);
    return node;
}

// A server whose queue holds 10 batches and whose store is slower than loopback delivers.
std::unique_ptr<ChannelServer> startTenBatchServer(const QString &databasePath) {
    auto server = std::make_unique<ChannelServer>(databasePath, crypto::SigningKey::generate());
    server->maxQueuedEvents = 10 * kEventsPerBatch;
    server->beforeStore = [](const QString &, const wire::IncomingBatch &) -> Result<void> {
        QThread::msleep(1);
        return {};
    };
    return server->start() ? std::move(server) : nullptr;
}

} // namespace

class TestBackPressure : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    // Three nodes each put 6,000 events in flight against a queue of 1,000 and a slow store:
    // the queue never holds more than its limit, nodes are told Busy and send again, and every
    // batch is stored once, in order per node.
    void aFullQueueHoldsNodesBackAndLosesNothing() {
        ChannelServer server(m_dir.filePath(u"full.db"_s), crypto::SigningKey::generate());
        server.maxQueuedEvents = 1000;
        std::map<QString, std::vector<quint64>> storedBatches; // by node, in the order stored
        server.beforeStore = [&](const QString &nodeId, const wire::IncomingBatch &batch) -> Result<void> {
            QThread::msleep(2); // a slow disk
            storedBatches[nodeId].push_back(batch.batchSequence);
            return {};
        };
        QVERIFY(server.start());

        std::vector<std::unique_ptr<Node>> nodes;
        for (int n = 0; n < kNodes; ++n) {
            nodes.push_back(makeNode(m_dir.filePath(u"full-node%1"_s.arg(n)), server, "web-" + std::to_string(n)));
            QVERIFY(nodes.back());
            QSignalSpy ready(nodes.back()->transmitter.get(), &sentinel::Transmitter::ready);
            nodes.back()->transmitter->start();
            QVERIFY(ready.wait(5000));
        }
        for (int b = 1; b <= kBatchesPerNode; ++b) {
            for (auto &node : nodes)
                QVERIFY(node->transmitter->send(makeBatch(kEventsPerBatch, b)).ok());
        }
        for (auto &node : nodes)
            QTRY_COMPARE_WITH_TIMEOUT(node->transmitter->pendingBatches(), std::size_t(0), 60000);

        const auto queue = server.gateway->queue();
        const auto &counters = server.gateway->counters();
        QVERIFY2(queue.peakEvents <= 1000, qPrintable(u"peak %1"_s.arg(queue.peakEvents)));
        QVERIFY2(queue.peakEvents >= 500, qPrintable(u"peak %1: the queue was never used"_s.arg(queue.peakEvents)));
        QCOMPARE(queue.events, std::size_t(0));
        QVERIFY(counters.busy > 0);
        // Those refused while the queue was full were refused from their header, unparsed.
        QVERIFY(counters.refusedUnparsed > 0);
        QVERIFY(counters.refusedUnparsed <= counters.busy + counters.awaitingResend);
        quint64 busyHeard = 0;
        for (auto &node : nodes)
            busyHeard += node->transmitter->counters().busy;
        QCOMPARE(busyHeard, counters.busy);
        QCOMPARE(counters.ingestFailures, quint64(0));
        // Batches waited, so they were handed on in groups.
        QVERIFY2(server.largestGroup > 1, qPrintable(u"largest group: %1 batches"_s.arg(server.largestGroup)));
        // After a Busy a node starts again with one batch in flight: sending its whole window again
        // each time (go-back-N) dropped over 700 batches here; the first burst alone drops ~170.
        QVERIFY2(counters.awaitingResend <= quint64(2 * kNodes * kBatchesPerNode),
            qPrintable(u"%1 batches sent in vain"_s.arg(counters.awaitingResend)));

        std::vector<quint64> expected(kBatchesPerNode);
        std::iota(expected.begin(), expected.end(), 1);
        QCOMPARE(int(storedBatches.size()), kNodes);
        for (const auto &[node, batches] : storedBatches)
            QCOMPARE(batches, expected); // each once, in order
        QCOMPARE(server.storedEvents(), kNodes * kBatchesPerNode * kEventsPerBatch);
        qInfo("busy answers: %llu; batches dropped awaiting a resend: %llu; peak queue: %zu events",
            static_cast<unsigned long long>(counters.busy), static_cast<unsigned long long>(counters.awaitingResend),
            queue.peakEvents);
    }

    // One node with 200 batches against a queue of 10: the first overflow is answered Busy, and
    // after it the node keeps fewer batches in flight than the server held, so the queue is not
    // overrun again. (Going back to its whole window after each pause, as it did, it overran the
    // queue again and again, waiting out a pause each time: a backlog drained at a sixth of the
    // server's speed.)
    void afterABusyANodeStaysWithinWhatTheServerTakes() {
        auto started = startTenBatchServer(m_dir.filePath(u"window.db"_s));
        QVERIFY(started);
        ChannelServer &server = *started;
        auto node = makeNode(m_dir.filePath(u"window-node"_s), server, "web-9", 200);
        QVERIFY(node);
        QSignalSpy ready(node->transmitter.get(), &sentinel::Transmitter::ready);
        node->transmitter->start();
        QVERIFY(ready.wait(5000));
        QCOMPARE(node->transmitter->flightWindow(), sentinel::FlightWindow::kInitialSize);
        for (int b = 1; b <= 200; ++b)
            QVERIFY(node->transmitter->send(makeBatch(kEventsPerBatch, b)).ok());
        QTRY_COMPARE_WITH_TIMEOUT(node->transmitter->pendingBatches(), std::size_t(0), 30000);

        QCOMPARE(node->transmitter->counters().busy, quint64(1));
        QCOMPARE(server.gateway->counters().busy, quint64(1));
        // At most half the queue's 10 batches, opened by one a second at most since.
        QVERIFY2(
            node->transmitter->flightWindow() <= 5 + 3, qPrintable(QString::number(node->transmitter->flightWindow())));
        QCOMPARE(server.storedEvents(), 200 * kEventsPerBatch);
    }

    // A node that connects with a backlog (after an outage) does not send it all at once: its
    // window starts small and grows per acknowledgement, so against a queue of 10 batches it
    // overshoots by a few frames, not by its whole window. Each frame refused cost the server a
    // decompression. (Starting at max_pending_batches, 200 here, ~190 were refused.)
    void aNodeWithABacklogDoesNotFloodTheQueueWhenItConnects() {
        auto started = startTenBatchServer(m_dir.filePath(u"backlog.db"_s));
        QVERIFY(started);
        ChannelServer &server = *started;
        auto node = makeNode(m_dir.filePath(u"backlog-node"_s), server, "web-8", 200);
        QVERIFY(node);
        for (int b = 1; b <= 200; ++b) // queued before the connection, as a buffer holds them
            QVERIFY(node->transmitter->send(makeBatch(kEventsPerBatch, b)).ok());
        node->transmitter->start();
        QTRY_COMPARE_WITH_TIMEOUT(node->transmitter->pendingBatches(), std::size_t(0), 30000);

        const auto &counters = server.gateway->counters();
        QCOMPARE(server.storedEvents(), 200 * kEventsPerBatch); // each batch stored once
        const quint64 refused = counters.batches - 200; // frames received in vain
        QVERIFY2(refused <= 10, qPrintable(u"%1 frames refused"_s.arg(refused)));
    }

    // A batch whose store fails is not acknowledged with the ones after it: those already
    // queued are dropped, the node is told Busy and sends it and them again.
    void aBatchThatCannotBeStoredComesAgainBeforeTheRest() {
        ChannelServer server(m_dir.filePath(u"fail.db"_s), crypto::SigningKey::generate());
        std::vector<quint64> attempts;
        bool failed = false;
        server.beforeStore = [&](const QString &, const wire::IncomingBatch &batch) -> Result<void> {
            attempts.push_back(batch.batchSequence);
            if (batch.batchSequence == 3 && !failed) {
                failed = true;
                return makeError("disk I/O error (injected)");
            }
            QThread::msleep(2); // the rest of the batches are queued behind it by now
            return {};
        };
        QVERIFY(server.start());
        auto node = makeNode(m_dir.filePath(u"fail-node"_s), server, "db-01");
        QVERIFY(node);
        QSignalSpy ready(node->transmitter.get(), &sentinel::Transmitter::ready);
        node->transmitter->start();
        QVERIFY(ready.wait(5000));
        for (int b = 1; b <= 10; ++b)
            QVERIFY(node->transmitter->send(makeBatch(kEventsPerBatch, b)).ok());
        QTRY_COMPARE_WITH_TIMEOUT(node->transmitter->pendingBatches(), std::size_t(0), 20000);

        QCOMPARE(server.gateway->counters().ingestFailures, quint64(1));
        QCOMPARE(node->transmitter->counters().busy, quint64(1));
        // 1, 2, 3 (fails), then 3 again and on: nothing after 3 was stored before it.
        const std::vector<quint64> expected {1, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10};
        QCOMPARE(attempts, expected);
        QCOMPARE(server.storedEvents(), 10 * kEventsPerBatch);
    }
};

QTEST_GUILESS_MAIN(TestBackPressure)
#include "tst_backpressure.moc"
