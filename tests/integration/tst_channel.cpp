// SPDX-License-Identifier: Apache-2.0
// The sentinel ↔ server channel end to end on loopback: the real Transmitter against the real
// SentinelGateway behind the real HTTP server, with events stored in a real database.
#include "command/gateway/sentinelgateway.h"
#include "command/http/httpserver.h"
#include "command/http/tlslistener.h"
#include "sentinel/transmit/transmitter.h"
#include "shared/bus/eventbus.h"
#include "shared/crypto/crypto.h"
#include "shared/wire/codec.h"
#include "storage/auditlog.h"
#include "storage/database.h"
#include "storage/events.h"
#include "storage/nodes.h"
#include "support/channelserver.h"
#include "support/testcertificates.h"

#include <QSignalSpy>
#include <QSqlQuery>
#include <QSslKey>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <map>
#include <optional>
#include <tuple>

using namespace vanopticon;
using namespace Qt::StringLiterals;

namespace {

using Server = ChannelServer;

EventBatch makeBatch(int count, const char *sourceIp) {
    EventBatch batch;
    for (int i = 0; i < count; ++i) {
        Event &e = batch.addEvent();
        e.timestampNs = 1'700'000'000'000'000'000 + i;
        batch.setField(e, field::EventType, "auth_failed");
        batch.setField(e, field::SourceIp, sourceIp);
    }
    return batch;
}

} // namespace

class TestChannel : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    std::unique_ptr<sentinel::Transmitter> makeTransmitter(sentinel::NodeIdentity &identity,
        sentinel::SequenceStore &sequences, quint16 port, const QString &token,
        int compressionLevel = wire::kDefaultCompressionLevel) {
        sentinel::TransmitterConfig config;
        config.compressionLevel = compressionLevel;
        config.server = QUrl(u"ws://127.0.0.1:%1"_s.arg(port));
        config.enrollmentToken = token.toStdString();
        config.hostname = "web-01";
        config.version = "test";
        config.initialBackoff = std::chrono::milliseconds(50);
        config.maxBackoff = std::chrono::milliseconds(200);
        return std::make_unique<sentinel::Transmitter>(config, identity, sequences);
    }

