// SPDX-License-Identifier: Apache-2.0
#include "livestream.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <vector>

using namespace vanopticon::console;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

// A bare HTTP/1.1 server of the kind a WebSocket-unaware proxy puts in front of the API: it
// answers the upgrade with a 404 and keeps the connection open, and serves /api/v1/stream as
// Server-Sent Events (one event, then silence).
class BareServer : public QObject {
public:
    BareServer() {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                m_sockets.emplace_back(socket);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { answer(socket); });
            }
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }

    QUrl url() const { return QUrl(u"http://127.0.0.1:%1"_s.arg(m_server.serverPort())); }

    int upgradeRequests = 0;
    int streamRequests = 0;
    QByteArray lastStreamRequest;

private:
    void answer(QTcpSocket *socket) {
        const QByteArray request = socket->readAll();
        if (request.startsWith("GET /api/v1/ws ")) {
            ++upgradeRequests;
            socket->write("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nnot here\n");
        } else if (request.startsWith("GET /api/v1/stream ")) {
            ++streamRequests;
            lastStreamRequest = request;
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
                          ": hello\n\n"
                          "id: 1\nevent: approval.requested\ndata: {\"id\": 3, \"status\": \"pending\"}\n\n");
        }
    }

    QTcpServer m_server;
    std::vector<std::unique_ptr<QTcpSocket>> m_sockets;
};

} // namespace

class TestLiveStream : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void refusedUpgradeFallsBackToTheEventStreamAtOnce() {
        BareServer server;
        QNetworkAccessManager network;
        LiveStream stream(&network);
        stream.setReconnectDelays(20ms, 100ms);
        QSignalSpy notifications(&stream, &LiveStream::notificationReceived);
        stream.start(server.url(), "vo_token");

        // Well inside the 10 s a silent handshake would be given.
        QTRY_VERIFY_WITH_TIMEOUT(stream.isConnected(), 2000);
        QCOMPARE(stream.transport(), LiveStream::Transport::EventStream);
        QCOMPARE(server.upgradeRequests, 1);
        QVERIFY(server.lastStreamRequest.contains("\r\nAuthorization: Bearer vo_token\r\n"));
        QTRY_COMPARE(notifications.count(), 1);
        QCOMPARE(notifications.at(0).at(0).toString(), u"approval.requested"_s);
        QCOMPARE(notifications.at(0).at(1).toJsonObject().value(u"id").toInt(), 3);
    }

    void silentStreamIsReplaced() {
        BareServer server;
        QNetworkAccessManager network;
        LiveStream stream(&network);
        stream.setReconnectDelays(20ms, 100ms);
        stream.setIdleTimeout(300ms);
        QSignalSpy connectedChanged(&stream, &LiveStream::connectedChanged);
        stream.start(server.url(), "vo_token");
        QTRY_VERIFY(stream.isConnected());

        // The server never says anything after its first event: the stream is taken for dead
        // and opened again.
        QTRY_VERIFY_WITH_TIMEOUT(server.streamRequests >= 2, 3000);
        QTRY_VERIFY(stream.isConnected());
        QVERIFY(connectedChanged.count() >= 3); // up, down, up again
    }

    void stopEndsTheStream() {
        BareServer server;
        QNetworkAccessManager network;
        LiveStream stream(&network);
        stream.setReconnectDelays(20ms, 100ms);
        stream.start(server.url(), "vo_token");
        QTRY_VERIFY(stream.isConnected());
        QSignalSpy connectedChanged(&stream, &LiveStream::connectedChanged);
        stream.stop();
        QVERIFY(!stream.isConnected());
        QCOMPARE(connectedChanged.count(), 1);
        QCOMPARE(connectedChanged.at(0).at(0).toBool(), false);
        const int requests = server.upgradeRequests + server.streamRequests;
        // Nothing reconnects after a stop, however long the reconnect delay would have been.
        QTest::qWait(200);
        QCOMPARE(server.upgradeRequests + server.streamRequests, requests);
    }
};

QTEST_GUILESS_MAIN(TestLiveStream)
#include "tst_livestream.moc"
