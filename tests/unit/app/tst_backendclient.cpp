// SPDX-License-Identifier: Apache-2.0
#include "backendclient.h"
#include "fakeserver.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <QCoroTask>

using namespace vanopticon::console;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

QJsonObject alert(qint64 id, const QString &lastSeen, const QString &title) {
    return QJsonObject {{u"id"_s, id}, {u"rule_id"_s, u"ssh_brute_force"_s}, {u"title"_s, title},
        {u"severity"_s, u"high"_s}, {u"status"_s, u"open"_s}, {u"score"_s, 70}, {u"score_band"_s, u"high"_s},
        {u"count"_s, 9}, {u"first_seen"_s, lastSeen}, {u"last_seen"_s, lastSeen}, {u"updated_at"_s, lastSeen},
        {u"host"_s, u"web-01"_s}, {u"group"_s, QJsonObject {{u"SourceIp"_s, u"203.0.113.7"_s}}},
        {u"actions"_s, QJsonArray {}}};
}

QJsonObject decision(qint64 id, const QString &status = u"pending"_s) {
    return QJsonObject {{u"id"_s, id}, {u"alert_id"_s, 7}, {u"policy"_s, u"block_bruteforce_source"_s},
        {u"action"_s, u"ip_block"_s}, {u"target"_s, u"203.0.113.7"_s},
        {u"parameters"_s, QJsonObject {{u"address"_s, u"203.0.113.7"_s}, {u"duration_seconds"_s, 3600}}},
        {u"risk"_s, u"medium"_s}, {u"rationale"_s, u"9 failed logins in 60 s"_s}, {u"status"_s, status},
        {u"node_id"_s, u"node_1"_s}, {u"requested_at"_s, u"2026-11-23T10:15:00.000Z"_s},
        {u"decided_at"_s, QJsonValue::Null}, {u"decided_by"_s, QJsonValue::Null}, {u"reason"_s, QJsonValue::Null},
        {u"result"_s, QJsonValue::Null}};
}

QJsonObject node(const QString &id, const QString &hostname) {
    return QJsonObject {{u"id"_s, id}, {u"hostname"_s, hostname}, {u"status"_s, u"online"_s},
        {u"enrolled_at"_s, u"2026-11-20T08:00:00.000Z"_s}, {u"last_heartbeat"_s, u"2026-11-23T10:00:00.000Z"_s},
        {u"address"_s, u"192.0.2.10"_s}, {u"version"_s, u"0.1.0"_s}, {u"events_received"_s, 42}};
}

} // namespace

class TestBackendClient : public QObject {
    Q_OBJECT

    // A client for `server`, with reconnects fast enough for a test.
    static std::unique_ptr<BackendClient> clientFor(const FakeServer &server) {
        auto client = std::make_unique<BackendClient>();
        client->setServerUrl(server.url());
        client->setReconnectDelays(20ms, 100ms);
        return client;
    }

    static bool logIn(BackendClient &client) {
        return QCoro::waitFor(client.authenticate(u"admin"_s, FakeServer::kPassword));
    }

    // Live, and done with the refetch that going live starts (which begins as the stream opens):
    // what the test changes on the server from here on is not raced by a list still in flight.
    static bool settled(BackendClient &client) {
        return QTest::qWaitFor([&] { return client.connected() && !client.loading(); });
    }

private Q_SLOTS:
    void loginSucceeds() {
        FakeServer server;
        auto client = clientFor(server);
        QSignalSpy loggedIn(client.get(), &BackendClient::loggedInChanged);
        QSignalSpy errors(client.get(), &BackendClient::errorOccurred);
        QVERIFY(!client->loggedIn());

        QVERIFY(logIn(*client));
        QVERIFY(client->loggedIn());
        QCOMPARE(loggedIn.count(), 1);
        QCOMPARE(client->username(), u"admin"_s);
        QCOMPARE(client->role(), u"analyst"_s);
        QVERIFY(client->canDecide());
        QCOMPARE(client->lastError(), QString());
        QCOMPARE(errors.count(), 0);
        QVERIFY(!client->busy());
    }

    void loginIsRefused() {
        FakeServer server;
        auto client = clientFor(server);
        QSignalSpy errors(client.get(), &BackendClient::errorOccurred);
        QSignalSpy loggedIn(client.get(), &BackendClient::loggedInChanged);

        QVERIFY(!QCoro::waitFor(client->authenticate(u"admin"_s, u"wrong"_s)));
        QVERIFY(!client->loggedIn());
        QCOMPARE(loggedIn.count(), 0);
        // The server's message, as it sent it.
        QCOMPARE(client->lastError(), u"invalid username or password"_s);
        QCOMPARE(errors.count(), 1);
        QCOMPARE(errors.at(0).at(0).toString(), u"invalid username or password"_s);
        QVERIFY(!client->busy());
        QCOMPARE(client->role(), QString());
        QVERIFY(!client->canDecide());
    }

