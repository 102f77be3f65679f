// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/syslognet/syslogtcpsource.h"
#include "support/testcertificates.h"

#include <QJsonArray>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

namespace {

constexpr std::int64_t kNowNs = 1'795'435'200'000'000'000; // 2026-11-23T12:00:00Z

QByteArray bytes(std::string_view text) {
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

QByteArray valueOf(const Event &event, std::string_view name) {
    const auto id = FieldRegistry::instance().find(name);
    return id && event.has(*id) ? bytes(event.value(*id)) : QByteArray("<absent>");
}

SyslogTcpConfig loopback(std::size_t maxMessageBytes = 2048, std::size_t maxConnections = 16) {
    SyslogTcpConfig config;
    config.listen.address = QHostAddress::LocalHost;
    config.listen.port = 0;
    config.maxMessageBytes = maxMessageBytes;
    config.maxConnections = maxConnections;
    config.idleTimeout = std::chrono::seconds(60);
    return config;
}

struct Collected {
    QList<QByteArray> messages;
    QList<QByteArray> hosts;
    QList<QByteArray> sources;
    QList<QByteArray> eventTypes;
};

void collect(Source &source, Collected &collected) {
    source.setSink([&collected](Delivery &&delivery) {
        for (const Event &event : delivery.events.events()) {
            collected.messages.append(valueOf(event, "message"));
            collected.hosts.append(valueOf(event, "host"));
            collected.sources.append(valueOf(event, "log_source_ip"));
            collected.eventTypes.append(valueOf(event, "event_type"));
        }
    });
}

QByteArray counted(const QByteArray &message) {
    return QByteArray::number(message.size()) + ' ' + message;
}

std::unique_ptr<QTcpSocket> connectTo(quint16 port) {
    auto socket = std::make_unique<QTcpSocket>();
    socket->connectToHost(QHostAddress::LocalHost, port);
    if (!socket->waitForConnected(5000))
        return nullptr;
    return socket;
}

// A fake steady clock for idle timeouts.
struct FakeClock {
    std::int64_t ms = 1'000'000;
};

} // namespace

class TestSyslogTcpSource : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_certificates.create(), qPrintable(m_certificates.error())); }

    // Two connections, one counting octets (messages with LF inside), one ending them with LF
    // and written in pieces that cut messages apart.
    void bothFramings() {
        SyslogTcpSource source(loopback(), SyslogContext {});
        QCOMPARE(source.name(), std::string("syslog_tcp:127.0.0.1:0"));
        QVERIFY(source.canPause());
        Collected collected;
        collect(source, collected);
        source.start();
        QVERIFY2(source.isListening(), source.lastError().c_str());

        auto octets = connectTo(source.port());
        auto lines = connectTo(source.port());
        QVERIFY(octets && lines);
        octets->write(counted("<13>1 - web1 app - - - first\nline") + counted("<13>1 - web1 app - - - second"));
        QTRY_COMPARE(collected.messages.size(), 2);
        QCOMPARE(collected.messages, (QList<QByteArray> {"first\nline", "second"}));

        const QByteArray stream = "<38>Nov 23 10:15:30 web2 sshd[77]: Failed password for root from 203.0.113.7 port "
                                  "52144 ssh2\r\n<13>1 - - app - - - third\n";
        for (qsizetype at = 0; at < stream.size(); at += 7) {
            lines->write(stream.mid(at, 7));
            lines->flush();
            QTest::qWait(1);
        }
        QTRY_COMPARE(collected.messages.size(), 4);
        QCOMPARE(collected.eventTypes, (QList<QByteArray> {"syslog", "syslog", "auth_failed", "syslog"}));
        QCOMPARE(collected.hosts, (QList<QByteArray> {"web1", "web1", "web2", "127.0.0.1"}));
        QCOMPARE(collected.sources, (QList<QByteArray> {"127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.1"}));
        QCOMPARE(source.connectionCount(), std::size_t(2));
        QCOMPARE(source.counters().in, 4u);

        const QJsonObject status = source.status();
        QCOMPARE(status[u"accepted"_s].toInt(), 2);
        QCOMPARE(status[u"connections"_s].toInt(), 2);
        const QJsonObject peer = status[u"peers"_s].toArray()[0].toObject();
        QCOMPARE(peer[u"address"_s].toString(), u"127.0.0.1"_s);
        QCOMPARE(peer[u"connections"_s].toInt(), 2);
        QCOMPARE(peer[u"messages"_s].toInt(), 4);

        // A last LF-framed message without its LF is complete when the peer closes.
        lines->write("<13>1 - - app - - - last words");
        lines->disconnectFromHost();
        QTRY_COMPARE(collected.messages.size(), 5);
        QCOMPARE(collected.messages.back(), QByteArray("last words"));
        QTRY_COMPARE(source.connectionCount(), std::size_t(1));
    }

    void malformedInputIsCounted() {
        SyslogTcpSource source(loopback(480), SyslogContext {});
        Collected collected;
        collect(source, collected);
        source.start();
        auto client = connectTo(source.port());
        QVERIFY(client);
        const QByteArray stream = counted("<13>1 - h a - - - ok") + counted(QByteArray(481, 'x')) + "12x garbage\n"
            + "<999>bad pri\n" + "<13>1 - h a - - - after\n";
        client->write(stream);
        QTRY_COMPARE(collected.messages.size(), 2);
        QCOMPARE(collected.messages, (QList<QByteArray> {"ok", "after"}));
        QTRY_COMPARE(source.status()[u"parse_errors"_s].toInt(), 1);
        const QJsonObject status = source.status();
        QCOMPARE(status[u"oversized"_s].toInt(), 1);
        QCOMPARE(status[u"bad_length_prefixes"_s].toInt(), 1);
        // Every frame counts in, the oversized one and the garbage too: in = out + dropped + errors.
        QCOMPARE(source.counters().in, 5u);
        QCOMPARE(source.counters().out, 2u);
        QCOMPARE(source.counters().dropped, 1u);
        QCOMPARE(source.counters().errors, 2u); // the length prefix and the PRI
        QCOMPARE(source.parser().recentErrors().back().message, std::string("<999>bad pri"));

        // A counted frame the peer does not finish is lost, and counted.
        auto cut = connectTo(source.port());
        QVERIFY(cut);
        const QByteArray cutShort = "100 <13>1 - h a - - - cut short";
        cut->write(cutShort);
        cut->flush();
        QTRY_COMPARE(source.peers().busiest(1)[0].toObject()[u"bytes"_s].toInt(), stream.size() + cutShort.size());
        cut->disconnectFromHost();
        QTRY_COMPARE(source.status()[u"truncated_at_close"_s].toInt(), 1);
        QCOMPARE(source.counters().in, 6u);
        QCOMPARE(source.counters().dropped, 2u);
        QCOMPARE(collected.messages.size(), 2);
    }

    void connectionLimit() {
        SyslogTcpSource source(loopback(2048, 2), SyslogContext {});
        Collected collected;
        collect(source, collected);
        source.start();
        auto first = connectTo(source.port());
        auto second = connectTo(source.port());
        QVERIFY(first && second);
        QTRY_COMPARE(source.connectionCount(), std::size_t(2));
        auto third = connectTo(source.port());
        QVERIFY(third); // the kernel accepts; the source closes it at once
        QTRY_COMPARE(third->state(), QAbstractSocket::UnconnectedState);
        QTRY_COMPARE(source.status()[u"rejected"_s].toInt(), 1);
        QCOMPARE(source.connectionCount(), std::size_t(2));
        QCOMPARE(source.status()[u"peers"_s].toArray()[0].toObject()[u"rejected"_s].toInt(), 1);

        // Once one goes, a new one is taken.
        first->disconnectFromHost();
        QTRY_COMPARE(source.connectionCount(), std::size_t(1));
        auto fourth = connectTo(source.port());
        QVERIFY(fourth);
        fourth->write("<13>1 - h a - - - fourth\n");
        QTRY_COMPARE(collected.messages, (QList<QByteArray> {"fourth"}));
    }

    // Idleness is measured on an injected clock: a connection silent for idle_timeout is closed,
    // one that spoke since is not.
    void idleConnectionsAreClosed() {
        SyslogTcpConfig config = loopback();
        config.idleTimeout = std::chrono::seconds(30);
        SyslogTcpSource source(config, SyslogContext {});
        FakeClock clock;
        source.setClock([] { return kNowNs; }, [&clock] { return clock.ms; });
        Collected collected;
        collect(source, collected);
        source.start();
        auto silent = connectTo(source.port());
        auto talkative = connectTo(source.port());
        QVERIFY(silent && talkative);
        QTRY_COMPARE(source.connectionCount(), std::size_t(2));

        clock.ms += 20'000;
        talkative->write("<13>1 - h a - - - still here\n");
        QTRY_COMPARE(collected.messages.size(), 1);
        clock.ms += 10'000; // silent: 30 s; talkative: 10 s
        source.closeIdleConnections();
        QCOMPARE(source.connectionCount(), std::size_t(1));
        QCOMPARE(source.status()[u"idle_closed"_s].toInt(), 1);
        QTRY_COMPARE(silent->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(talkative->state(), QAbstractSocket::ConnectedState);

        // While paused, silence is the source's own doing: nobody is closed.
        source.stop();
        clock.ms += 3'600'000;
        source.closeIdleConnections();
        QCOMPARE(source.connectionCount(), std::size_t(1));
        source.start();
        source.closeIdleConnections();
        QCOMPARE(source.connectionCount(), std::size_t(1));
    }

    // Paused: nothing is read or accepted, TCP holds the senders back; resumed: all of it arrives.
    void pauseHoldsTheSendersBack() {
        SyslogTcpSource source(loopback(), SyslogContext {});
        Collected collected;
        collect(source, collected);
        source.start();
        auto client = connectTo(source.port());
        QVERIFY(client);
        QTRY_COMPARE(source.connectionCount(), std::size_t(1));
        source.stop();
        QByteArray stream;
        for (int i = 0; i < 2000; ++i)
            stream += "<13>1 - h a - - - held " + QByteArray::number(i) + "\n";
        client->write(stream);
        auto late = connectTo(source.port()); // waits in the backlog
        QVERIFY(late);
        QTest::qWait(200);
        QVERIFY(collected.messages.isEmpty());
        QCOMPARE(source.connectionCount(), std::size_t(1));
        QVERIFY(source.status()[u"paused"_s].toBool());

        source.start();
        QTRY_COMPARE(collected.messages.size(), 2000);
        QCOMPARE(collected.messages.front(), QByteArray("held 0"));
        QCOMPARE(collected.messages.back(), QByteArray("held 1999"));
        QTRY_COMPARE(source.connectionCount(), std::size_t(2));
        late->write("<13>1 - h a - - - late\n");
        QTRY_COMPARE(collected.messages.size(), 2001);
    }

    void tls() {
        SyslogTcpConfig config = loopback();
        config.tls = tlsConfig(false);
        SyslogTcpSource source(config, SyslogContext {});
        Collected collected;
        collect(source, collected);
        source.start();

        QSslSocket client;
        trustTestCa(client);
        client.connectToHostEncrypted(u"127.0.0.1"_s, source.port());
        // The source shares this thread: waitForEncrypted() would block the server's half of the
        // handshake, so the event loop runs while the client waits.
        QTRY_VERIFY2(client.isEncrypted(), qPrintable(client.errorString()));
        QVERIFY(client.sslHandshakeErrors().isEmpty());
        QCOMPARE(client.peerCertificate().subjectInfo(QSslCertificate::CommonName), QStringList {u"localhost"_s});
        client.write(counted("<13>1 - web1 app - - - over TLS") + counted("<13>1 - web1 app - - - again"));
        QTRY_COMPARE(collected.messages, (QList<QByteArray> {"over TLS", "again"}));
        QCOMPARE(source.status()[u"tls"_s].toBool(), true);
        QCOMPARE(source.status()[u"tls_failures"_s].toInt(), 0);

        // Plain text to a TLS port is not a handshake: refused, counted, nothing parsed.
        auto plain = connectTo(source.port());
        QVERIFY(plain);
        plain->write("<13>1 - web1 app - - - in clear\n");
        QTRY_COMPARE(source.status()[u"tls_failures"_s].toInt(), 1);
        QCOMPARE(collected.messages.size(), 2);
        QCOMPARE(source.status()[u"parse_errors"_s].toInt(), 0);
        QVERIFY2(source.lastTlsError().starts_with("127.0.0.1: "), source.lastTlsError().c_str());
        QTRY_COMPARE(plain->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(client.state(), QAbstractSocket::ConnectedState);
    }

    // A peer that connects and never says a word holds its slot for the handshake timeout only,
    // however long the idle timeout.
    void tlsHandshakeTimeout() {
        SyslogTcpConfig config = loopback();
        config.tls = tlsConfig(false);
        config.idleTimeout = std::chrono::minutes(5);
        SyslogTcpSource source(config, SyslogContext {});
        FakeClock clock;
        source.setClock([] { return kNowNs; }, [&clock] { return clock.ms; });
        source.start();
        auto mute = connectTo(source.port());
        QVERIFY(mute);
        QTRY_COMPARE(source.connectionCount(), std::size_t(1));

        clock.ms += SyslogTcpSource::kTlsHandshakeTimeout.count() - 1;
        source.closeIdleConnections();
        QCOMPARE(source.connectionCount(), std::size_t(1));
        clock.ms += 1;
        source.closeIdleConnections();
        QCOMPARE(source.connectionCount(), std::size_t(0));
        QCOMPARE(source.status()[u"idle_closed"_s].toInt(), 1);
        QCOMPARE(source.status()[u"tls_failures"_s].toInt(), 1);
        QCOMPARE(source.lastTlsError(), std::string("127.0.0.1: no TLS handshake within 10 s"));
        QTRY_COMPARE(mute->state(), QAbstractSocket::UnconnectedState);
    }

    void tlsClientCertificates_data() {
        QTest::addColumn<QString>("certificate"); // empty: none
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QString>("reason"); // in lastTlsError() when refused
        QTest::addRow("signed by the ca") << "client" << true << "";
        QTest::addRow("none") << "" << false << "did not present any certificate";
        QTest::addRow("self-signed") << "rogue" << false << "self-signed";
    }
    void tlsClientCertificates() {
        QFETCH(QString, certificate);
        QFETCH(bool, accepted);
        QFETCH(QString, reason);
        SyslogTcpConfig config = loopback();
        config.tls = tlsConfig(true);
        SyslogTcpSource source(config, SyslogContext {});
        Collected collected;
        collect(source, collected);
        source.start();

        QSslSocket client;
        trustTestCa(client);
        if (!certificate.isEmpty()) {
            client.setLocalCertificate(
                QSslCertificate(m_certificates.read(QString(certificate + u".pem"_s)), QSsl::Pem));
            client.setPrivateKey(QSslKey(m_certificates.read(QString(certificate + u".key"_s)), QSsl::Ec));
        }
        client.connectToHostEncrypted(u"127.0.0.1"_s, source.port());
        // Written before the handshake ends: the client sends it once encrypted. With TLS 1.3 the
        // client may finish its side before the server has checked the certificate.
        client.write("<13>1 - web1 app - - - hello\n");
        if (accepted) {
            QTRY_VERIFY2(client.isEncrypted(), qPrintable(client.errorString()));
            QTRY_COMPARE(collected.messages, (QList<QByteArray> {"hello"}));
            QCOMPARE(source.connectionCount(), std::size_t(1));
            QCOMPARE(source.status()[u"tls_failures"_s].toInt(), 0);
            QCOMPARE(source.lastTlsError(), std::string());
        } else {
            QTRY_COMPARE(source.status()[u"tls_failures"_s].toInt(), 1);
            QTRY_COMPARE(source.connectionCount(), std::size_t(0));
            QTRY_COMPARE(client.state(), QAbstractSocket::UnconnectedState);
            QVERIFY(collected.messages.isEmpty());
            QVERIFY2(
                source.lastTlsError().find(reason.toStdString()) != std::string::npos, source.lastTlsError().c_str());
            QCOMPARE(source.status()[u"parse_errors"_s].toInt(), 0);
        }
    }

    void listenFailureIsReported() {
        SyslogTcpSource first(loopback(), SyslogContext {});
        first.start();
        QVERIFY(first.isListening());
        SyslogTcpConfig taken = loopback();
        taken.listen.port = first.port();
        SyslogTcpSource second(taken, SyslogContext {});
        second.start();
        QVERIFY(!second.isListening());
        QVERIFY2(
            second.lastError().find("cannot listen on 127.0.0.1:") != std::string::npos, second.lastError().c_str());
        QVERIFY(!second.status()[u"error"_s].toString().isEmpty());
    }

    // Going away with connections open (shutdown) closes them without touching a dead source.
    void destroyedWithOpenConnections() {
        std::unique_ptr<QTcpSocket> client;
        {
            SyslogTcpSource source(loopback(), SyslogContext {});
            Collected collected;
            collect(source, collected);
            source.start();
            client = connectTo(source.port());
            QVERIFY(client);
            client->write("<13>1 - h a - - - partial");
            QTRY_COMPARE(source.connectionCount(), std::size_t(1));
        }
        QTRY_COMPARE(client->state(), QAbstractSocket::UnconnectedState);
        QTest::qWait(50); // queued events of the gone source run now, harmlessly
    }

private:
    SyslogTlsConfig tlsConfig(bool requireClientCertificate) const {
        SyslogTlsConfig tls;
        tls.certificateChain = QSslCertificate::fromData(m_certificates.read(u"server.pem"_s), QSsl::Pem);
        tls.privateKey = QSslKey(m_certificates.read(u"server.key"_s), QSsl::Ec);
        if (requireClientCertificate) {
            tls.caCertificates = QSslCertificate::fromData(m_certificates.read(u"ca.pem"_s), QSsl::Pem);
            tls.requireClientCertificate = true;
        }
        return tls;
    }

    void trustTestCa(QSslSocket &client) const {
        QSslConfiguration configuration = client.sslConfiguration();
        configuration.setCaCertificates(QSslCertificate::fromData(m_certificates.read(u"ca.pem"_s), QSsl::Pem));
        client.setSslConfiguration(configuration);
    }

    TestCertificates m_certificates;
};

QTEST_GUILESS_MAIN(TestSyslogTcpSource)
#include "tst_syslogtcpsource.moc"
