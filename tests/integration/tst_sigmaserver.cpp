// SPDX-License-Identifier: Apache-2.0
// Sigma in a real vanopticond: a local sentinel imports a SigmaHQ regression .evtx and tails an
// auth log; the server's Sigma rules turn matches and Sigma correlations into scored alerts,
// reload when the rule directory changes, report failures, and count hits per rule in
// /api/v1/sigma/rules and /metrics.
#include "support/daemonprocesses.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using vanopticon::testsupport::ServerProcess;

namespace {

const QString kSource = QStringLiteral(VANOPTICON_SOURCE_DIR);
const QString kRegression = QStringLiteral(VANOPTICON_SOURCE_DIR)
    + u"/../shared/data/sigma/regression_data/rules/windows/process_creation/proc_creation_win_bitsadmin_download"_s;
const QString kBitsadminRule = QStringLiteral(VANOPTICON_SOURCE_DIR)
    + u"/../shared/data/sigma/rules/windows/process_creation/proc_creation_win_bitsadmin_download.yml"_s;
const QString kBitsadminId = u"d059842b-6b9d-4ed1-b5c3-5b89143c6ede"_s;
const QString kSprayingId = u"8d2b4f61-3c9e-4a7d-b0e5-91f6a2c4d7e3"_s; // resources/sigma/rules/linux
const QString kFailureRuleId = u"6c3e9b0e-5d0a-4d3f-9a52-6a7f0c1b2e01"_s;
const QString kMalloryId = u"4a1d7e0c-2b6f-4c8e-9f3a-5d0b7c1e2a94"_s; // added while running

QByteArray authLine(const QDateTime &when, const QString &message) {
    return (QLocale::c().toString(when, u"MMM"_s) + u" "_s + when.toString(u"d"_s).rightJustified(2, u' ') + u" "_s
        + when.toString(u"HH:mm:ss"_s) + u" web-01 sshd[4242]: "_s + message + u"\n"_s)
        .toUtf8();
}

bool writeFile(const QString &path, const QByteArray &content) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    return file.write(content) == content.size();
}

} // namespace

