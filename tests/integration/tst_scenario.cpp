// SPDX-License-Identifier: Apache-2.0
// Issue 2's scenario end to end, with real processes on loopback inside a fresh network
// namespace: a sentinel tails an auth log, enrolls, streams events; the server correlates them
// into alerts and proposes a block; an analyst approves (and denies another); the sentinel
// verifies the signed command and adds the address to the real nftables set, checked with nft.
#include "support/networknamespace.h"
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

#include <csignal>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

struct StreamEvent {
    QString type;
    QJsonObject data;
    qint64 receivedAtNs;
};

QString runCommand(const QString &program, const QStringList &arguments, int *exitCode = nullptr) {
    QProcess process;
    process.start(program, arguments);
    process.waitForFinished(10000);
    if (exitCode)
        *exitCode = process.exitCode();
    return QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError());
}

// A syslog line as Debian's rsyslog writes auth.log (BSD timestamp), at the given time.
QByteArray authLine(const QDateTime &when, const QString &message) {
    return (QLocale::c().toString(when, u"MMM"_s) + u" "_s + when.toString(u"d"_s).rightJustified(2, u' ') + u" "_s
        + when.toString(u"HH:mm:ss"_s) + u" web-01 sshd[4242]: "_s + message + u"\n"_s)
        .toUtf8();
}

} // namespace

class TestScenario : public QObject {
    Q_OBJECT
Q_SIGNALS:
    void streamEventArrived();

private:
    QTemporaryDir m_dir;
    QProcess m_server;
    QProcess m_sentinel;
    QNetworkAccessManager m_nam;
    quint16 m_port = 0;
    QString m_token;
    QElapsedTimer m_clock;
    std::unique_ptr<QNetworkReply> m_sse;
    QByteArray m_sseBuffer;
    QList<StreamEvent> m_events;
    QWebSocket m_webSocket;
    QStringList m_webSocketTypes;
    QString m_authLog;

    QUrl url(const QString &path) const { return QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(path)); }

    std::pair<int, QJsonObject> call(const QByteArray &verb, const QString &path, const QJsonObject &body = {}) {
        QNetworkRequest request(url(path));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        if (!m_token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + m_token.toLatin1());
        std::unique_ptr<QNetworkReply> reply(
            m_nam.sendCustomRequest(request, verb, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson()));
        if (!reply->isFinished()) {
            QEventLoop loop;
            connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
            QTimer::singleShot(10000, &loop, &QEventLoop::quit);
            loop.exec();
        }
        if (!reply->isFinished())
            return {0, {}};
        return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            QJsonDocument::fromJson(reply->readAll()).object()};
    }

    void onSseData() {
        m_sseBuffer += m_sse->readAll();
        qsizetype end = 0;
        while ((end = m_sseBuffer.indexOf("\n\n")) >= 0) {
            const QByteArray block = m_sseBuffer.left(end);
            m_sseBuffer.remove(0, end + 2);
            StreamEvent event {{}, {}, m_clock.nsecsElapsed()};
            for (const QByteArray &line : block.split('\n')) {
                if (line.startsWith("event: "))
                    event.type = QString::fromUtf8(line.mid(7));
                else if (line.startsWith("data: "))
                    event.data = QJsonDocument::fromJson(line.mid(6)).object();
            }
            if (!event.type.isEmpty()) {
                m_events.append(event);
                Q_EMIT streamEventArrived();
            }
        }
    }

    // The first stream event of a type whose data satisfies `match`, waiting for it. An event
    // loop woken by each arrival (not a polling wait), so arrival times are taken when the data
    // arrives and the latencies measured below are not rounded up to a polling interval.
    std::optional<StreamEvent> waitFor(
        const QString &type, const std::function<bool(const QJsonObject &)> &match, int timeoutMs = 15000) {
        const auto find = [&]() -> std::optional<StreamEvent> {
            for (const StreamEvent &event : std::as_const(m_events)) {
                if (event.type == type && match(event.data))
                    return event;
            }
            return std::nullopt;
        };
        if (auto found = find())
            return found;
        QEventLoop loop;
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        const QMetaObject::Connection arrival = connect(this, &TestScenario::streamEventArrived, &loop, [&] {
            if (find())
                loop.quit();
        });
        loop.exec();
        disconnect(arrival);
        return find();
    }

    void appendToLog(const QList<QByteArray> &lines) {
        QFile log(m_authLog);
        QVERIFY(log.open(QIODevice::Append));
        for (const QByteArray &line : lines)
            log.write(line);
        log.close();
    }

    QString nftSet(const QString &set) {
        return runCommand(u"nft"_s, {u"list"_s, u"set"_s, u"inet"_s, u"vanopticon"_s, set});
    }

