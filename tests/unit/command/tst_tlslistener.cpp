// SPDX-License-Identifier: Apache-2.0
// The HTTPS listener's account of failed handshakes: a peer that is not TLS, one that never
// starts, and one the listener does not trust are each counted once with a reason; a good
// handshake is not counted and its connection is handed on.
#include "command/http/tlslistener.h"
#include "support/testcertificates.h"

#include <QSslKey>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using vanopticon::command::TlsListener;

class TestTlsListener : public QObject {
    Q_OBJECT

    TestCertificates m_certificates;
    std::unique_ptr<TlsListener> m_listener;

    QSslConfiguration clientTls(const QString &certificate) const {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromData(m_certificates.read(u"ca.pem"_s)));
        tls.setLocalCertificateChain(QSslCertificate::fromData(m_certificates.read(certificate + u".pem"_s)));
        tls.setPrivateKey(QSslKey(m_certificates.read(certificate + u".key"_s), QSsl::Ec));
        return tls;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_certificates.create(), qPrintable(m_certificates.error())); }

    void init() {
        QSslConfiguration server = QSslConfiguration::defaultConfiguration();
        server.setLocalCertificateChain(QSslCertificate::fromData(m_certificates.read(u"server.pem"_s)));
        server.setPrivateKey(QSslKey(m_certificates.read(u"server.key"_s), QSsl::Ec));
        server.setCaCertificates(QSslCertificate::fromData(m_certificates.read(u"ca.pem"_s)));
        server.setPeerVerifyMode(QSslSocket::VerifyPeer);
        m_listener = std::make_unique<TlsListener>(server);
        QCOMPARE(m_listener->handshakeTimeout(), TlsListener::kHandshakeTimeoutMs);
        QVERIFY(m_listener->listen(QHostAddress::LocalHost));
    }

    void plainTextIsCountedOnce() {
        QTcpSocket plain;
        plain.connectToHost(QHostAddress::LocalHost, m_listener->serverPort());
        QVERIFY(plain.waitForConnected(5000));
        plain.write("GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QTRY_COMPARE(m_listener->handshakeFailures(), quint64(1));
        QCOMPARE(m_listener->lastError(), u"127.0.0.1: not a TLS connection (plain HTTP on the HTTPS port?)"_s);
        QTRY_COMPARE(plain.state(), QAbstractSocket::UnconnectedState);
        QTest::qWait(100);
        QCOMPARE(m_listener->handshakeFailures(), quint64(1));
        QVERIFY(!m_listener->hasPendingConnections());
    }

    void aSilentPeerTimesOut() {
        m_listener->setHandshakeTimeout(200);
        QTcpSocket silent;
        silent.connectToHost(QHostAddress::LocalHost, m_listener->serverPort());
        QVERIFY(silent.waitForConnected(5000));
        QTRY_COMPARE(m_listener->handshakeFailures(), quint64(1));
        QCOMPARE(m_listener->lastError(), u"127.0.0.1: no TLS handshake within 0.2 s"_s);
        QTRY_COMPARE(silent.state(), QAbstractSocket::UnconnectedState);
    }

    void anUntrustedClientIsCountedWithTheReason() {
        QSslSocket rogue;
        rogue.setSslConfiguration(clientTls(u"rogue"_s));
        rogue.connectToHostEncrypted(u"localhost"_s, m_listener->serverPort());
        QTRY_COMPARE(m_listener->handshakeFailures(), quint64(1));
        QVERIFY2(m_listener->lastError().contains(u"self-signed"_s), qPrintable(m_listener->lastError()));
        QVERIFY(!rogue.isEncrypted());
        QVERIFY(!m_listener->hasPendingConnections());
    }

    void aGoodHandshakeIsHandedOnAndNotCounted() {
        QSslSocket client;
        client.setSslConfiguration(clientTls(u"client"_s));
        client.connectToHostEncrypted(u"localhost"_s, m_listener->serverPort());
        QTRY_VERIFY(m_listener->hasPendingConnections());
        QTRY_VERIFY(client.isEncrypted());
        std::unique_ptr<QTcpSocket> accepted(m_listener->nextPendingConnection());
        QVERIFY(qobject_cast<QSslSocket *>(accepted.get())->isEncrypted());
        client.disconnectFromHost();
        QTRY_COMPARE(accepted->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(m_listener->handshakeFailures(), quint64(0));
        QVERIFY(m_listener->lastError().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestTlsListener)
#include "tst_tlslistener.moc"
