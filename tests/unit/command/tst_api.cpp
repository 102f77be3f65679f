// SPDX-License-Identifier: Apache-2.0
// The REST API and live stream over real HTTP on loopback: status codes, error shapes, roles,
// SSE and WebSocket delivery, and the WebSocket handshake refused without a token.
#include "command/auth/authservice.h"
#include "command/http/api.h"
#include "command/http/httpserver.h"
#include "command/http/livestream.h"
#include "shared/bus/eventbus.h"
#include "storage/auditlog.h"
#include "storage/database.h"
#include "storage/decisions.h"
#include "storage/events.h"
#include "storage/nodes.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

using namespace vanopticon;
using namespace vanopticon::command;
using namespace Qt::StringLiterals;

namespace {
struct Reply {
    int status = 0;
    QJsonObject json;
    QByteArray contentType;
};
} // namespace

class TestApi : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    storage::Database m_db;
    std::unique_ptr<storage::AuditLog> m_audit;
    std::unique_ptr<AuthService> m_auth;
    EventBus m_bus;
    std::unique_ptr<LiveStream> m_stream;
    std::unique_ptr<HttpServer> m_server;
    std::unique_ptr<ApiContext> m_context;
    QNetworkAccessManager m_nam;
    quint16 m_port = 0;
    QString m_adminToken;
    QList<std::tuple<qint64, bool, QString, QString>> m_decisions; // what the decide seam saw

    QUrl url(const QString &path) const { return QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(path)); }

    Reply request(const QByteArray &verb, const QString &path, const QByteArray &body = {}, const QString &token = {}) {
        QNetworkRequest req(url(path));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        if (!token.isEmpty())
            req.setRawHeader("Authorization", "Bearer " + token.toLatin1());
        std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(req, verb, body));
        if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 10000))
            return {};
        Reply out;
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        out.json = QJsonDocument::fromJson(reply->readAll()).object();
        return out;
    }

    QString login(const QString &user, const QString &password) {
        const Reply reply = request("POST", u"/api/v1/auth/login"_s,
            QJsonDocument(QJsonObject {{u"username"_s, user}, {u"password"_s, password}})
                .toJson(QJsonDocument::Compact));
        return reply.json.value(u"token"_s).toString();
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_db.open(m_dir.filePath(u"api.db"_s)).ok());
        m_audit = std::make_unique<storage::AuditLog>(m_db);
        m_auth = std::make_unique<AuthService>(m_db, *m_audit);
        QVERIFY(m_auth->bootstrapAdmin(u"correct horse battery"_s, nullptr).ok());
        QVERIFY(m_auth->createUser(u"viewer"_s, u"viewer password"_s, Role::Viewer).ok());
        m_stream = std::make_unique<LiveStream>(m_bus);
        m_server = std::make_unique<HttpServer>();
        m_context.reset(new ApiContext {m_db, *m_audit, *m_auth, *m_stream, {}, {}, {}, u"test"_s, {}, {}});
        m_context->healthChecks = [] { return QList<HealthCheck> {{u"database"_s, u"healthy"_s, u"ok"_s, 0.1}}; };
        m_context->decide = [this](qint64 id, bool approve, const Principal &by, const QString &reason) {
            m_decisions.append({id, approve, by.username, reason});
            if (id == 404)
                return storage::DecideOutcome {storage::DecideOutcome::Kind::NotFound, {}, {}};
            if (id == 409)
                return storage::DecideOutcome {storage::DecideOutcome::Kind::NotPending, {}, u"already approved"_s};
            storage::DecisionRecord decision;
            decision.id = id;
            decision.status = approve ? u"approved"_s : u"denied"_s;
            decision.decidedBy = by.username;
            decision.reason = reason;
            return storage::DecideOutcome {storage::DecideOutcome::Kind::Decided, decision, {}};
        };
        registerApi(*m_server, *m_context);
        auto port = m_server->listen(QHostAddress::LocalHost, 0);
        QVERIFY(port.ok());
        m_port = *port;
        m_adminToken = login(u"admin"_s, u"correct horse battery"_s);
        QVERIFY(!m_adminToken.isEmpty());
    }

    void loginRefusesWrongPasswordsAndUnknownUsersAlike() {
        const Reply wrong = request("POST", u"/api/v1/auth/login"_s, R"({"username":"admin","password":"nope"})");
        const Reply unknown = request("POST", u"/api/v1/auth/login"_s, R"({"username":"ghost","password":"nope"})");
        QCOMPARE(wrong.status, 401);
        QCOMPARE(unknown.status, 401);
        QCOMPARE(wrong.json, unknown.json);
        QCOMPARE(wrong.json[u"error"_s].toString(), u"unauthorized"_s);
        auto audit = m_audit->list(10);
        QVERIFY(std::any_of(audit->begin(), audit->end(), [](const storage::AuditRecord &r) {
            return r.action == u"auth.login"_s && r.outcome == u"failure"_s && r.actor == u"ghost"_s;
        }));
    }

    void loginReturnsTokenAndRole() {
        const Reply reply
            = request("POST", u"/api/v1/auth/login"_s, R"({"username":"admin","password":"correct horse battery"})");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json[u"role"_s].toString(), u"administrator"_s);
        QVERIFY(reply.json[u"token"_s].toString().startsWith(u"vo_"));
    }

    void badInputGetsJsonErrors_data() {
        QTest::addColumn<QByteArray>("verb");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("authenticated");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("error");
        QTest::addRow("malformed json") << QByteArray("POST") << u"/api/v1/auth/login"_s << QByteArray("{nope") << false
                                        << 400 << u"bad_request"_s;
        QTest::addRow("json array") << QByteArray("POST") << u"/api/v1/auth/login"_s << QByteArray("[]") << false << 400
                                    << u"bad_request"_s;
        QTest::addRow("missing password") << QByteArray("POST") << u"/api/v1/auth/login"_s
                                          << QByteArray(R"({"username":"admin"})") << false << 400 << u"bad_request"_s;
        QTest::addRow("no token") << QByteArray("GET") << u"/api/v1/alerts"_s << QByteArray() << false << 401
                                  << u"unauthorized"_s;
        QTest::addRow("unknown route") << QByteArray("GET") << u"/api/v1/nothing"_s << QByteArray() << true << 404
                                       << u"not_found"_s;
        QTest::addRow("wrong method") << QByteArray("DELETE") << u"/api/v1/alerts"_s << QByteArray() << true << 405
                                      << u"method_not_allowed"_s;
        QTest::addRow("bad alert id") << QByteArray("GET") << u"/api/v1/alerts/abc"_s << QByteArray() << true << 404
                                      << u"not_found"_s;
        QTest::addRow("missing alert") << QByteArray("GET") << u"/api/v1/alerts/99"_s << QByteArray() << true << 404
                                       << u"not_found"_s;
        QTest::addRow("bad limit") << QByteArray("GET") << u"/api/v1/alerts?limit=0"_s << QByteArray() << true << 400
                                   << u"bad_request"_s;
        QTest::addRow("bad status") << QByteArray("GET") << u"/api/v1/approvals?status=maybe"_s << QByteArray() << true
                                    << 400 << u"bad_request"_s;
        QTest::addRow("approve without reason") << QByteArray("POST") << u"/api/v1/approvals/1/approve"_s
                                                << QByteArray("{}") << true << 400 << u"bad_request"_s;
        QTest::addRow("approve blank reason") << QByteArray("POST") << u"/api/v1/approvals/1/approve"_s
                                              << QByteArray(R"({"reason":"  "})") << true << 400 << u"bad_request"_s;
        QTest::addRow("approve unknown") << QByteArray("POST") << u"/api/v1/approvals/404/approve"_s
                                         << QByteArray(R"({"reason":"x"})") << true << 404 << u"not_found"_s;
        QTest::addRow("approve twice") << QByteArray("POST") << u"/api/v1/approvals/409/deny"_s
                                       << QByteArray(R"({"reason":"x"})") << true << 409 << u"conflict"_s;
        QTest::addRow("too large") << QByteArray("POST") << u"/api/v1/auth/login"_s << QByteArray(2 * 1024 * 1024, 'x')
                                   << false << 413 << u"payload_too_large"_s;
        QTest::addRow("bad ttl") << QByteArray("POST") << u"/api/v1/enrollment-tokens"_s
                                 << QByteArray(R"({"ttl_seconds":5})") << true << 400 << u"bad_request"_s;
    }
    void badInputGetsJsonErrors() {
        QFETCH(QByteArray, verb);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(bool, authenticated);
        QFETCH(int, status);
        QFETCH(QString, error);
        const Reply reply = request(verb, path, body, authenticated ? m_adminToken : QString());
        QCOMPARE(reply.status, status);
        QCOMPARE(reply.contentType, QByteArray("application/json"));
        QCOMPARE(reply.json[u"error"_s].toString(), error);
        QVERIFY(!reply.json[u"message"_s].toString().isEmpty());
    }

    void rolesAreEnforced() {
        const QString viewer = login(u"viewer"_s, u"viewer password"_s);
        QVERIFY(!viewer.isEmpty());
        QCOMPARE(request("GET", u"/api/v1/alerts"_s, {}, viewer).status, 200);
        QCOMPARE(request("POST", u"/api/v1/enrollment-tokens"_s, {}, viewer).status, 403);
        QCOMPARE(request("GET", u"/api/v1/audit"_s, {}, viewer).status, 403);
        QCOMPARE(request("POST", u"/api/v1/approvals/1/approve"_s, R"({"reason":"x"})", viewer).status, 403);
        QCOMPARE(request("GET", u"/api/v1/alerts"_s, {}, u"vo_forged"_s).status, 401);
    }

    void healthNeedsNoToken() {
        const Reply reply = request("GET", u"/api/v1/health"_s);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json[u"status"_s].toString(), u"healthy"_s);
        const QJsonObject check = reply.json[u"checks"_s].toArray().first().toObject();
        QCOMPARE(check[u"name"_s].toString(), u"database"_s);
        QVERIFY(check.contains(u"latency_ms"_s));
        QVERIFY(reply.json.contains(u"timestamp"_s));
    }

    void enrollmentTokensAreCreatedByAdmins() {
        const Reply reply
            = request("POST", u"/api/v1/enrollment-tokens"_s, R"({"description":"web-01"})", m_adminToken);
        QCOMPARE(reply.status, 201);
        QVERIFY(reply.json[u"token"_s].toString().startsWith(u"vo_enroll_"));
    }

    void approvalsReachTheDecisionServiceWithUserAndReason() {
        m_decisions.clear();
        const Reply reply
            = request("POST", u"/api/v1/approvals/7/approve"_s, R"({"reason":"confirmed brute force"})", m_adminToken);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json[u"status"_s].toString(), u"approved"_s);
        QCOMPARE(m_decisions.size(), 1);
        QCOMPARE(m_decisions.first(), std::make_tuple(qint64(7), true, u"admin"_s, u"confirmed brute force"_s));
    }

    void listsAreItems() {
        for (const QString &path :
            {u"/api/v1/alerts"_s, u"/api/v1/nodes"_s, u"/api/v1/approvals?status=pending"_s, u"/api/v1/audit"_s}) {
            const Reply reply = request("GET", path, {}, m_adminToken);
            QCOMPARE(reply.status, 200);
            QVERIFY2(reply.json[u"items"_s].isArray(), qPrintable(path));
        }
        const Reply audit = request("GET", u"/api/v1/audit?limit=1"_s, {}, m_adminToken);
        const QJsonObject record = audit.json[u"items"_s].toArray().first().toObject();
        for (const char *key : {"id", "timestamp", "actor", "action", "resource", "outcome", "details", "hash"})
            QVERIFY2(record.contains(QLatin1StringView(key)), key);
    }

    // Stored raw events, newest first, a page at a time; filters by node, time and text.
    void eventsArePagedNewestFirst() {
        storage::NodeRepository nodes(m_db);
        for (const QString &id : {u"node_a"_s, u"node_b"_s})
            QVERIFY(nodes.create(storage::NodeRecord {id, id, QByteArray(32, 'k'), 1, 0, 0, {}, {}, 0, 0}).ok());
        // 25 events on node_a one second apart (the last two at the same instant), 5 on node_b.
        const qint64 base = 1'700'000'000'000'000'000;
        for (const QString &node : {u"node_a"_s, u"node_b"_s}) {
            EventBatch batch;
            const int count = node == u"node_a"_s ? 25 : 5;
            for (int i = 0; i < count; ++i) {
                Event &event = batch.addEvent();
                event.sequence = std::uint64_t(i + 1);
                event.timestampNs = base + std::min(i, 23) * 1'000'000'000LL;
                batch.setField(event, field::EventType, "auth_failed");
                const std::string raw = "sshd: Failed password for user" + std::to_string(i) + " on "
                    + node.toStdString() + (i == 7 ? " 100%_done" : "");
                batch.setField(event, field::Raw, raw);
            }
            storage::EventRepository events(m_db);
            QVERIFY(m_db.transaction([&]() -> Result<void> {
                            auto stored = events.insertBatch(node, batch, 1);
                            return stored ? Result<void>() : Result<void>(stored.error());
                        })
                        .ok());
        }

        QStringList seen;
        QString cursor;
        int pages = 0;
        do {
            const Reply page = request("GET",
                u"/api/v1/events?node_id=node_a&limit=10"_s + (cursor.isEmpty() ? QString() : u"&cursor="_s + cursor),
                {}, m_adminToken);
            QCOMPARE(page.status, 200);
            for (const QJsonValue &item : page.json[u"items"_s].toArray()) {
                QCOMPARE(item[u"node_id"_s].toString(), u"node_a"_s);
                seen.append(QString::number(item[u"sequence"_s].toInteger()));
            }
            cursor = page.json[u"next"_s].toString();
            QVERIFY(page.json.contains(u"next"_s));
            ++pages;
        } while (!cursor.isEmpty() && pages < 10);
        QCOMPARE(pages, 3);
        QStringList expected;
        for (int sequence = 25; sequence >= 1; --sequence)
            expected.append(QString::number(sequence));
        QCOMPARE(seen, expected); // newest first; equal times by id, none twice, none missed

        const Reply all = request("GET", u"/api/v1/events?limit=1000"_s, {}, m_adminToken);
        QCOMPARE(all.json[u"items"_s].toArray().size(), 30);
        QVERIFY(all.json[u"next"_s].isNull());
        const QJsonObject first = all.json[u"items"_s].toArray().first().toObject();
        for (const char *key : {"event_id", "node_id", "sequence", "timestamp", "received_at", "event_type", "severity",
                 "host", "message", "raw", "fields"})
            QVERIFY2(first.contains(QLatin1StringView(key)), key);

        // Time window: since inclusive, until exclusive (base + 3 s … base + 5 s: two events per node).
        const Reply window = request(
            "GET", u"/api/v1/events?since=2023-11-14T22:13:23Z&until=2023-11-14T22:13:25Z"_s, {}, m_adminToken);
        QCOMPARE(window.status, 200);
        QCOMPARE(window.json[u"items"_s].toArray().size(), 4);
        // Text anywhere in the raw line, its LIKE wildcards taken literally.
        const Reply text = request("GET", u"/api/v1/events?q=user1%20on%20node_b"_s, {}, m_adminToken);
        QCOMPARE(text.json[u"items"_s].toArray().size(), 1);
        const auto matches = [this](const QString &q) {
            return request("GET", u"/api/v1/events?q="_s + q, {}, m_adminToken).json[u"items"_s].toArray().size();
        };
        QCOMPARE(matches(u"100%25_done"_s), 1);
        QCOMPARE(matches(u"100_"_s), 0); // a wildcard _ would match the %
        QCOMPARE(matches(u"1%25_d"_s), 0); // a wildcard % would match the 00
        QCOMPARE(matches(u"FAILED%20PASSWORD"_s), 30); // ASCII case does not matter

        // Refusals.
        QCOMPARE(request("GET", u"/api/v1/events?cursor=bm9wZQ"_s, {}, m_adminToken).status, 400);
        QCOMPARE(request("GET", u"/api/v1/events?since=yesterday"_s, {}, m_adminToken).status, 400);
        QCOMPARE(request("GET", u"/api/v1/events?until=2023-11-14T22:13:25"_s, {}, m_adminToken).status, 400);
        QCOMPARE(request("GET", u"/api/v1/events?limit=0"_s, {}, m_adminToken).status, 400);
        QCOMPARE(request("GET", u"/api/v1/events"_s).status, 401);
    }

    void serverSentEventsDeliverNotifications() {
        QNetworkRequest req(url(u"/api/v1/stream"_s));
        req.setRawHeader("Authorization", "Bearer " + m_adminToken.toLatin1());
        std::unique_ptr<QNetworkReply> reply(m_nam.get(req));
        QByteArray received;
        connect(reply.get(), &QNetworkReply::readyRead, this, [&] { received += reply->readAll(); });
        QTRY_VERIFY(received.contains(": connected"));
        QCOMPARE(reply->header(QNetworkRequest::ContentTypeHeader).toByteArray(), QByteArray("text/event-stream"));
        m_bus.publish(u"alert.created"_s, QJsonObject {{u"id"_s, 1}, {u"title"_s, u"SSH brute force"_s}});
        QTRY_VERIFY(received.contains("event: alert.created\n"));
        QVERIFY(received.contains("data: {\"id\":1,\"title\":\"SSH brute force\"}\n\n"));
        reply->abort();
    }

    void serverSentEventsNeedAToken() {
        const Reply reply = request("GET", u"/api/v1/stream"_s);
        QCOMPARE(reply.status, 401);
    }

    void webSocketDeliversNotifications() {
        QWebSocket socket;
        QNetworkRequest req(QUrl(u"ws://127.0.0.1:%1/api/v1/ws"_s.arg(m_port)));
        req.setRawHeader("Authorization", "Bearer " + m_adminToken.toLatin1());
        QSignalSpy messages(&socket, &QWebSocket::textMessageReceived);
        socket.open(req);
        QTRY_COMPARE(socket.state(), QAbstractSocket::ConnectedState);
        QTRY_VERIFY(m_stream->clientCount() >= 1);
        m_bus.publish(
            u"approval.requested"_s, QJsonObject {{u"id"_s, 3}, {u"note"_s, u"a \"quoted\", {braced} note"_s}});
        QTRY_COMPARE(messages.size(), 1);
        QJsonParseError error;
        const QJsonObject message
            = QJsonDocument::fromJson(messages.first().first().toString().toUtf8(), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(message.keys(), QStringList({u"data"_s, u"id"_s, u"time"_s, u"type"_s}));
        QCOMPARE(message[u"type"_s].toString(), u"approval.requested"_s);
        QVERIFY(message[u"id"_s].toInteger() > 0);
        QCOMPARE(
            message[u"data"_s].toObject(), QJsonObject({{u"id"_s, 3}, {u"note"_s, u"a \"quoted\", {braced} note"_s}}));
        QVERIFY(QDateTime::fromString(message[u"time"_s].toString(), Qt::ISODateWithMs).isValid());
        socket.close();
    }

    void webSocketWithoutTokenIsRefusedAtTheHandshake() {
        QWebSocket socket;
        QSignalSpy errors(&socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error));
        QSignalSpy connected(&socket, &QWebSocket::connected);
        socket.open(QUrl(u"ws://127.0.0.1:%1/api/v1/ws"_s.arg(m_port)));
        QTRY_VERIFY(errors.size() >= 1);
        QCOMPARE(connected.size(), 0);
        QVERIFY2(socket.errorString().contains(u"401"), qPrintable(socket.errorString()));
    }

    // Runs last: it locks this client's address out of logging in.
    void repeatedLoginFailuresAreThrottled() {
        for (int i = 0; i < 5; ++i)
            request("POST", u"/api/v1/auth/login"_s, R"({"username":"admin","password":"wrong"})");
        const Reply locked
            = request("POST", u"/api/v1/auth/login"_s, R"({"username":"admin","password":"correct horse battery"})");
        QCOMPARE(locked.status, 429);
        QCOMPARE(locked.json[u"error"_s].toString(), u"too_many_requests"_s);
        auto audit = m_audit->list(3);
        QCOMPARE(audit->first().outcome, u"denied"_s);
        // Sessions already issued keep working.
        QCOMPARE(request("GET", u"/api/v1/alerts"_s, {}, m_adminToken).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestApi)
#include "tst_api.moc"