    void loginNeedsAUsableServerAndCredentials_data() {
        QTest::addColumn<QUrl>("server");
        QTest::addColumn<QString>("password");
        QTest::addRow("ftp") << QUrl(u"ftp://127.0.0.1/"_s) << u"x"_s;
        QTest::addRow("no host") << QUrl(u"http://"_s) << u"x"_s;
        QTest::addRow("empty password") << QUrl(u"http://127.0.0.1:1"_s) << QString();
    }
    void loginNeedsAUsableServerAndCredentials() {
        QFETCH(QUrl, server);
        QFETCH(QString, password);
        BackendClient client;
        client.setServerUrl(server);
        QVERIFY(!QCoro::waitFor(client.authenticate(u"admin"_s, password)));
        QVERIFY(!client.loggedIn());
        QVERIFY(!client.lastError().isEmpty());
    }

    void unreachableServerIsReported() {
        quint16 port = 0;
        {
            FakeServer gone; // a port that was just free and now has nobody listening
            port = quint16(gone.url().port());
        }
        BackendClient client;
        client.setServerUrl(QUrl(u"http://127.0.0.1:%1"_s.arg(port)));
        QVERIFY(!QCoro::waitFor(client.authenticate(u"admin"_s, u"x"_s)));
        QVERIFY2(client.lastError().startsWith(u"Cannot reach the server"), qPrintable(client.lastError()));
    }

    void listsAreFetchedAfterLogin() {
        FakeServer server;
        // Deliberately not in order: the console does not rely on the server's sorting.
        server.alerts = {alert(1, u"2026-11-23T10:00:00.000Z"_s, u"Old"_s),
            alert(2, u"2026-11-23T10:30:00.000Z"_s, u"Newest"_s), alert(3, u"2026-11-23T10:10:00.000Z"_s, u"Middle"_s)};
        server.nodes = {node(u"node_1"_s, u"web-01"_s)};
        server.approvals = {decision(3), decision(4, u"approved"_s)};
        auto client = clientFor(server);
        QVERIFY(logIn(*client));

        AlertModel *alerts = client->alerts();
        QTRY_COMPARE(alerts->count(), 3);
        QCOMPARE(alerts->data(alerts->index(0), AlertModel::TitleRole).toString(), u"Newest"_s);
        QCOMPARE(alerts->data(alerts->index(1), AlertModel::TitleRole).toString(), u"Middle"_s);
        QCOMPARE(alerts->data(alerts->index(2), AlertModel::TitleRole).toString(), u"Old"_s);
        QCOMPARE(server.lastAlertsQuery, QByteArray("limit=1000"));
        QTRY_COMPARE(client->nodes()->count(), 1);
        QTRY_COMPARE(client->approvals()->count(), 1); // only the pending one
        QCOMPARE(client->approvals()->currentId(), 3);
        QCOMPARE(client->droppedMessages(), 0);
    }

    void decisionCarriesTheReasonAndTheToken_data() {
        QTest::addColumn<bool>("approve");
        QTest::addRow("approve") << true;
        QTest::addRow("deny") << false;
    }
    void decisionCarriesTheReasonAndTheToken() {
        QFETCH(bool, approve);
        FakeServer server;
        server.approvals = {decision(3), decision(5)};
        auto client = clientFor(server);
        QVERIFY(logIn(*client));
        QVERIFY(settled(*client));
        QCOMPARE(client->approvals()->count(), 2);
        QSignalSpy submitted(client.get(), &BackendClient::decisionSubmitted);

        QVERIFY(QCoro::waitFor(client->submitDecision(3,
            approve ? BackendClient::Verdict::Approve : BackendClient::Verdict::Deny, u"  confirmed brute force  "_s)));
        QCOMPARE(server.decisions.size(), 1);
        const FakeServer::Decision &sent = server.decisions.first();
        QCOMPARE(
            sent.path, approve ? QByteArray("/api/v1/approvals/3/approve") : QByteArray("/api/v1/approvals/3/deny"));
        QCOMPARE(sent.authorization, "Bearer " + FakeServer::kToken);
        QCOMPARE(sent.contentType, QByteArray("application/json"));
        QCOMPARE(sent.body, (QJsonObject {{u"reason"_s, u"confirmed brute force"_s}}));
        QCOMPARE(server.approvals.at(0)[u"status"].toString(), approve ? u"approved"_s : u"denied"_s);

        // Decided: out of the queue, the next one is at the head.
        QCOMPARE(client->approvals()->count(), 1);
        QCOMPARE(client->approvals()->currentId(), 5);
        QCOMPARE(submitted.count(), 1);
        QCOMPARE(submitted.at(0).at(0).toLongLong(), 3);
        QCOMPARE(submitted.at(0).at(1).toBool(), approve);
    }