private Q_SLOTS:
    void enrollSendReconnectAndResend() {
        Server server(m_dir.filePath(u"server.db"_s), crypto::SigningKey::generate());
        QVERIFY(server.start());
        const std::string identityDir = m_dir.filePath(u"node"_s).toStdString();
        auto identity = sentinel::NodeIdentity::load(identityDir);
        QVERIFY(identity.ok());
        auto sequences = sentinel::SequenceStore::open(identityDir + "/sequence");
        QVERIFY(sequences.ok());

        // First contact: enrollment with the one-time token.
        auto transmitter = makeTransmitter(*identity, *sequences, server.port, server.token());
        QSignalSpy ready(transmitter.get(), &sentinel::Transmitter::ready);
        QSignalSpy acked(transmitter.get(), &sentinel::Transmitter::acknowledged);
        transmitter->start();
        QTRY_COMPARE(ready.size(), 1);
        QVERIFY(identity->isEnrolled());
        QCOMPARE(identity->serverPublicKey(), server.key.publicKey());
        QVERIFY(server.gateway->isOnline(QString::fromStdString(identity->nodeId())));

        QVERIFY(transmitter->send(makeBatch(10, "203.0.113.7")).ok());
        QTRY_COMPARE(acked.size(), 1);
        QCOMPARE(transmitter->pendingBatches(), std::size_t(0));
        QCOMPARE(server.storedEvents(), 10);

        // Server outage: batches wait, then arrive exactly once after the server returns.
        const quint16 port = server.port;
        server.stop();
        QTRY_COMPARE(transmitter->state(), sentinel::Transmitter::State::Disconnected);
        QVERIFY(transmitter->send(makeBatch(5, "198.51.100.1")).ok());
        QVERIFY(transmitter->send(makeBatch(5, "198.51.100.2")).ok());
        QCOMPARE(transmitter->pendingBatches(), std::size_t(2));
        QVERIFY(server.start(port));
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 10000); // re-authenticated, not re-enrolled
        QTRY_COMPARE(transmitter->pendingBatches(), std::size_t(0));
        QCOMPARE(server.storedEvents(), 20);

        // A restarted node authenticates with its identity and continues its sequence numbers.
        transmitter.reset();
        auto reloaded = sentinel::NodeIdentity::load(identityDir);
        auto reopened = sentinel::SequenceStore::open(identityDir + "/sequence");
        QVERIFY(reloaded.ok() && reopened.ok());
        auto again = makeTransmitter(*reloaded, *reopened, server.port, QString());
        QSignalSpy readyAgain(again.get(), &sentinel::Transmitter::ready);
        again->start();
        QTRY_COMPARE(readyAgain.size(), 1);
        QCOMPARE(readyAgain.first().first().toString(), QString::fromStdString(identity->nodeId()));
        QSignalSpy ackedAgain(again.get(), &sentinel::Transmitter::acknowledged);
        QVERIFY(again->send(makeBatch(3, "192.0.2.1")).ok());
        QTRY_COMPARE(ackedAgain.size(), 1);
        QCOMPARE(server.storedEvents(), 23); // no sequence number reused, nothing dropped as a duplicate
    }

    // transmitter.compression_level is the zstd level of the batches sent: the same batches take
    // fewer bytes at 19 than at 1, and the server stores all of them either way.
    void batchesAreCompressedAtTheConfiguredLevel() {
        Server server(m_dir.filePath(u"levels.db"_s), crypto::SigningKey::generate());
        QVERIFY(server.start());
        std::map<int, quint64> bytesAt;
        for (const int level : {1, 19}) {
            const std::string identityDir = m_dir.filePath(u"level-%1"_s.arg(level)).toStdString();
            auto identity = sentinel::NodeIdentity::load(identityDir);
            auto sequences = sentinel::SequenceStore::open(identityDir + "/sequence");
            QVERIFY(identity.ok() && sequences.ok());
            auto transmitter = makeTransmitter(*identity, *sequences, server.port, server.token(), level);
            QSignalSpy ready(transmitter.get(), &sentinel::Transmitter::ready);
            transmitter->start();
            QTRY_COMPARE(ready.size(), 1);
            for (int b = 0; b < 5; ++b) {
                EventBatch batch;
                for (int i = 0; i < 400; ++i) {
                    const int n = b * 400 + i;
                    Event &e = batch.addEvent();
                    e.timestampNs = 1'700'000'000'000'000'000 + n;
                    batch.setField(e, field::EventType, "auth_failed");
                    const std::string line = "Failed password for invalid user user" + std::to_string(n % 37)
                        + " from 203.0." + std::to_string(n % 251) + "." + std::to_string(n * 7 % 256) + " port "
                        + std::to_string(40000 + n * 13 % 20000) + " ssh2";
                    batch.setField(e, field::Message, line);
                }
                QVERIFY(transmitter->send(batch).ok());
            }
            QTRY_COMPARE(transmitter->counters().batchesAcknowledged, quint64(5));
            bytesAt[level] = transmitter->counters().batchBytes;
        }
        QCOMPARE(server.storedEvents(), 2 * 5 * 400);
        QVERIFY2(bytesAt[19] > 0 && bytesAt[19] < bytesAt[1] * 95 / 100,
            qPrintable(u"level 1: %1 bytes; level 19: %2"_s.arg(bytesAt[1]).arg(bytesAt[19])));
    }

    // A restarted node's disk buffer still holds batches the server acknowledged (the active
    // segment keeps them until it fills): the welcome's last_acked_batch releases them, so they
    // are not sent again.
    void aRestartedNodeDoesNotResendWhatTheServerHas() {
        Server server(m_dir.filePath(u"restart.db"_s), crypto::SigningKey::generate());
        QVERIFY(server.start());
        const std::string dir = m_dir.filePath(u"restart-node"_s).toStdString();
        const auto openBuffer = [&] {
            sentinel::buffer::DiskBufferOptions options;
            options.directory = dir + "/buffer";
            return sentinel::buffer::DiskBuffer::open(options);
        };
        QString token = server.token();
        for (int run = 0; run < 2; ++run) {
            auto identity = sentinel::NodeIdentity::load(dir);
            auto sequences = sentinel::SequenceStore::open(dir + "/sequence");
            auto buffer = openBuffer();
            QVERIFY(identity.ok() && sequences.ok() && buffer.ok());
            if (run == 1)
                QCOMPARE((*buffer)->recovery().records, std::size_t(5)); // acknowledged, still on disk
            auto transmitter = makeTransmitter(*identity, *sequences, server.port, token);
            transmitter->setBuffer(std::move(*buffer));
            QSignalSpy ready(transmitter.get(), &sentinel::Transmitter::ready);
            transmitter->start();
            QVERIFY(ready.wait(5000));
            const int batches = run == 0 ? 5 : 1;
            for (int b = 0; b < batches; ++b)
                QVERIFY(transmitter->send(makeBatch(10, "203.0.113.20")).ok());
            QTRY_COMPARE(transmitter->pendingBatches(), std::size_t(0));
            token.clear(); // enrolled now
        }
        QCOMPARE(server.gateway->counters().batches, quint64(6)); // 5, then 1: nothing sent twice
        QCOMPARE(server.storedEvents(), 60);
    }

    // Two endpoints, the first one down: after max_attempts refused connections the node moves
    // to the other and delivers there.
    void failsOverToAnotherEndpoint() {
        Server server(m_dir.filePath(u"failover.db"_s), crypto::SigningKey::generate());
        QVERIFY(server.start());
        QTcpServer probe; // a port nobody listens on once it is closed again
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const QUrl dead(u"ws://127.0.0.1:%1"_s.arg(probe.serverPort()));
        probe.close();
        const QUrl live(u"ws://127.0.0.1:%1"_s.arg(server.port));
        const std::vector<sentinel::Endpoint> endpoints {{dead, 1000}, {live, 1}};
        std::uint64_t seed = 1; // one that starts on the dead endpoint
        while (sentinel::EndpointList(endpoints, 2, seed).current().url != dead)
            ++seed;

        const std::string identityDir = m_dir.filePath(u"failover-node"_s).toStdString();
        auto identity = sentinel::NodeIdentity::load(identityDir);
        auto sequences = sentinel::SequenceStore::open(identityDir + "/sequence");
        QVERIFY(identity.ok() && sequences.ok());
        sentinel::TransmitterConfig config;
        config.endpoints = endpoints;
        config.maxAttempts = 2;
        config.endpointSeed = seed;
        config.enrollmentToken = server.token().toStdString();
        config.hostname = "web-02";
        config.version = "test";
        config.initialBackoff = std::chrono::milliseconds(50);
        config.maxBackoff = std::chrono::milliseconds(200);
        sentinel::Transmitter transmitter(config, *identity, *sequences);
        QCOMPARE(transmitter.endpoint(), dead);
        QSignalSpy ready(&transmitter, &sentinel::Transmitter::ready);
        QSignalSpy acked(&transmitter, &sentinel::Transmitter::acknowledged);
        transmitter.start();
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, 10000);
        QCOMPARE(transmitter.endpoint(), live);
        QVERIFY(transmitter.send(makeBatch(4, "203.0.113.9")).ok());
        QTRY_COMPARE(acked.size(), 1);
        QCOMPARE(server.storedEvents(), 4);
    }

    // wss with the CA file and a client certificate, against the server's own HTTPS listener: the
    // node trusts only the configured CA, the server requires a certificate from its CA. Without
    // the CA, or with a certificate the server's CA did not sign, nothing connects, and the
    // server counts the failed handshakes.
    void connectsOverTlsWithAClientCertificate() {
        TestCertificates certificates;
        QVERIFY2(certificates.create(), qPrintable(certificates.error()));
        Server server(m_dir.filePath(u"tls.db"_s), crypto::SigningKey::generate());
        QSslConfiguration serverTls = QSslConfiguration::defaultConfiguration();
        serverTls.setLocalCertificateChain(QSslCertificate::fromData(certificates.read(u"server.pem"_s)));
        serverTls.setPrivateKey(QSslKey(certificates.read(u"server.key"_s), QSsl::Ec));
        serverTls.setCaCertificates(QSslCertificate::fromData(certificates.read(u"ca.pem"_s)));
        serverTls.setPeerVerifyMode(QSslSocket::VerifyPeer); // a client certificate is required
        server.tls = serverTls;
        QVERIFY(server.start());

        const auto clientTls = [&](const QString &certificate) {
            QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
            tls.setCaCertificates(QSslCertificate::fromData(certificates.read(u"ca.pem"_s)));
            tls.setLocalCertificateChain(QSslCertificate::fromData(certificates.read(certificate + u".pem"_s)));
            tls.setPrivateKey(QSslKey(certificates.read(certificate + u".key"_s), QSsl::Ec));
            return tls;
        };
        const auto node = [&](const QString &name, std::optional<QSslConfiguration> tls) {
            const std::string dir = m_dir.filePath(name).toStdString();
            auto identity = sentinel::NodeIdentity::load(dir);
            auto sequences = sentinel::SequenceStore::open(dir + "/sequence");
            sentinel::TransmitterConfig config;
            config.server = QUrl(u"wss://localhost:%1"_s.arg(server.port));
            config.tls = std::move(tls);
            config.enrollmentToken = server.token().toStdString();
            config.hostname = name.toStdString();
            config.version = "test";
            config.initialBackoff = std::chrono::milliseconds(50);
            config.maxBackoff = std::chrono::milliseconds(200);
            return std::make_tuple(std::move(*identity), std::move(*sequences), config);
        };
        const auto neverConnects = [&](const QString &name, std::optional<QSslConfiguration> tls) {
            auto [identity, sequences, config] = node(name, std::move(tls));
            sentinel::Transmitter transmitter(config, identity, sequences);
            QSignalSpy ready(&transmitter, &sentinel::Transmitter::ready);
            transmitter.start();
            QTest::qWait(1500);
            transmitter.stop();
            return ready.isEmpty() && !identity.isEnrolled();
        };

        // Without the CA: the server's certificate is not trusted (the node gives up the handshake).
        QVERIFY(neverConnects(u"tls-stranger"_s, std::nullopt));
        const command::TlsListener &listener = *server.http->tlsListener();
        QVERIFY(listener.handshakeFailures() >= 1);
        // A certificate the server's CA did not sign: the server refuses the handshake.
        const quint64 before = listener.handshakeFailures();
        QVERIFY(neverConnects(u"tls-rogue"_s, clientTls(u"rogue"_s)));
        QVERIFY2(listener.handshakeFailures() > before, qPrintable(listener.lastError()));
        QVERIFY2(listener.lastError().startsWith(u"127.0.0.1: "_s), qPrintable(listener.lastError()));

        auto [identity, sequences, config] = node(u"tls-node"_s, clientTls(u"client"_s));
        sentinel::Transmitter transmitter(config, identity, sequences);
        QSignalSpy ready(&transmitter, &sentinel::Transmitter::ready);
        QSignalSpy acked(&transmitter, &sentinel::Transmitter::acknowledged);
        transmitter.start();
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, 10000);
        QVERIFY(transmitter.send(makeBatch(3, "203.0.113.10")).ok());
        QTRY_COMPARE(acked.size(), 1);
        QCOMPARE(server.storedEvents(), 3);
    }

    void spentAndUnknownTokensAreRefused() {
        Server server(m_dir.filePath(u"tokens.db"_s), crypto::SigningKey::generate());
        QVERIFY(server.start());
        const QString token = server.token();
        auto first = sentinel::NodeIdentity::load(m_dir.filePath(u"a"_s).toStdString());
        auto firstSeq = sentinel::SequenceStore::open(m_dir.filePath(u"a/seq"_s).toStdString());
        auto a = makeTransmitter(*first, *firstSeq, server.port, token);
        QSignalSpy readyA(a.get(), &sentinel::Transmitter::ready);
        a->start();
        QTRY_COMPARE(readyA.size(), 1);

        for (const QString &used : {token, u"vo_enroll_made_up"_s}) {
            auto identity = sentinel::NodeIdentity::load(m_dir.filePath(u"b"_s).toStdString());
            auto sequences = sentinel::SequenceStore::open(m_dir.filePath(u"b/seq"_s).toStdString());
            auto b = makeTransmitter(*identity, *sequences, server.port, used);
            QSignalSpy refused(b.get(), &sentinel::Transmitter::refused);
            b->start();
            QTRY_VERIFY(refused.size() >= 1);
            QCOMPARE(refused.first().first().toString(), u"bad_token"_s);
            QVERIFY(!identity->isEnrolled());
        }
    }

    void aNodeRefusesAServerWithAnotherKey() {
        Server original(m_dir.filePath(u"pin1.db"_s), crypto::SigningKey::generate());
        QVERIFY(original.start());
        const std::string dir = m_dir.filePath(u"pinned"_s).toStdString();
        auto identity = sentinel::NodeIdentity::load(dir);
        auto sequences = sentinel::SequenceStore::open(dir + "/seq");
        {
            auto t = makeTransmitter(*identity, *sequences, original.port, original.token());
            QSignalSpy ready(t.get(), &sentinel::Transmitter::ready);
            t->start();
            QTRY_COMPARE(ready.size(), 1);
        }
        Server impostor(m_dir.filePath(u"pin2.db"_s), crypto::SigningKey::generate());
        QVERIFY(impostor.start());
        auto t = makeTransmitter(*identity, *sequences, impostor.port, QString());
        QSignalSpy refused(t.get(), &sentinel::Transmitter::refused);
        QSignalSpy ready(t.get(), &sentinel::Transmitter::ready);
        t->start();
        QTRY_VERIFY(refused.size() >= 1);
        QCOMPARE(refused.first().first().toString(), u"server_key_mismatch"_s);
        QCOMPARE(ready.size(), 0);
    }

    void hostileFramesAreRefusedAndTheServerKeepsRunning() {
        Server server(m_dir.filePath(u"hostile.db"_s), crypto::SigningKey::generate());
        QVERIFY(server.start());
        const QList<QByteArray> frames = {
            QByteArray("not zstd at all"), QByteArray::fromStdString(wire::compress("not protobuf \xff\xff")),
            QByteArray::fromStdString(wire::compress(std::string(1 << 20, 'x')).substr(0, 40)), // truncated
            QByteArray::fromStdString(wire::compress(std::string(64 << 20, '\0'))), // bomb
        };
        for (const QByteArray &frame : frames) {
            QWebSocket socket;
            QSignalSpy closed(&socket, &QWebSocket::disconnected);
            socket.open(QUrl(u"ws://127.0.0.1:%1/api/v1/sentinel"_s.arg(server.port)));
            QTRY_COMPARE(socket.state(), QAbstractSocket::ConnectedState);
            socket.sendBinaryMessage(frame);
            QTRY_COMPARE(closed.size(), 1);
        }
        // A batch before authenticating is refused too.
        QWebSocket early;
        QSignalSpy closed(&early, &QWebSocket::disconnected);
        early.open(QUrl(u"ws://127.0.0.1:%1/api/v1/sentinel"_s.arg(server.port)));
        QTRY_COMPARE(early.state(), QAbstractSocket::ConnectedState);
        v1::Envelope batch;
        batch.mutable_batch()->set_batch_sequence(1);
        early.sendBinaryMessage(QByteArray::fromStdString(wire::encodeEnvelope(batch)));
        QTRY_COMPARE(closed.size(), 1);
        QCOMPARE(server.storedEvents(), 0);
        QVERIFY(server.gateway->counters().refused >= 5);
    }
};

QTEST_GUILESS_MAIN(TestChannel)
#include "tst_channel.moc"
