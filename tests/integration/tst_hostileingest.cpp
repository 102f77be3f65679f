// SPDX-License-Identifier: Apache-2.0
// Hostile input on the sentinel channel of a real server process: truncated frames, a failed
// checksum, wrong schema, an oversized message, a zstd bomb, an unenrolled node, replayed and
// invalid batches. Each gets a clear refusal (or, for events, a counted rejection), every one is
// counted in GET /metrics, and the server keeps running and accepting good batches.
#include "support/daemonprocesses.h"

#include "shared/crypto/crypto.h"
#include "shared/wire/codec.h"
#include "shared/wire/domains.h"

#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <optional>

using namespace vanopticon;
using namespace vanopticon::testsupport;
using namespace Qt::StringLiterals;

namespace {

// A node driven by hand, one frame at a time, so the test can send what no sentinel would.
class RawNode {
public:
    RawNode() {
        QObject::connect(&m_socket, &QWebSocket::binaryMessageReceived, &m_socket,
            [this](const QByteArray &frame) { m_received.append(frame); });
        QObject::connect(&m_socket, &QWebSocket::disconnected, &m_socket, [this] { m_closed = true; });
    }

    // Connects and waits for the server's hello.
    bool open(quint16 port) {
        m_socket.open(QUrl(u"ws://127.0.0.1:%1/api/v1/sentinel"_s.arg(port)));
        const std::optional<v1::Envelope> hello = next();
        if (!hello || hello->body_case() != v1::Envelope::kServerHello)
            return false;
        m_challenge = hello->server_hello().challenge();
        return true;
    }

    void sendRaw(const QByteArray &frame) { m_socket.sendBinaryMessage(frame); }
    void send(const v1::Envelope &envelope) { sendRaw(QByteArray::fromStdString(wire::encodeEnvelope(envelope))); }

    // The next message from the server, or nothing within 10 s.
    std::optional<v1::Envelope> next() {
        if (!QTest::qWaitFor([this] { return !m_received.isEmpty() || m_closed; }, 10000) || m_received.isEmpty())
            return std::nullopt;
        const QByteArray frame = m_received.takeFirst();
        auto envelope = wire::decodeEnvelope(std::string_view(frame.constData(), std::size_t(frame.size())));
        return envelope ? std::optional<v1::Envelope>(std::move(*envelope)) : std::nullopt;
    }

    // The refusal code the server answered with, once it also closed the connection; empty if
    // it did not.
    QString refusal(QString *message = nullptr) {
        const std::optional<v1::Envelope> answer = next();
        if (!answer || answer->body_case() != v1::Envelope::kRefusal || !waitClosed())
            return {};
        if (message != nullptr)
            *message = QString::fromStdString(answer->refusal().message());
        return QString::fromStdString(answer->refusal().code());
    }

    bool waitClosed() {
        return QTest::qWaitFor([this] { return m_closed; }, 10000);
    }
    QWebSocketProtocol::CloseCode closeCode() const { return m_socket.closeCode(); }

    bool enroll(const QString &token) {
        v1::Envelope envelope;
        v1::Enroll *enroll = envelope.mutable_enroll();
        enroll->set_token(token.toStdString());
        enroll->set_hostname("hostile-test");
        enroll->set_public_key(m_key.publicKey());
        enroll->set_signature(m_key.sign(wire::kEnrollDomain, m_challenge + m_key.publicKey()));
        send(envelope);
        const std::optional<v1::Envelope> welcome = next();
        return welcome && welcome->body_case() == v1::Envelope::kWelcome;
    }

    void authenticate(const std::string &nodeId) {
        v1::Envelope envelope;
        envelope.mutable_authenticate()->set_node_id(nodeId);
        envelope.mutable_authenticate()->set_signature(m_key.sign(wire::kAuthDomain, m_challenge + nodeId));
        send(envelope);
    }

    // Sends a batch and returns the server's acknowledgement.
    std::optional<v1::BatchAck> sendBatch(const v1::EventBatch &batch) {
        v1::Envelope envelope;
        *envelope.mutable_batch() = batch;
        send(envelope);
        const std::optional<v1::Envelope> answer = next();
        if (!answer || answer->body_case() != v1::Envelope::kAck)
            return std::nullopt;
        return answer->ack();
    }

private:
    QWebSocket m_socket;
    QList<QByteArray> m_received;
    bool m_closed = false;
    std::string m_challenge;
    crypto::SigningKey m_key = crypto::SigningKey::generate();
};

v1::Event wireEvent(std::uint64_t sequence, qint64 ageSeconds = 0) {
    v1::Event e;
    e.set_sequence(sequence);
    e.set_timestamp_unix_nanos((QDateTime::currentMSecsSinceEpoch() - ageSeconds * 1000) * 1'000'000);
    e.set_event_type("auth_failed");
    e.set_raw("hostile-ingest event " + std::to_string(sequence));
    return e;
}

// Bytes zstd cannot shrink: stored as they are, so a flipped byte still decodes and only the
// checksum can tell.
std::string noise(std::size_t size) {
    std::string bytes(size, '\0');
    QRandomGenerator random {7};
    for (char &byte : bytes)
        byte = char(random.bounded(256));
    return bytes;
}

} // namespace

