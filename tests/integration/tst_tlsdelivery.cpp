// SPDX-License-Identifier: Apache-2.0
// The server's HTTPS listener with real processes: vanopticond with `server.tls` requiring client
// certificates from its CA, a sentinel that enrolls and delivers over wss:// with its own, and
// the connections that must not get through (plain HTTP, no client certificate, one from another
// CA), each refused by the handshake and counted in GET /metrics.
#include "support/daemonprocesses.h"
#include "support/markedlines.h"
#include "support/testcertificates.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>

using namespace vanopticon::testsupport;
using namespace Qt::StringLiterals;

class TestTlsDelivery : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    TestCertificates m_certificates;
    std::unique_ptr<ServerProcess> m_server;
    QProcess m_sentinel;
    double m_refusedHandshakes = 0; // counted after the refused connections

    QString path(const QString &name) const { return m_dir.filePath(name); }

    // Trusts the test CA only; presents `certificate` (none: no client certificate).
    QSslConfiguration clientTls(const QString &certificate) const {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromData(m_certificates.read(u"ca.pem"_s)));
        if (!certificate.isEmpty()) {
            tls.setLocalCertificateChain(QSslCertificate::fromData(m_certificates.read(certificate + u".pem"_s)));
            tls.setPrivateKey(QSslKey(m_certificates.read(certificate + u".key"_s), QSsl::Ec));
        }
        return tls;
    }

    // GET /api/v1/health at `url` with `tls`: the HTTP status, 0 when no answer came.
    static int healthStatus(const QString &url, const std::optional<QSslConfiguration> &tls) {
        QNetworkAccessManager nam;
        QNetworkRequest request(QUrl(url + u"/api/v1/health"_s));
        if (tls)
            request.setSslConfiguration(*tls);
        std::unique_ptr<QNetworkReply> reply(nam.get(request));
        if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 15000))
            return -1;
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }

    // An empty `log` and the configuration `name` of a sentinel that reads it, with `tlsLines`
    // in its transmitter: block.
    bool writeSentinelConfig(const QString &name, QFile &log, const QString &tlsLines) const {
        if (!log.open(QIODevice::WriteOnly))
            return false;
        log.close();
        QFile config(path(name));
        if (!config.open(QIODevice::WriteOnly))
            return false;
        const QByteArray text
            = u"collector:\n  sources:\n"
              u"    - {type: syslog, path: %1, format: rfc3164, start_at: beginning, poll_interval: 50ms}\n"
              u"transmitter:\n  batch_size: 100\n  batch_timeout: 20ms\n  initial_backoff: 100ms\n"
              u"  max_backoff: 500ms\n%2"_s.arg(log.fileName(), tlsLines)
                  .toUtf8();
        return config.write(text) == text.size();
    }

    double handshakeFailures() {
        const QString text = QString::fromUtf8(m_server->request("GET", u"/metrics"_s, {}, true).body);
        for (const QString &line : text.split(u'\n')) {
            if (line.startsWith(u"vanopticon_tls_handshake_failures_total "_s))
                return line.section(u' ', -1).toDouble();
        }
        return -1;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(m_certificates.create(), qPrintable(m_certificates.error()));
        m_server = std::make_unique<ServerProcess>(QStringLiteral(VANOPTICOND_PATH), path(u"server"_s));
        m_server->setClientTls(clientTls(u"client"_s));
        const QString started
            = m_server->start(u"  tls:\n    certificate: %1\n    private_key: %2\n    ca: %3\n"
                              u"    require_client_certificate: true\n"_s.arg(m_certificates.path(u"server.pem"_s),
                                  m_certificates.path(u"server.key"_s), m_certificates.path(u"ca.pem"_s)));
        QVERIFY2(started.isEmpty(), qPrintable(started));
        QVERIFY2(m_server->banner().contains(u"listening on https://127.0.0.1:"_s), qPrintable(m_server->banner()));
        QCOMPARE(handshakeFailures(), 0.0);
    }

    void cleanupTestCase() {
        if (m_sentinel.state() != QProcess::NotRunning) {
            m_sentinel.kill();
            m_sentinel.waitForFinished(5000);
        }
        if (m_server)
            QCOMPARE(m_server->stop(), QString());
    }

    // Each one is refused by the handshake, before any route sees it, and counted.
    void connectionsWithoutTheRightCertificateAreRefused() {
        const QString https = u"https://127.0.0.1:%1"_s.arg(m_server->port());
        const QString plain = u"http://127.0.0.1:%1"_s.arg(m_server->port());
        QCOMPARE(healthStatus(https, clientTls(u"client"_s)), 200);
        QCOMPARE(handshakeFailures(), 0.0);

        struct Attempt {
            const char *what;
            QString url;
            std::optional<QSslConfiguration> tls;
        };
        const Attempt attempts[]
            = {{"plain HTTP", plain, std::nullopt}, {"no client certificate", https, clientTls({})},
                {"a client certificate of another CA", https, clientTls(u"rogue"_s)}};
        // QNetworkAccessManager tries a failed connection more than once: each try is counted.
        for (const Attempt &attempt : attempts) {
            const double before = handshakeFailures();
            QCOMPARE(healthStatus(attempt.url, attempt.tls), 0);
            QVERIFY2(QTest::qWaitFor([&] { return handshakeFailures() > before; }, 5000),
                qPrintable(u"%1: %2 handshake failures counted before and after"_s.arg(
                    QString::fromLatin1(attempt.what), QString::number(before))));
        }
        m_refusedHandshakes = handshakeFailures();
    }

    // The sentinel trusts the CA, presents its certificate, enrolls and delivers over wss://.
    void aSentinelDeliversOverTls() {
        QFile log(path(u"auth.log"_s));
        QVERIFY(writeSentinelConfig(u"sentinel.yaml"_s, log,
            u"  tls:\n    ca: %1\n    certificate: %2\n    private_key: %3\n"_s.arg(m_certificates.path(u"ca.pem"_s),
                m_certificates.path(u"client.pem"_s), m_certificates.path(u"client.key"_s))));
        QString error;
        const QString token = m_server->enrollmentToken(u"tls node"_s, error);
        QVERIFY2(!token.isEmpty(), qPrintable(error));
        QVERIFY(m_server->webSocketUrl().startsWith(u"wss://"_s));
        startSentinel(m_sentinel, QStringLiteral(VANOPTICOND_PATH), path(u"sentinel.yaml"_s), path(u"sentinel"_s),
            m_server->webSocketUrl(), token);
        QVERIFY(m_sentinel.waitForStarted(10000));

        const QString marker = u"tls-check"_s;
        const QByteArray lines = markedAuthLines(0, 2000, marker);
        QVERIFY(log.open(QIODevice::Append));
        QCOMPARE(log.write(lines), lines.size());
        log.close();
        QVERIFY2(
            QTest::qWaitFor([&] { return storedMarkedUsers(m_server->databasePath(), marker).size() >= 2000; }, 20000),
            qPrintable(u"stored %1 of 2000"_s.arg(storedMarkedUsers(m_server->databasePath(), marker).size())));
        QCOMPARE(storedMarkedUsers(m_server->databasePath(), marker), markedUsers(2000, marker));
        const auto [status, nodes] = m_server->call("GET", u"/api/v1/nodes"_s);
        QCOMPARE(status, 200);
        QVERIFY2(QJsonDocument(nodes).toJson().contains("\"online\""), QJsonDocument(nodes).toJson().constData());
        // The sentinel's connection and the API calls were not counted as failures.
        QCOMPARE(handshakeFailures(), m_refusedHandshakes);
    }

    // The server's own sentinel (server.local_sentinel) connects to its listener by address
    // over wss://. It trusts the listener's own certificate, here a self-signed one for another
    // name (rogue.example), and delivers; the connection is not a handshake failure.
    void theServersOwnSentinelDeliversOverItsTls() {
        QFile log(path(u"own.log"_s));
        QVERIFY(writeSentinelConfig(u"own-sentinel.yaml"_s, log, {}));

        ServerProcess own(QStringLiteral(VANOPTICOND_PATH), path(u"own-server"_s));
        const QList<QSslCertificate> certificate = QSslCertificate::fromPath(m_certificates.path(u"rogue.pem"_s));
        QCOMPARE(certificate.size(), 1);
        QSslConfiguration trust = QSslConfiguration::defaultConfiguration();
        trust.setCaCertificates(certificate);
        own.setClientTls(trust);
        own.setIgnoredSslErrors({QSslError(QSslError::HostNameMismatch, certificate.first())});
        const QString started
            = own.start(u"  local_sentinel: %1\n  tls:\n    certificate: %2\n    private_key: %3\n"_s.arg(
                path(u"own-sentinel.yaml"_s), m_certificates.path(u"rogue.pem"_s),
                m_certificates.path(u"rogue.key"_s)));
        QVERIFY2(started.isEmpty(), qPrintable(started));

        const QString marker = u"own-tls"_s;
        const QByteArray lines = markedAuthLines(0, 500, marker);
        QVERIFY(log.open(QIODevice::Append));
        QCOMPARE(log.write(lines), lines.size());
        log.close();
        QVERIFY2(QTest::qWaitFor([&] { return storedMarkedUsers(own.databasePath(), marker).size() >= 500; }, 20000),
            qPrintable(u"stored %1 of 500"_s.arg(storedMarkedUsers(own.databasePath(), marker).size())));
        QCOMPARE(storedMarkedUsers(own.databasePath(), marker), markedUsers(500, marker));
        const auto [status, health] = own.call("GET", u"/api/v1/health"_s);
        QCOMPARE(status, 200);
        QVERIFY2(
            QJsonDocument(health).toJson(QJsonDocument::Compact).contains("\"local_sentinel\",\"status\":\"healthy\""),
            QJsonDocument(health).toJson().constData());
        QCOMPARE(own.stop(), QString());
    }
};

QTEST_GUILESS_MAIN(TestTlsDelivery)
#include "tst_tlsdelivery.moc"