    void decisionWithoutReasonIsNotSent() {
        FakeServer server;
        server.approvals = {decision(3)};
        auto client = clientFor(server);
        QVERIFY(logIn(*client));
        QVERIFY(settled(*client));
        QCOMPARE(client->approvals()->count(), 1);
        QVERIFY(!QCoro::waitFor(client->submitDecision(3, BackendClient::Verdict::Approve, u"   "_s)));
        QCOMPARE(server.decisions.size(), 0);
        QCOMPARE(client->lastError(), u"A reason is required to approve or deny an action."_s);
        QCOMPARE(client->approvals()->count(), 1);
        QVERIFY(!client->approvals()->isSubmitting(3));
    }

    void decisionTakenElsewhereIsReportedAndDequeued() {
        FakeServer server;
        server.approvals = {decision(3)};
        auto client = clientFor(server);
        QVERIFY(logIn(*client));
        QVERIFY(settled(*client));
        QCOMPARE(client->approvals()->count(), 1);
        // Another analyst decides first.
        server.approvals = {decision(3, u"denied"_s)};
        QVERIFY(!QCoro::waitFor(client->submitDecision(3, BackendClient::Verdict::Approve, u"block it"_s)));
        QCOMPARE(client->lastError(), u"decision 3 is not pending (it is denied)"_s);
        QCOMPARE(client->approvals()->count(), 0);
    }

    void webSocketPushesApprovalRequested() {
        FakeServer server;
        auto client = clientFor(server);
        QSignalSpy connectedChanged(client.get(), &BackendClient::connectedChanged);
        QVERIFY(logIn(*client));
        QVERIFY(settled(*client));
        QCOMPARE(client->transport(), u"websocket"_s);
        QCOMPARE(server.webSocketAuthorizations, QList<QByteArray> {"Bearer " + FakeServer::kToken});
        QCOMPARE(connectedChanged.count(), 1);
        QSignalSpy inserted(client->approvals(), &ApprovalModel::rowsInserted);

        server.push(u"approval.requested"_s, decision(11));
        QTRY_COMPARE(client->approvals()->count(), 1);
        QCOMPARE(inserted.count(), 1);
        const QVariantMap current = client->approvals()->current();
        QCOMPARE(current.value(u"decisionId"_s).toLongLong(), 11);
        QCOMPARE(current.value(u"action"_s).toString(), u"ip_block"_s);
        QCOMPARE(current.value(u"target"_s).toString(), u"203.0.113.7"_s);

        server.push(u"alert.created"_s, alert(21, u"2026-11-23T11:00:00.000Z"_s, u"Pushed"_s));
        QTRY_COMPARE(client->alerts()->count(), 1);
        server.push(u"approval.decided"_s, decision(11, u"approved"_s));
        QTRY_COMPARE(client->approvals()->count(), 0);
        QCOMPARE(client->droppedMessages(), 0);
    }

    void malformedNotificationsAreCounted() {
        FakeServer server;
        auto client = clientFor(server);
        QVERIFY(logIn(*client));
        QVERIFY(settled(*client));
        QSignalSpy dropped(client.get(), &BackendClient::droppedMessagesChanged);
        server.push(u"alert.created"_s, QJsonObject {{u"title"_s, u"no id"_s}});
        server.push(u"node.heartbeat"_s, QJsonObject {{u"node_id"_s, u"node_1"_s}});
        server.push(u"command.result"_s, QJsonObject {{u"decision_id"_s, 3}, {u"status"_s, u"executed"_s}});
        QTRY_COMPARE(client->droppedMessages(), 2);
        QCOMPARE(client->alerts()->count(), 0);
    }