private Q_SLOTS:
    void initTestCase() {
        // Never against the host: this must run in a network namespace of its own.
        if (const QString why = vanopticon::testsupport::whyNotInOwnNetworkNamespace(); !why.isEmpty())
            QFAIL(qPrintable(u"tst_scenario must run in a fresh network namespace (CTest runs it under `unshare -n` "
                             u"as root): %1. Refusing to touch this host's firewall."_s.arg(why)));
        QCOMPARE(::geteuid(), 0u);
        int exitCode = 0;
        runCommand(u"ip"_s, {u"link"_s, u"set"_s, u"lo"_s, u"up"_s}, &exitCode);
        QCOMPARE(exitCode, 0);
        QVERIFY2(!nftSet(u"blocked_ipv4"_s).contains(u"elements"), "the namespace should start without our table");
        m_clock.start();
    }

    void cleanupTestCase() {
        for (QProcess *process : {&m_sentinel, &m_server}) {
            if (process->state() == QProcess::NotRunning)
                continue;
            process->terminate();
            if (!process->waitForFinished(10000))
                process->kill();
        }
    }

    void serverStarts() {
        const QString data = m_dir.filePath(u"server"_s);
        QFile config(m_dir.filePath(u"server.yaml"_s));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(u"server:\n  listen: 127.0.0.1:0\n  correlation_rules: %1/resources/rules/correlation\n"
                     u"  policies: %1/resources/policies\n"_s.arg(QStringLiteral(VANOPTICON_SOURCE_DIR))
                         .toUtf8());
        config.close();
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"VANOPTICON_ADMIN_PASSWORD"_s, u"scenario-password"_s);
        m_server.setProcessEnvironment(environment);
        m_server.setProcessChannelMode(QProcess::ForwardedOutputChannel); // stderr stays readable here
        m_server.start(QStringLiteral(VANOPTICOND_PATH), {u"--config"_s, config.fileName(), u"--data-dir"_s, data});
        QString banner;
        QVERIFY(QTest::qWaitFor(
            [&] {
                banner += QString::fromUtf8(m_server.readAllStandardError());
                return banner.contains(u"listening on"_s) || m_server.state() == QProcess::NotRunning;
            },
            15000));
        const QRegularExpressionMatch match
            = QRegularExpression(u"listening on http://127.0.0.1:(\\d+)"_s).match(banner);
        QVERIFY2(match.hasMatch(), qPrintable(banner));
        m_port = match.captured(1).toUShort();

        auto [health, healthBody] = call("GET", u"/api/v1/health"_s);
        QCOMPARE(health, 200);
        QCOMPARE(healthBody[u"status"_s].toString(), u"healthy"_s);
    }

    void analystLogsInAndOpensTheStreams() {
        auto [wrong, wrongBody] = call(
            "POST", u"/api/v1/auth/login"_s, QJsonObject {{u"username"_s, u"admin"_s}, {u"password"_s, u"guess"_s}});
        QCOMPARE(wrong, 401);
        auto [status, body] = call("POST", u"/api/v1/auth/login"_s,
            QJsonObject {{u"username"_s, u"admin"_s}, {u"password"_s, u"scenario-password"_s}});
        QCOMPARE(status, 200);
        QCOMPARE(body[u"role"_s].toString(), u"administrator"_s);
        m_token = body[u"token"_s].toString();

        QNetworkRequest sse(url(u"/api/v1/stream"_s));
        sse.setRawHeader("Authorization", "Bearer " + m_token.toLatin1());
        m_sse.reset(m_nam.get(sse));
        connect(m_sse.get(), &QNetworkReply::readyRead, this, &TestScenario::onSseData);

        QNetworkRequest ws(QUrl(u"ws://127.0.0.1:%1/api/v1/ws"_s.arg(m_port)));
        ws.setRawHeader("Authorization", "Bearer " + m_token.toLatin1());
        connect(&m_webSocket, &QWebSocket::textMessageReceived, this, [this](const QString &message) {
            m_webSocketTypes.append(QJsonDocument::fromJson(message.toUtf8()).object()[u"type"_s].toString());
        });
        m_webSocket.open(ws);
        QTRY_COMPARE(m_webSocket.state(), QAbstractSocket::ConnectedState);
    }

    void sentinelEnrollsAndHeartbeats() {
        auto [status, body]
            = call("POST", u"/api/v1/enrollment-tokens"_s, QJsonObject {{u"description"_s, u"web-01"_s}});
        QCOMPARE(status, 201);
        const QString token = body[u"token"_s].toString();

        m_authLog = m_dir.filePath(u"auth.log"_s);
        QFile log(m_authLog);
        QVERIFY(log.open(QIODevice::WriteOnly));
        log.close();
        QFile config(m_dir.filePath(u"sentinel.yaml"_s));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(u"collector:\n  sources:\n    - type: syslog\n      path: %1\n      format: rfc3164\n"
                     u"respond:\n  enforce: true\n"
                     u"transmitter:\n  heartbeat_interval: 1s\n  batch_timeout: 20ms\n"_s.arg(m_authLog)
                         .toUtf8());
        config.close();
        m_sentinel.setProcessChannelMode(QProcess::ForwardedChannels);
        m_sentinel.start(QStringLiteral(VANOPTICOND_PATH),
            {u"--role"_s, u"sentinel"_s, u"--config"_s, config.fileName(), u"--data-dir"_s,
                m_dir.filePath(u"sentinel"_s), u"--server"_s, u"ws://127.0.0.1:%1"_s.arg(m_port), u"--enroll"_s,
                token});
        QVERIFY(waitFor(u"node.enrolled"_s, [](const QJsonObject &) { return true; }));
        QVERIFY(waitFor(u"node.heartbeat"_s, [](const QJsonObject &) { return true; }));
        auto [nodesStatus, nodes] = call("GET", u"/api/v1/nodes"_s);
        QCOMPARE(nodesStatus, 200);
        const QJsonArray items = nodes[u"items"_s].toArray();
        QCOMPARE(items.size(), 1);
        QCOMPARE(items.first()[u"status"_s].toString(), u"online"_s);
        QVERIFY(!items.first()[u"last_heartbeat"_s].toString().isEmpty());
        // The token was for one enrollment only.
        QCOMPARE(m_sentinel.state(), QProcess::Running);
    }

    void bruteForceBecomesAnAlertWithAPendingBlock() {
        const QDateTime now = QDateTime::currentDateTime();
        // An innocent user mistypes twice, then logs in.
        appendToLog({authLine(now, u"Failed password for alice from 198.51.100.4 port 50110 ssh2"_s),
            authLine(now, u"Failed password for alice from 198.51.100.4 port 50110 ssh2"_s),
            authLine(now, u"Accepted password for alice from 198.51.100.4 port 50110 ssh2"_s)});
        // The attacker.
        QList<QByteArray> attack {authLine(now, u"Invalid user admin from 203.0.113.7 port 41234"_s)};
        for (int i = 0; i < 5; ++i)
            attack.append(authLine(
                now, u"Failed password for invalid user admin from 203.0.113.7 port %1 ssh2"_s.arg(41234 + i)));
        const qint64 written = m_clock.nsecsElapsed();
        appendToLog(attack);

        const auto created = waitFor(u"alert.created"_s, [](const QJsonObject &alert) {
            return alert[u"group"_s].toObject()[u"SourceIp"_s].toString() == u"203.0.113.7"_s;
        });
        QVERIFY(created);
        qInfo("MEASURED last log line written -> alert.created on the stream: %.1f ms",
            double(created->receivedAtNs - written) / 1e6);
        QCOMPARE(created->data[u"rule_id"_s].toString(), u"ssh_brute_force"_s);
        QCOMPARE(created->data[u"severity"_s].toString(), u"high"_s);
        QCOMPARE(created->data[u"score"_s].toInt(), 70);
        QCOMPARE(created->data[u"score_band"_s].toString(), u"high"_s);

        const auto requested = waitFor(u"approval.requested"_s,
            [](const QJsonObject &decision) { return decision[u"target"_s].toString() == u"203.0.113.7"_s; });
        QVERIFY(requested);
        QCOMPARE(requested->data[u"action"_s].toString(), u"ip_block"_s);
        QCOMPARE(requested->data[u"parameters"_s].toObject()[u"duration_seconds"_s].toInt(), 3600);
        QCOMPARE(requested->data[u"policy"_s].toString(), u"block_bruteforce_source"_s);
        QVERIFY(!requested->data[u"rationale"_s].toString().isEmpty());
        QVERIFY(!requested->data[u"risk"_s].toString().isEmpty());
    }

    void repeatsUpdateTheOpenAlert() {
        const QDateTime now = QDateTime::currentDateTime();
        appendToLog({authLine(now, u"Failed password for root from 203.0.113.7 port 41300 ssh2"_s),
            authLine(now, u"Failed password for root from 203.0.113.7 port 41301 ssh2"_s),
            authLine(now, u"Failed password for root from 203.0.113.7 port 41302 ssh2"_s)});
        QVERIFY(waitFor(u"alert.updated"_s, [](const QJsonObject &alert) { return alert[u"count"_s].toInt() == 9; }));
        auto [status, list] = call("GET", u"/api/v1/alerts"_s);
        QCOMPARE(status, 200);
        int forAttacker = 0;
        qint64 id = 0;
        for (const QJsonValue &value : list[u"items"_s].toArray()) {
            const QJsonObject alert = value.toObject();
            const QString source = alert[u"group"_s].toObject()[u"SourceIp"_s].toString();
            QVERIFY2(source != u"198.51.100.4"_s, "the innocent address must not be alerted on");
            if (source == u"203.0.113.7"_s) {
                ++forAttacker;
                id = alert[u"id"_s].toInteger();
            }
        }
        QCOMPARE(forAttacker, 1);
        auto [detailStatus, detail] = call("GET", u"/api/v1/alerts/%1"_s.arg(id));
        QCOMPARE(detailStatus, 200);
        QCOMPARE(detail[u"count"_s].toInt(), 9);
        QVERIFY(detail[u"evidence"_s].toArray().size() >= 5);
        QCOMPARE(detail[u"evidence"_s].toArray().first()[u"fields"_s].toObject()[u"SourceIp"_s].toString(),
            u"203.0.113.7"_s);
        QVERIFY(detail[u"explanation"_s].toString().contains(u"score 70 (high)"_s));
    }

    void successAfterFailuresIsCritical() {
        // Five failures 20 s apart (too slow for ssh_brute_force's 60 s window), then a success.
        const QDateTime start = QDateTime::currentDateTime().addSecs(-150);
        QList<QByteArray> lines;
        for (int i = 0; i < 5; ++i)
            lines.append(
                authLine(start.addSecs(20 * i), u"Failed password for oracle from 192.0.2.77 port 40000 ssh2"_s));
        lines.append(authLine(start.addSecs(110), u"Accepted password for oracle from 192.0.2.77 port 40001 ssh2"_s));
        appendToLog(lines);
        const auto created = waitFor(u"alert.created"_s,
            [](const QJsonObject &alert) { return alert[u"rule_id"_s].toString() == u"brute_force_attack"_s; });
        QVERIFY(created);
        QCOMPARE(created->data[u"severity"_s].toString(), u"critical"_s);
        QCOMPARE(created->data[u"score_band"_s].toString(), u"critical"_s);
        QCOMPARE(created->data[u"group"_s].toObject()[u"User"_s].toString(), u"oracle"_s);
        QVERIFY(waitFor(u"approval.requested"_s,
            [](const QJsonObject &d) { return d[u"target"_s].toString() == u"192.0.2.77"_s; }));
    }

    void approvalBlocksTheAddressInNftables() {
        auto [status, pending] = call("GET", u"/api/v1/approvals?status=pending"_s);
        QCOMPARE(status, 200);
        qint64 id = 0;
        for (const QJsonValue &value : pending[u"items"_s].toArray()) {
            if (value[u"target"_s].toString() == u"203.0.113.7"_s)
                id = value[u"id"_s].toInteger();
        }
        QVERIFY(id > 0);
        auto [noReason, noReasonBody]
            = call("POST", u"/api/v1/approvals/%1/approve"_s.arg(id), QJsonObject {{u"x"_s, 1}});
        QCOMPARE(noReason, 400);

        const qint64 approvedAt = m_clock.nsecsElapsed();
        auto [approved, decision] = call("POST", u"/api/v1/approvals/%1/approve"_s.arg(id),
            QJsonObject {{u"reason"_s, u"confirmed brute force from a known scanner"_s}});
        QCOMPARE(approved, 200);
        QCOMPARE(decision[u"decided_by"_s].toString(), u"admin"_s);
        const auto result = waitFor(
            u"command.result"_s, [id](const QJsonObject &r) { return r[u"decision_id"_s].toInteger() == id; });
        QVERIFY(result);
        qInfo("MEASURED approve request sent -> command.result on the stream: %.1f ms",
            double(result->receivedAtNs - approvedAt) / 1e6);
        QCOMPARE(result->data[u"status"_s].toString(), u"executed"_s);

        const QString set = nftSet(u"blocked_ipv4"_s);
        QVERIFY2(set.contains(u"203.0.113.7 timeout 1h"_s), qPrintable(set));
        QVERIFY2(!set.contains(u"198.51.100.4"_s), qPrintable(set));
        const QString chain = runCommand(u"nft"_s, {u"list"_s, u"chain"_s, u"inet"_s, u"vanopticon"_s, u"input"_s});
        QVERIFY2(chain.contains(u"ip saddr @blocked_ipv4 drop"_s), qPrintable(chain));

        auto [again, againBody]
            = call("POST", u"/api/v1/approvals/%1/approve"_s.arg(id), QJsonObject {{u"reason"_s, u"twice"_s}});
        QCOMPARE(again, 409);

        // The alert shows the action.
        auto [alerts, alertList] = call("GET", u"/api/v1/alerts"_s);
        bool shown = false;
        for (const QJsonValue &alert : alertList[u"items"_s].toArray()) {
            for (const QJsonValue &action : alert[u"actions"_s].toArray())
                shown = shown
                    || (action[u"decision_id"_s].toInteger() == id && action[u"status"_s].toString() == u"executed"_s);
        }
        QVERIFY(shown);
    }

    void denialChangesNothing() {
        auto [status, pending] = call("GET", u"/api/v1/approvals?status=pending"_s);
        qint64 id = 0;
        for (const QJsonValue &value : pending[u"items"_s].toArray()) {
            if (value[u"target"_s].toString() == u"192.0.2.77"_s)
                id = value[u"id"_s].toInteger();
        }
        QVERIFY(id > 0);
        auto [denied, decision] = call("POST", u"/api/v1/approvals/%1/deny"_s.arg(id),
            QJsonObject {{u"reason"_s, u"oracle's own office address"_s}});
        QCOMPARE(denied, 200);
        QCOMPARE(decision[u"status"_s].toString(), u"denied"_s);
        QVERIFY(waitFor(u"approval.decided"_s, [id](const QJsonObject &d) {
            return d[u"id"_s].toInteger() == id && d[u"status"_s].toString() == u"denied"_s;
        }));
        QTest::qWait(300);
        QVERIFY(!nftSet(u"blocked_ipv4"_s).contains(u"192.0.2.77"_s));
    }

    void everythingIsInTheAuditLogAndOnTheWebSocket() {
        auto [status, audit] = call("GET", u"/api/v1/audit?limit=200"_s);
        QCOMPARE(status, 200);
        bool approve = false;
        bool deny = false;
        bool executed = false;
        for (const QJsonValue &value : audit[u"items"_s].toArray()) {
            const QJsonObject record = value.toObject();
            const QString reason = record[u"details"_s].toObject()[u"reason"_s].toString();
            approve = approve
                || (record[u"action"_s].toString() == u"approval.approve"_s
                    && record[u"actor"_s].toString() == u"admin"_s
                    && reason == u"confirmed brute force from a known scanner"_s);
            deny = deny
                || (record[u"action"_s].toString() == u"approval.deny"_s && reason == u"oracle's own office address"_s);
            executed = executed
                || (record[u"action"_s].toString() == u"command.result"_s
                    && record[u"details"_s].toObject()[u"status"_s].toString() == u"executed"_s);
        }
        QVERIFY(approve);
        QVERIFY(deny);
        QVERIFY(executed);
        for (const QString &type : {u"alert.created"_s, u"approval.requested"_s, u"approval.decided"_s,
                 u"command.result"_s, u"node.heartbeat"_s})
            QVERIFY2(m_webSocketTypes.contains(type), qPrintable(type));
    }

    void bothProcessesStopCleanly() {
        m_webSocket.close();
        m_sse.reset();
        for (QProcess *process : {&m_sentinel, &m_server}) {
            process->terminate();
            QVERIFY(process->waitForFinished(10000));
            QCOMPARE(process->exitStatus(), QProcess::NormalExit);
            QCOMPARE(process->exitCode(), 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestScenario)
#include "tst_scenario.moc"