class TestSigmaServer : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_server;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    ServerProcess::Reply call(const QByteArray &verb, const QString &route, bool anonymous = false) {
        return m_server->request(verb, route, {}, anonymous);
    }

    // The first alert of a rule (and group value, when given), or an empty object.
    QJsonObject findAlert(const QString &ruleId, const QString &groupField = {}, const QString &groupValue = {}) {
        const QJsonArray items = call("GET", u"/api/v1/alerts?limit=1000"_s).json()[u"items"_s].toArray();
        for (const QJsonValue &item : items) {
            const QJsonObject alert = item.toObject();
            if (alert[u"rule_id"_s].toString() == ruleId
                && (groupField.isEmpty() || alert[u"group"_s].toObject()[groupField].toString() == groupValue))
                return alert;
        }
        return {};
    }

    QJsonObject waitForAlert(const QString &ruleId, const QString &groupField = {}, const QString &groupValue = {}) {
        QJsonObject found;
        (void)QTest::qWaitFor(
            [&] {
                found = findAlert(ruleId, groupField, groupValue);
                return !found.isEmpty();
            },
            20000);
        return found;
    }

    QJsonObject waitForGeneration(qint64 generation) {
        QJsonObject report;
        (void)QTest::qWaitFor(
            [&] {
                report = call("GET", u"/api/v1/sigma/rules?limit=1000"_s).json();
                return report[u"generation"_s].toInteger() >= generation && !report[u"reloading"_s].toBool();
            },
            20000);
        return report;
    }

    QJsonObject healthCheck(const QString &name) {
        const QJsonArray checks = call("GET", u"/api/v1/health"_s).json()[u"checks"_s].toArray();
        for (const QJsonValue &check : checks) {
            if (check[u"name"_s].toString() == name)
                return check.toObject();
        }
        return {};
    }

    void appendToLog(const QList<QByteArray> &lines) {
        QFile log(path(u"auth.log"_s));
        QVERIFY(log.open(QIODevice::Append));
        for (const QByteArray &line : lines)
            log.write(line);
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(QFileInfo::exists(kRegression), "../shared/data (SigmaHQ regression data) must be beside the project");
        QVERIFY(QDir().mkpath(path(u"rules"_s)) && QDir().mkpath(path(u"evidence"_s)));
        // The rule tree: one SigmaHQ rule as published and the shipped Linux rules.
        QVERIFY(QFile::copy(kBitsadminRule, path(u"rules/bitsadmin_download.yml"_s)));
        for (const QString &name : QDir(kSource + u"/resources/sigma/rules/linux"_s).entryList({u"*.yml"_s}))
            QVERIFY(QFile::copy(kSource + u"/resources/sigma/rules/linux/"_s + name, path(u"rules/"_s + name)));
        QVERIFY(QFile::copy(kRegression + u"/"_s + kBitsadminId + u".evtx"_s, path(u"evidence/case.evtx"_s)));
        QVERIFY(writeFile(path(u"auth.log"_s), {}));

        QVERIFY(writeFile(path(u"sentinel.yaml"_s),
            u"collector:\n  sources:\n"
            u"    - {type: syslog, path: %1, format: rfc3164, start_at: beginning}\n"
            u"    - {type: evtx, path: %2}\n"
            u"transmitter:\n  batch_timeout: 20ms\n"_s.arg(path(u"auth.log"_s), path(u"evidence/*.evtx"_s))
                .toUtf8()));
        // The regression events are years old: the server must accept them. Relative paths are
        // read from the configuration file's directory.
        m_server = std::make_unique<ServerProcess>(QStringLiteral(VANOPTICOND_PATH), path(u"data"_s));
        const QString error = m_server->start(
            u"  max_event_age: 36500d\n  local_sentinel: sentinel.yaml\n"
            u"  sigma:\n    rules: [rules]\n    logsources: %1/resources/sigma/logsources.yaml\n"_s.arg(kSource));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(m_server->banner().contains(u"2 Sigma rules and 1 correlations in service (0 failed"_s),
            qPrintable(m_server->banner()));
        QCOMPARE(healthCheck(u"sigma"_s)[u"status"_s].toString(), u"healthy"_s);
    }

    void cleanupTestCase() {
        if (m_server)
            QCOMPARE(m_server->stop(), QString());
    }

    // The regression case's Sysmon event, imported by the sentinel, opens an alert of the
    // SigmaHQ rule: its level, scored as a signature (weight 1.0), grouped per node.
    void evtxEventOpensAnAlertOfItsSigmaRule() {
        const QJsonObject alert = waitForAlert(kBitsadminId);
        QVERIFY2(!alert.isEmpty(), "no alert for the bitsadmin regression case");
        QCOMPARE(alert[u"title"_s].toString(), u"File Download Via Bitsadmin"_s);
        QCOMPARE(alert[u"severity"_s].toString(), u"medium"_s);
        QCOMPARE(alert[u"count"_s].toInt(), 1);
        QVERIFY(!alert[u"node_id"_s].toString().isEmpty());
        QCOMPARE(alert[u"group"_s].toObject()[u"node_id"_s].toString(), alert[u"node_id"_s].toString());
        const QString explanation = alert[u"explanation"_s].toString();
        QVERIFY2(explanation.contains(u"Sigma rule \"File Download Via Bitsadmin\""_s), qPrintable(explanation));
        QVERIFY2(explanation.contains(u"× weight 1.0"_s), qPrintable(explanation));
        QVERIFY(alert[u"score"_s].toDouble() > 0);
    }

    // Failed logins for twelve accounts from one address: the shipped Sigma value_count
    // correlation (≥ 10 distinct users per SourceIp in 5 min) opens one alert for that address.
    // Its base rule does not alert on its own (the correlation refers to it without `generate`).
    void sigmaCorrelationOpensAnAlert() {
        const QDateTime now = QDateTime::currentDateTime();
        QList<QByteArray> lines;
        for (int i = 0; i < 12; ++i)
            lines.append(authLine(
                now, u"Failed password for invalid user user%1 from 203.0.113.9 port %2 ssh2"_s.arg(i).arg(40000 + i)));
        for (int i = 0; i < 3; ++i) // another address, one account: not spraying
            lines.append(authLine(now, u"Failed password for alice from 198.51.100.4 port %1 ssh2"_s.arg(50000 + i)));
        appendToLog(lines);

        const QJsonObject alert = waitForAlert(kSprayingId, u"SourceIp"_s, u"203.0.113.9"_s);
        QVERIFY2(!alert.isEmpty(), "no spraying alert");
        QCOMPARE(alert[u"severity"_s].toString(), u"high"_s);
        QCOMPARE(alert[u"title"_s].toString(), u"SSH Password Spraying From One Address"_s);
        // Written in the same batch as the spraying lines, so already analysed.
        QVERIFY(findAlert(kSprayingId, u"SourceIp"_s, u"198.51.100.4"_s).isEmpty());
        QVERIFY(findAlert(kFailureRuleId).isEmpty());
    }

    // A rule file added while the server runs is in service after the reload, without a restart.
    void addedRuleIsLoadedWithoutRestart() {
        QVERIFY(writeFile(path(u"rules/mallory_login.yml"_s),
            u"title: Login As Mallory\nid: %1\nstatus: test\nlevel: critical\n"
            u"logsource: {product: linux, service: sshd}\n"
            u"detection:\n  selection:\n    event_type: auth_success\n    User: mallory\n  condition: selection\n"_s
                .arg(kMalloryId)
                .toUtf8()));
        const QJsonObject report = waitForGeneration(2);
        QCOMPARE(report[u"generation"_s].toInteger(), 2);
        QCOMPARE(report[u"rules"_s].toInt(), 3);
        QCOMPARE(report[u"failed"_s].toInt(), 0);

        appendToLog({authLine(
            QDateTime::currentDateTime(), u"Accepted password for mallory from 192.0.2.50 port 5000 ssh2"_s)});
        const QJsonObject alert = waitForAlert(kMalloryId);
        QVERIFY2(!alert.isEmpty(), "the rule added at run time did not fire");
        QCOMPARE(alert[u"severity"_s].toString(), u"critical"_s);
    }

    // A broken file is reported with its reason (the other rules stay in service) and health
    // says Sigma is degraded until it is fixed.
    void brokenRuleIsReportedAndTheOthersStay() {
        QVERIFY(writeFile(path(u"rules/broken.yml"_s),
            "title: Broken\nlogsource: {product: linux}\ndetection:\n  condition: nothing\n"));
        QJsonObject report = waitForGeneration(3);
        QCOMPARE(report[u"rules"_s].toInt(), 3);
        QCOMPARE(report[u"failed"_s].toInt(), 1);
        const QJsonObject failure = report[u"failures"_s].toArray().first().toObject();
        QVERIFY2(failure[u"file"_s].toString().endsWith(u"broken.yml"_s), qPrintable(failure[u"file"_s].toString()));
        QVERIFY(!failure[u"reason"_s].toString().isEmpty());
        const QJsonObject health = healthCheck(u"sigma"_s);
        QCOMPARE(health[u"status"_s].toString(), u"degraded"_s);
        QVERIFY(health[u"message"_s].toString().contains(u"1 failed to load"_s));

        QVERIFY(QFile::remove(path(u"rules/broken.yml"_s)));
        report = waitForGeneration(4);
        QCOMPARE(report[u"failed"_s].toInt(), 0);
        QCOMPARE(healthCheck(u"sigma"_s)[u"status"_s].toString(), u"healthy"_s);
    }

    // Per-rule evaluations and matches: in the rule report (sorted, validated) and in /metrics,
    // which a local scraper reads without a token.
    void perRuleCountersAreExposed() {
        appendToLog({authLine(
            QDateTime::currentDateTime(), u"Accepted password for mallory from 192.0.2.51 port 5001 ssh2"_s)});
        QJsonArray items;
        QVERIFY(QTest::qWaitFor(
            [&] {
                items = call("GET", u"/api/v1/sigma/rules?sort=matches&limit=10"_s).json()[u"items"_s].toArray();
                return !items.isEmpty() && items.first()[u"matches"_s].toInt() >= 1;
            },
            20000));
        const QJsonObject top = items.first().toObject();
        QCOMPARE(top[u"rule_id"_s].toString(), kMalloryId);
        QCOMPARE(top[u"matches"_s].toInt(), 1);
        QVERIFY(top[u"evaluations"_s].toInt() >= 1);
        QVERIFY(top[u"cost_seconds"_s].toDouble() >= 0);
        QCOMPARE(call("GET", u"/api/v1/sigma/rules?sort=bogus"_s).status, 400);
        QCOMPARE(call("GET", u"/api/v1/sigma/rules"_s, true).status, 401);

        const ServerProcess::Reply metrics = call("GET", u"/metrics"_s, true);
        QCOMPARE(metrics.status, 200);
        const QByteArray text = metrics.body;
        const QByteArray expected = QByteArray("vanopticon_sigma_rule_matches_total{rule_id=\"") + kMalloryId.toLatin1()
            + QByteArray("\",title=\"Login As Mallory\"} 1\n");
        QVERIFY2(text.contains(expected), text.constData());
        QVERIFY(text.contains("vanopticon_sigma_rules{state=\"loaded\"} 3\n"));
        QVERIFY(text.contains("vanopticon_sigma_rule_set_generation 4\n"));
        QVERIFY(
            QRegularExpression(u"vanopticon_events_stored_total [1-9]"_s).match(QString::fromUtf8(text)).hasMatch());
    }
};

QTEST_GUILESS_MAIN(TestSigmaServer)
#include "tst_sigmaserver.moc"