    void reconnectRefetchesWhatWasMissed() {
        FakeServer server;
        auto client = clientFor(server);
        QVERIFY(logIn(*client));
        QVERIFY(settled(*client));
        QCOMPARE(server.openStreams(), 1);
        const int fetchesBefore = server.alertFetches;

        // An alert is raised that the stream never announces, and the stream breaks. The client
        // reconnects after 20 ms, so the time it is offline is seen by its signal, not by polling.
        bool wentOffline = false;
        connect(client.get(), &BackendClient::connectedChanged, this, [&] { wentOffline |= !client->connected(); });
        server.alerts = {alert(30, u"2026-11-23T12:00:00.000Z"_s, u"Missed while away"_s)};
        server.dropStreams();
        QTRY_VERIFY(wentOffline);

        QVERIFY(settled(*client));
        QVERIFY(client->loggedIn());
        QVERIFY(server.alertFetches > fetchesBefore);
        QCOMPARE(client->alerts()->count(), 1);
        QCOMPARE(client->alerts()->data(client->alerts()->index(0), AlertModel::TitleRole).toString(),
            u"Missed while away"_s);
        QCOMPARE(server.webSocketAuthorizations.size(), 2);
    }

    void notificationsDuringARefetchAreAppliedAfterIt() {
        FakeServer server;
        server.approvals = {decision(3)};
        auto client = clientFor(server);
        QVERIFY(logIn(*client));
        QVERIFY(settled(*client));
        QCOMPARE(client->approvals()->count(), 1);

        // A refetch whose approvals list leaves the server (3 still pending) …
        server.holdApprovalLists = true;
        client->reload();
        QTRY_COMPARE(server.heldApprovalLists(), 1);
        QVERIFY(client->loading());
        // … before the stream says 3 was decided and 4 requested.
        QSignalSpy notified(client.get(), &BackendClient::notified);
        server.approvals = {decision(3, u"approved"_s), decision(4)};
        server.push(u"approval.decided"_s, decision(3, u"approved"_s));
        server.push(u"approval.requested"_s, decision(4));
        QTRY_COMPARE(notified.count(), 2);
        QCOMPARE(client->approvals()->count(), 1); // held back while the list is in flight
        QCOMPARE(client->approvals()->currentId(), 3);
        server.releaseApprovalLists();

        // The stale list is applied first, the notifications on top: 3 stays decided.
        QTRY_VERIFY(!client->loading());
        QCOMPARE(client->approvals()->count(), 1);
        QCOMPARE(client->approvals()->currentId(), 4);
    }

    void eventStreamIsTheFallback() {
        FakeServer server;
        server.webSocketEnabled = false;
        auto client = clientFor(server);
        QVERIFY(logIn(*client));
        QVERIFY(settled(*client));
        QCOMPARE(client->transport(), u"sse"_s);
        QVERIFY(!server.webSocketAuthorizations.isEmpty());
        QCOMPARE(server.streamAuthorizations.last(), "Bearer " + FakeServer::kToken);

        server.push(u"approval.requested"_s, decision(12));
        QTRY_COMPARE(client->approvals()->count(), 1);
        QCOMPARE(client->approvals()->currentId(), 12);
        server.push(u"node.enrolled"_s, node(u"node_9"_s, u"db-01"_s));
        QTRY_COMPARE(client->nodes()->count(), 1);
    }

    void refusedStreamEndsTheSession() {
        FakeServer server;
        auto client = clientFor(server);
        QVERIFY(logIn(*client));
        QTRY_VERIFY(client->connected());
        QSignalSpy loggedIn(client.get(), &BackendClient::loggedInChanged);

        server.dropStreams(true);
        QTRY_VERIFY(!client->loggedIn());
        QCOMPARE(loggedIn.count(), 1);
        QCOMPARE(client->lastError(), u"session expired"_s);
        QVERIFY(!client->connected());
        QCOMPARE(client->alerts()->count(), 0);
    }

    void logoutForgetsTheSession() {
        FakeServer server;
        server.alerts = {alert(1, u"2026-11-23T10:00:00.000Z"_s, u"A"_s)};
        auto client = clientFor(server);
        QVERIFY(logIn(*client));
        QTRY_COMPARE(client->alerts()->count(), 1);
        QTRY_VERIFY(client->connected());
        client->logout();
        QVERIFY(!client->loggedIn());
        QVERIFY(!client->connected());
        QCOMPARE(client->alerts()->count(), 0);
        QCOMPARE(client->username(), QString());
        // The live stream is closed, not left to deliver to a session that is over.
        QTRY_COMPARE(server.openStreams(), 0);
    }
};

QTEST_GUILESS_MAIN(TestBackendClient)
#include "tst_backendclient.moc"
