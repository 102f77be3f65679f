// SPDX-License-Identifier: Apache-2.0
// The transmitter: block as a sentinel reads it at start: endpoints with weights, max_attempts,
// and the errors that name the setting at fault.
#include "sentinel/sentinel.h"
#include "support/testcertificates.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

class TestTransmitterConfig : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_case = 0;

    // Creates a sentinel whose transmitter: block is `transmitter`; the error, or "". `server`
    // stands for what the server gives its in-process sentinel (the URL and its TLS listener).
    QString create(const QString &transmitter, const SentinelOptions &server = {}) {
        const QString config = m_dir.filePath(u"sentinel-%1.yaml"_s.arg(++m_case));
        QFile file(config);
        if (!file.open(QIODevice::WriteOnly))
            return u"cannot write the configuration"_s;
        file.write(u"collector:\n  sources:\n    - {type: syslog, path: %1, format: rfc3164}\ntransmitter:\n%2"_s
                       .arg(m_dir.filePath(u"auth.log"_s), transmitter)
                       .toUtf8());
        file.close();
        SentinelOptions options = server;
        options.configPath = config;
        options.stateDir = m_dir.filePath(u"state-%1"_s.arg(m_case));
        auto sentinel = Sentinel::create(options);
        return sentinel ? QString() : QString::fromStdString(sentinel.error().message);
    }

private Q_SLOTS:
    // The configuration shipped for a Debian host loads as it is (its transmitter block with the
    // rest: a damaged file must not reach a release).
    void theShippedConfigurationLoads() {
        SentinelOptions options;
        options.configPath = QStringLiteral(VANOPTICON_SOURCE_DIR "/resources/config/sentinel.yaml");
        options.stateDir = m_dir.filePath(u"shipped"_s);
        auto sentinel = Sentinel::create(options);
        QVERIFY2(sentinel.ok(), sentinel ? "" : sentinel.error().message.c_str());
    }

    void endpointsAreAccepted() {
        QCOMPARE(create(u"  endpoints:\n    - {url: ws://a.example:8470, weight: 3}\n"
                        u"    - {url: wss://b.example:8470}\n  max_attempts: 5\n"_s),
            QString());
        QCOMPARE(create(u"  server: ws://a.example:8470\n  compression_level: 19\n"_s), QString());
    }

    // tls: the CA file and a client certificate, for wss servers only; a key that is not the
    // certificate's is refused at start.
    void tlsFilesAreChecked() {
        TestCertificates certificates;
        QVERIFY2(certificates.create(), qPrintable(certificates.error()));
        const QString files = u"  tls:\n    ca: %1\n    certificate: %2\n    private_key: %3\n"_s.arg(
            certificates.path(u"ca.pem"_s), certificates.path(u"client.pem"_s), certificates.path(u"client.key"_s));
        QCOMPARE(create(u"  server: wss://siem.example:8470\n"_s + files), QString());
        QCOMPARE(create(u"  endpoints:\n    - {url: wss://a.example:8470}\n  tls:\n    ca: %1\n"_s.arg(
                     certificates.path(u"ca.pem"_s))),
            QString());
        QString message = create(u"  server: ws://siem.example:8470\n"_s + files);
        QVERIFY2(message.contains(u"wss:// servers only"), qPrintable(message));
        message = create(u"  server: wss://siem.example:8470\n  tls:\n    certificate: %1\n    private_key: %2\n"_s.arg(
            certificates.path(u"client.pem"_s), certificates.path(u"rogue.key"_s)));
        QVERIFY2(
            message.contains(u"transmitter.tls.private_key") && message.contains(u"not the one of the certificate"),
            qPrintable(message));
        message = create(u"  server: wss://siem.example:8470\n  tls:\n    ca: relative.pem\n"_s);
        QVERIFY2(message.contains(u"absolute path"), qPrintable(message));
    }

    // The server's own sentinel on its TLS listener: a listener that requires client
    // certificates needs one in transmitter.tls, named in the error when it is missing.
    void theServersOwnSentinelOnTls() {
        TestCertificates certificates;
        QVERIFY2(certificates.create(), qPrintable(certificates.error()));
        SentinelOptions server;
        server.server = QUrl(u"wss://127.0.0.1:8470"_s);
        server.serverCertificateChain = QSslCertificate::fromPath(certificates.path(u"server.pem"_s));
        QCOMPARE(server.serverCertificateChain.size(), 1);
        QCOMPARE(create(u"  batch_size: 100\n"_s, server), QString());

        server.serverRequiresClientCertificate = true;
        QString message = create(u"  batch_size: 100\n"_s, server);
        QVERIFY2(message.contains(u"transmitter") && message.contains(u"requires a client certificate"),
            qPrintable(message));
        message = create(u"  tls:\n    ca: %1\n"_s.arg(certificates.path(u"ca.pem"_s)), server);
        QVERIFY2(message.contains(u"requires a client certificate"), qPrintable(message));
        QCOMPARE(create(u"  tls:\n    certificate: %1\n    private_key: %2\n"_s.arg(
                            certificates.path(u"client.pem"_s), certificates.path(u"client.key"_s)),
                     server),
            QString());
    }

    void mistakesAreNamed_data() {
        QTest::addColumn<QString>("transmitter");
        QTest::addColumn<QString>("error");
        QTest::addRow("both") << u"  server: ws://a.example:8470\n  endpoints:\n    - {url: ws://b.example:8470}\n"_s
                              << u"either server or endpoints"_s;
        QTest::addRow("empty list") << u"  endpoints: []\n"_s << u"lists no endpoint"_s;
        QTest::addRow("bad url") << u"  endpoints:\n    - {url: http://a.example:8470}\n"_s
                                 << u"transmitter.endpoints[0].url"_s;
        QTest::addRow("weight") << u"  endpoints:\n    - {url: ws://a.example:8470, weight: 0}\n"_s
                                << u"transmitter.endpoints[0].weight"_s;
        QTest::addRow("unknown key") << u"  endpoints:\n    - {url: ws://a.example:8470, priority: 1}\n"_s
                                     << u"priority"_s;
        QTest::addRow("attempts") << u"  server: ws://a.example:8470\n  max_attempts: 0\n"_s
                                  << u"transmitter.max_attempts"_s;
        QTest::addRow("none") << u"  batch_size: 100\n"_s << u"no server"_s;
        QTest::addRow("level 0") << u"  server: ws://a.example:8470\n  compression_level: 0\n"_s
                                 << u"transmitter.compression_level"_s;
        QTest::addRow("level 20") << u"  server: ws://a.example:8470\n  compression_level: 20\n"_s
                                  << u"transmitter.compression_level"_s;
    }

    void mistakesAreNamed() {
        QFETCH(QString, transmitter);
        QFETCH(QString, error);
        const QString message = create(transmitter);
        QVERIFY2(message.contains(error), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestTransmitterConfig)
#include "tst_transmitterconfig.moc"