class TestHostileIngest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_server;

    // The value of one sample in GET /metrics, or -1.
    double metric(const QString &sample) {
        const QString text = QString::fromUtf8(m_server->request("GET", u"/metrics"_s, {}, true).body);
        for (const QString &line : text.split(u'\n')) {
            if (line.startsWith(sample + u' '))
                return line.mid(sample.size() + 1).toDouble();
        }
        return -1;
    }

    // Sends `frame` on a fresh connection and returns the refusal code.
    QString refusalFor(const QByteArray &frame, QString *message = nullptr) {
        RawNode node;
        if (!node.open(m_server->port()))
            return u"(no hello)"_s;
        node.sendRaw(frame);
        return node.refusal(message);
    }

private Q_SLOTS:
    void initTestCase() {
        m_server = std::make_unique<ServerProcess>(QStringLiteral(VANOPTICOND_PATH), m_dir.filePath(u"server"_s));
        const QString started = m_server->start();
        QVERIFY2(started.isEmpty(), qPrintable(started));
    }

    void cleanupTestCase() {
        if (m_server)
            QCOMPARE(m_server->stop(), QString()); // still running, and it stops cleanly
    }

    void badFramesAreRefused_data() {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<QString>("reason"); // a word of the refusal's message

        v1::Envelope batch;
        batch.mutable_batch()->set_batch_sequence(1);
        *batch.mutable_batch()->add_events() = wireEvent(1);
        batch.mutable_batch()->mutable_events(0)->set_raw(noise(4000));
        const std::string good = wire::encodeEnvelope(batch);
        std::string flipped = good;
        flipped[flipped.size() / 2] = char(flipped[flipped.size() / 2] ^ 0x01);

        QTest::addRow("not zstd") << QByteArray("GET / HTTP/1.1") << u"not a zstd frame"_s;
        QTest::addRow("truncated") << QByteArray::fromStdString(good.substr(0, good.size() - 100)) << u"truncated"_s;
        QTest::addRow("trailing bytes") << QByteArray::fromStdString(good + "xx") << u"trailing"_s;
        QTest::addRow("checksum fails") << QByteArray::fromStdString(flipped) << u"checksum"_s;
        QTest::addRow("not protobuf") << QByteArray::fromStdString(wire::compress("\xff\xff\xff\xff not protobuf"))
                                      << u"not a valid"_s;
        QTest::addRow("empty envelope") << QByteArray::fromStdString(wire::compress({})) << u"no message"_s;
        QTest::addRow("bomb") << QByteArray::fromStdString(wire::compress(std::string(64 << 20, '\0')))
                              << u"more than the limit"_s;
    }

    void badFramesAreRefused() {
        QFETCH(QByteArray, frame);
        QFETCH(QString, reason);
        const double before = metric(u"vanopticon_channel_refusals_total{code=\"bad_frame\"}"_s);
        QString message;
        QCOMPARE(refusalFor(frame, &message), u"bad_frame"_s);
        QVERIFY2(message.contains(reason), qPrintable(message));
        QCOMPARE(metric(u"vanopticon_channel_refusals_total{code=\"bad_frame\"}"_s), std::max(before, 0.0) + 1);
    }

    // Over the 8 MiB message limit: the socket itself ends the connection (1009), before the
    // message is assembled.
    void oversizedMessagesAreCutOff() {
        RawNode node;
        QVERIFY(node.open(m_server->port()));
        node.sendRaw(QByteArray::fromStdString(wire::compress(noise(9 << 20))));
        QVERIFY(node.waitClosed());
        QCOMPARE(node.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    }

    void anUnenrolledNodeIsRefused() {
        RawNode unknown;
        QVERIFY(unknown.open(m_server->port()));
        unknown.authenticate("node_notenrolled01");
        QCOMPARE(unknown.refusal(), u"unknown_node"_s);

        // Events before any handshake.
        v1::Envelope batch;
        batch.mutable_batch()->set_batch_sequence(1);
        *batch.mutable_batch()->add_events() = wireEvent(1);
        RawNode early;
        QVERIFY(early.open(m_server->port()));
        early.send(batch);
        QCOMPARE(early.refusal(), u"not_authenticated"_s);

        // A spent or made-up enrollment token.
        RawNode forger;
        QVERIFY(forger.open(m_server->port()));
        QVERIFY(!forger.enroll(u"vo_enroll_madeup"_s));
        QVERIFY(forger.waitClosed());
        QCOMPARE(metric(u"vanopticon_channel_refusals_total{code=\"unknown_node\"}"_s), 1.0);
        QCOMPARE(metric(u"vanopticon_channel_refusals_total{code=\"not_authenticated\"}"_s), 1.0);
        QCOMPARE(metric(u"vanopticon_channel_refusals_total{code=\"bad_token\"}"_s), 1.0);
    }

    // An enrolled node's batches: a replay stores nothing again, invalid events are rejected and
    // counted by reason, the rest stored; the connection stays up throughout.
    void replayedAndInvalidEventsAreCounted() {
        QString error;
        const QString token = m_server->enrollmentToken(u"hostile"_s, error);
        QVERIFY2(!token.isEmpty(), qPrintable(error));
        RawNode node;
        QVERIFY(node.open(m_server->port()));
        QVERIFY(node.enroll(token));
        const double storedBefore = metric(u"vanopticon_events_stored_total"_s);

        v1::EventBatch batch;
        batch.set_batch_sequence(1);
        for (std::uint64_t sequence = 1; sequence <= 5; ++sequence)
            *batch.add_events() = wireEvent(sequence);
        std::optional<v1::BatchAck> ack = node.sendBatch(batch);
        QVERIFY(ack);
        QCOMPARE(ack->stored(), 5u);
        ack = node.sendBatch(batch); // replayed: safe on the server, so acknowledged, but not stored again
        QVERIFY(ack);
        QCOMPARE(ack->stored(), 5u);
        QCOMPARE(ack->rejected(), 0u);
        QCOMPARE(metric(u"vanopticon_events_stored_total"_s), storedBefore + 5);
        QCOMPARE(metric(u"vanopticon_events_duplicate_total"_s), 5.0);

        v1::EventBatch invalid;
        invalid.set_batch_sequence(2);
        *invalid.add_events() = wireEvent(6, 8 * 24 * 3600); // older than max_event_age (7 days)
        *invalid.add_events() = wireEvent(7, -25 * 3600); // more than a day ahead
        *invalid.add_events() = wireEvent(8);
        invalid.mutable_events(2)->clear_event_type();
        *invalid.add_events() = wireEvent(9); // the only valid one, but for a field it carries:
        v1::Field *badName = invalid.mutable_events(3)->add_fields();
        badName->set_name("user name; DROP TABLE");
        badName->set_value("x");
        ack = node.sendBatch(invalid);
        QVERIFY(ack);
        QCOMPARE(ack->stored(), 1u);
        QCOMPARE(ack->rejected(), 3u);
        QCOMPARE(metric(u"vanopticon_event_fields_dropped_total"_s), 1.0); // stored without it, counted

        QCOMPARE(metric(u"vanopticon_events_stored_total"_s), storedBefore + 6);
        QCOMPARE(metric(u"vanopticon_events_duplicate_total"_s), 5.0);
        QCOMPARE(metric(u"vanopticon_events_rejected_total{reason=\"too_old\"}"_s), 1.0);
        QCOMPARE(metric(u"vanopticon_events_rejected_total{reason=\"in_future\"}"_s), 1.0);
        QCOMPARE(metric(u"vanopticon_events_rejected_total{reason=\"missing_event_type\"}"_s), 1.0);
        // The time those batches took is counted, by stage.
        QVERIFY(metric(u"vanopticon_ingest_seconds_total{stage=\"store\"}"_s) > 0);
        QVERIFY(metric(u"vanopticon_ingest_seconds_total{stage=\"analysis\"}"_s) > 0);
        // Each batch waited for its acknowledgement before the next was sent: nothing was queued
        // behind another, so each had a transaction of its own.
        QVERIFY(metric(u"vanopticon_event_batches_total"_s) > 0);
        QCOMPARE(metric(u"vanopticon_ingest_transactions_total"_s), metric(u"vanopticon_event_batches_total"_s));

        // After all of the above, the server is healthy and the node can go on.
        v1::EventBatch more;
        more.set_batch_sequence(3);
        *more.add_events() = wireEvent(10);
        ack = node.sendBatch(more);
        QVERIFY(ack);
        QCOMPARE(ack->stored(), 1u);
        QCOMPARE(m_server->call("GET", u"/api/v1/health"_s).first, 200);
        // Nothing waits in the ingestion queue, its limit is the default, and nobody was held back.
        QCOMPARE(metric(u"vanopticon_ingest_queue_events"_s), 0.0);
        QCOMPARE(metric(u"vanopticon_ingest_queue_max_events"_s), 10000.0);
        QVERIFY(metric(u"vanopticon_ingest_queue_peak_events"_s) >= 1.0);
        QCOMPARE(metric(u"vanopticon_ingest_busy_total"_s), 0.0);
        QCOMPARE(metric(u"vanopticon_ingest_store_failures_total"_s), 0.0);
        QCOMPARE(metric(u"vanopticon_ingest_batches_dropped_total{reason=\"awaiting_resend\"}"_s), 0.0);
        // The database's log is checkpointed on its own thread; nothing failed.
        QVERIFY(metric(u"vanopticon_db_wal_checkpoints_total{by=\"thread\"}"_s) >= 0.0);
        QCOMPARE(metric(u"vanopticon_db_wal_checkpoint_failures_total"_s), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestHostileIngest)
#include "tst_hostileingest.moc"
