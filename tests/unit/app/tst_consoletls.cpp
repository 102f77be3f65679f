// SPDX-License-Identifier: Apache-2.0
// The console against a server whose certificate a private CA signed (--ca-file): refused until
// the CA is trusted, then logged in and live over wss://. A test binary of its own: trusting
// changes the process's default TLS configuration.
#include "backendclient.h"
#include "fakeserver.h"
#include "support/testcertificates.h"
#include "trustedauthorities.h"

#include <QSslKey>
#include <QTest>

#include <memory>

#include <QCoroTask>

using namespace vanopticon::console;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

class TestConsoleTls : public QObject {
    Q_OBJECT

    TestCertificates m_certificates;

    QSslConfiguration serverTls() const {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificate(QSslCertificate(m_certificates.read(u"server.pem"_s)));
        tls.setPrivateKey(QSslKey(m_certificates.read(u"server.key"_s), QSsl::Ec));
        tls.setPeerVerifyMode(QSslSocket::VerifyNone); // the server asks for no client certificate
        return tls;
    }

    static std::unique_ptr<BackendClient> clientFor(const FakeServer &server) {
        auto client = std::make_unique<BackendClient>();
        client->setServerUrl(server.url());
        client->setReconnectDelays(20ms, 100ms);
        return client;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_certificates.create(), qPrintable(m_certificates.error())); }

    void aFileWithoutCertificatesIsRefused() {
        const QString missing = trustCertificateAuthorities(m_certificates.path(u"missing.pem"_s));
        QVERIFY2(missing.contains(u"missing.pem"_s), qPrintable(missing));
        // A private key is PEM too, but no certificate.
        const QString refused = trustCertificateAuthorities(m_certificates.path(u"ca.key"_s));
        QVERIFY2(refused.contains(u"no PEM certificate"_s), qPrintable(refused));
        QVERIFY(!QSslConfiguration::defaultConfiguration().caCertificates().contains(
            QSslCertificate(m_certificates.read(u"ca.pem"_s))));
    }

    void aTrustedPrivateCaLetsTheConsoleIn() {
        FakeServer server(serverTls());
        QCOMPARE(server.url().scheme(), u"https"_s);
        {
            // Unknown to the system, the server's certificate is refused: no login, a visible reason.
            auto untrusting = clientFor(server);
            QVERIFY(!QCoro::waitFor(untrusting->authenticate(u"admin"_s, FakeServer::kPassword)));
            QVERIFY(!untrusting->loggedIn());
            QVERIFY2(untrusting->lastError().contains(u"SSL handshake failed"_s), qPrintable(untrusting->lastError()));
        }

        // As main() does for --ca-file, before the client exists (a network manager keeps the TLS
        // configuration of the connections it opened).
        QCOMPARE(trustCertificateAuthorities(m_certificates.path(u"ca.pem"_s)), QString());
        auto client = clientFor(server);
        QVERIFY(QCoro::waitFor(client->authenticate(u"admin"_s, FakeServer::kPassword)));
        QVERIFY(client->loggedIn());
        // The live stream trusts it too: WebSocket over TLS.
        QVERIFY(QTest::qWaitFor([&] { return client->connected(); }, 10'000));
        QCOMPARE(client->transport(), u"websocket"_s);
        QCOMPARE(server.openStreams(), 1);
    }
};

QTEST_GUILESS_MAIN(TestConsoleTls)
#include "tst_consoletls.moc"
