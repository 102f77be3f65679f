// SPDX-License-Identifier: Apache-2.0
// vanopticonctl's offline commands, run as a user would: output shape and exit status.
// (Benchmark figures are reported by `vanopticonctl bench`, never asserted here.)
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};
Run ctl(const QStringList &arguments) {
    QProcess process;
    process.start(QStringLiteral(VANOPTICONCTL_PATH), arguments);
    process.waitForFinished(120000);
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}
} // namespace

class TestCtl : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parsePrintsOneEventPerLineAndReportsFailures() {
        QTemporaryDir dir;
        QFile log(dir.filePath(u"auth.log"_s));
        QVERIFY(log.open(QIODevice::WriteOnly));
        log.write(
            "Nov 23 10:15:30 web-01 sshd[4242]: Failed password for root from 203.0.113.7 port 41234 ssh2\n"
            "<999>broken\n"
            "Nov 23 10:15:31 web-01 sshd[4243]: Accepted publickey for alice from 198.51.100.4 port 50022 ssh2\n");
        log.close();
        const Run run = ctl({u"parse"_s, u"--format"_s, u"rfc3164"_s, log.fileName()});
        QCOMPARE(run.exitCode, 1); // one line refused
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        const QJsonObject first = QJsonDocument::fromJson(lines[0]).object();
        QCOMPARE(first[u"event_type"_s].toString(), u"auth_failed"_s);
        QCOMPARE(first[u"fields"_s].toObject()[u"SourceIp"_s].toString(), u"203.0.113.7"_s);
        QCOMPARE(QJsonDocument::fromJson(lines[1]).object()[u"event_type"_s].toString(), u"auth_success"_s);
        QVERIFY2(run.err.contains(":2: PRI out of range"), run.err.constData());
        QCOMPARE(ctl({u"parse"_s, u"--format"_s, u"nonsense"_s, log.fileName()}).exitCode, 2);
    }

    // Auto-detection: each line of a mixed log goes to its own parser.
    void parseAutoDetectsEachLine() {
        QTemporaryDir dir;
        QFile log(dir.filePath(u"mixed.log"_s));
        QVERIFY(log.open(QIODevice::WriteOnly));
        log.write("Nov 23 10:15:30 web-01 sshd[4242]: Failed password for root from 203.0.113.7 port 41234 ssh2\n"
                  "{\"message\":\"hello\",\"src_ip\":\"192.0.2.9\"}\n"
                  "CEF:0|Vendor|Product|1.0|100|Blocked|7|src=198.51.100.1 dst=192.0.2.3\n"
                  "<165>1 2026-11-23T10:15:31Z host app - - - plain message\n");
        log.close();
        const Run run = ctl({u"parse"_s, log.fileName()});
        QCOMPARE(run.exitCode, 0);
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 4);
        QStringList types;
        for (const QByteArray &line : lines)
            types << QJsonDocument::fromJson(line).object()[u"event_type"_s].toString();
        QCOMPARE(types, (QStringList {u"auth_failed"_s, u"json"_s, u"cef"_s, u"syslog"_s}));
    }

    // softflowd's NetFlow v9 exports: data before its template is held, then all 44 flows come
    // out once the template arrives (as netflow's own test expects: 8 + 12 + 12 + 12).
    void parseNetflowHoldsDataUntilItsTemplate() {
        const QString packets = QStringLiteral(VANOPTICON_TEST_DATA_DIR) + u"/netflow/packets/"_s;
        const Run run = ctl({u"parse"_s, u"--format"_s, u"netflow"_s, packets + u"PACKETS_V9_0.bin"_s,
            packets + u"PACKETS_V9_1.bin"_s, packets + u"PACKETS_V9_2.bin"_s, packets + u"PACKET_V9_TEMPLATE.bin"_s});
        QCOMPARE(run.exitCode, 0);
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 8 + 12 + 12 + 12);
        const QJsonObject flow = QJsonDocument::fromJson(lines[0]).object();
        QCOMPARE(flow[u"event_type"_s].toString(), u"network_connection"_s);
        const Run invalid = ctl({u"parse"_s, u"--format"_s, u"netflow"_s, packets + u"PACKET_INVALID.bin"_s});
        QCOMPARE(invalid.exitCode, 1);
        QVERIFY2(invalid.err.contains("unsupported version"), invalid.err.constData());
    }

    // A SigmaHQ regression file: the record comes out with the fields its evtx_dump JSON shows.
    void parseEvtxImportsRecords() {
        const QString base = QStringLiteral(VANOPTICON_TEST_DATA_DIR)
            + u"/sigma/regression_data/rules/windows/process_creation/proc_creation_win_amsi_registry_tampering/"
              "7dbbcac2-57a0-45ac-b306-ff30a8bd2981"_s;
        QFile expectedFile(base + u".json"_s);
        QVERIFY(expectedFile.open(QIODevice::ReadOnly));
        const QJsonObject expected = QJsonDocument::fromJson(expectedFile.readAll())
                                         .object()[u"Event"_s]
                                         .toObject()[u"EventData"_s]
                                         .toObject();
        const Run run = ctl({u"parse"_s, u"--format"_s, u"evtx"_s, base + u".evtx"_s});
        QCOMPARE(run.exitCode, 0);
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 1);
        const QJsonObject event = QJsonDocument::fromJson(lines[0]).object();
        QCOMPARE(event[u"event_type"_s].toString(), u"process_creation"_s);
        const QJsonObject fields = event[u"fields"_s].toObject();
        QVERIFY(!expected[u"Image"_s].toString().isEmpty());
        QCOMPARE(fields[u"Image"_s].toString(), expected[u"Image"_s].toString());
        QCOMPARE(fields[u"CommandLine"_s].toString(), expected[u"CommandLine"_s].toString());
        QCOMPARE(ctl({u"parse"_s, u"--format"_s, u"evtx"_s, base + u".json"_s}).exitCode, 1); // not an EVTX file
    }

    // sigma check: one JSON object; a broken rule is named with its file and line, exit 1.
    void sigmaCheckReportsFailures() {
        QTemporaryDir dir;
        QFile good(dir.filePath(u"good.yml"_s));
        QVERIFY(good.open(QIODevice::WriteOnly));
        good.write("title: Whoami\nid: 3f0c1f5e-2d8e-4c8e-9a53-0b0d1c1a0001\nlogsource: {product: windows, "
                   "category: process_creation}\ndetection:\n  selection:\n    Image|endswith: '\\whoami.exe'\n"
                   "  condition: selection\nlevel: low\n");
        good.close();
        const Run ok = ctl({u"sigma"_s, u"check"_s, dir.path()});
        QCOMPARE(ok.exitCode, 0);
        const QJsonObject fine = QJsonDocument::fromJson(ok.out).object();
        QCOMPARE(fine[u"loaded"_s].toInt(), 1);
        QCOMPARE(fine[u"failed"_s].toInt(), 0);

        QFile bad(dir.filePath(u"bad.yml"_s));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("title: Broken\nlogsource: {product: windows}\ndetection:\n  selection:\n    Image|nosuch: x\n"
                  "  condition: selection\n");
        bad.close();
        const Run broken = ctl({u"sigma"_s, u"check"_s, dir.path()});
        QCOMPARE(broken.exitCode, 1);
        const QJsonObject result = QJsonDocument::fromJson(broken.out).object();
        QCOMPARE(result[u"loaded"_s].toInt(), 1);
        QCOMPARE(result[u"failed"_s].toInt(), 1);
        const QJsonObject failure = result[u"failures"_s].toArray().first().toObject();
        QVERIFY(failure[u"file"_s].toString().endsWith(u"bad.yml"_s));
        QCOMPARE(failure[u"line"_s].toInt(), 5);
        QVERIFY2(failure[u"reason"_s].toString().contains(u"nosuch"_s), broken.out.constData());
    }

    // sigma scan: a regression case's .evtx and .json each give a detection of their rule, with
    // the record number.
    void sigmaScanPrintsDetections() {
        const QString sigma = QStringLiteral(VANOPTICON_TEST_DATA_DIR) + u"/sigma"_s;
        const QString base = sigma
            + u"/regression_data/rules-emerging-threats/2026/Exploits/RedSun/file_event_win_exploit_redsun_indicators/"
              "f2e4b7d9-5c3a-4f8b-9e1d-7a6c2b3f4e5d"_s;
        const Run run = ctl({u"sigma"_s, u"scan"_s, u"--rules"_s, sigma + u"/rules-emerging-threats"_s,
            base + u".evtx"_s, base + u".json"_s});
        QCOMPARE(run.exitCode, 0);
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        for (const QByteArray &line : lines) {
            const QJsonObject detection = QJsonDocument::fromJson(line).object();
            QCOMPARE(detection[u"rule_id"_s].toString(), u"f2e4b7d9-5c3a-4f8b-9e1d-7a6c2b3f4e5d"_s);
            QCOMPARE(detection[u"level"_s].toString(), u"critical"_s);
            QCOMPARE(detection[u"record"_s].toInt(), 83239);
            QVERIFY(!detection[u"title"_s].toString().isEmpty());
        }
        QCOMPARE(ctl({u"sigma"_s, u"scan"_s, u"--rules"_s, sigma + u"/rules-emerging-threats"_s}).exitCode, 2);

        // `--rules DIR…` as written: the second directory holds the rule, and is not an input.
        const Run both = ctl({u"sigma"_s, u"scan"_s, u"--rules"_s, sigma + u"/rules-threat-hunting"_s,
            sigma + u"/rules-emerging-threats"_s, base + u".evtx"_s, base + u".json"_s});
        QCOMPARE(both.exitCode, 0);
        QCOMPARE(both.out.trimmed().split('\n').size(), 2);
        QVERIFY2(both.err.contains("2 events, 2 detections"), both.err.constData());
    }

    // bench sigma --rules DIR…: every directory named is compiled, as `sigma check` loads them.
    void benchSigmaCompilesEveryRuleDirectory() {
        const QString sigma = QStringLiteral(VANOPTICON_TEST_DATA_DIR) + u"/sigma"_s;
        const QStringList directories {sigma + u"/rules-threat-hunting"_s, sigma + u"/rules-emerging-threats"_s};
        const auto rulesIn
            = [](const Run &run) { return QJsonDocument::fromJson(run.out).object()[u"rules"_s].toInt(); };
        const int checked = rulesIn(ctl(QStringList {u"sigma"_s, u"check"_s} + directories));
        QVERIFY(checked > rulesIn(ctl({u"sigma"_s, u"check"_s, directories.first()})));
        const Run run = ctl(QStringList {u"bench"_s, u"sigma"_s, u"--events"_s, u"2048"_s, u"--samples"_s,
                                sigma + u"/regression_data"_s, u"--rules"_s}
            + directories);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject result = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(result[u"rules"_s].toInt(), checked);
        QCOMPARE(result[u"failed"_s].toInt(), 0);
        QVERIFY(result[u"events"_s].toInt() >= 2048);
        QVERIFY(result[u"events_per_second"_s].toDouble() > 0);
    }

    // An auth log replayed offline through the shipped SSH brute-force correlation (event_count
    // over the sshd failure rule, per SourceIp, 10 s): every clear brute forcer is found (five
    // or more failures within 10 s) and no innocent address (at most four in any 10 s, however
    // many in all, and successful logins).
    void sigmaScanFindsBruteForcersOnly() {
        QTemporaryDir dir;
        QFile log(dir.filePath(u"auth.log"_s));
        QVERIFY(log.open(QIODevice::WriteOnly));
        std::vector<std::pair<int, QByteArray>> lines; // (second of the day, line)
        const auto line = [](int second, const QByteArray &text) -> QByteArray {
            return QByteArray("Nov 23 ") + QByteArray::number(10 + second / 3600).rightJustified(2, '0') + ':'
                + QByteArray::number(second / 60 % 60).rightJustified(2, '0') + ':'
                + QByteArray::number(second % 60).rightJustified(2, '0') + " web-01 sshd[" + QByteArray::number(second)
                + "]: " + text + '\n';
        };
        QStringList attackers;
        for (int a = 1; a <= 20; ++a) {
            const QByteArray ip = "203.0.113." + QByteArray::number(a);
            attackers.append(QString::fromLatin1(ip));
            for (int i = 0; i < 30; ++i) // one failure a second
                lines.emplace_back(a * 97 + i,
                    line(a * 97 + i,
                        "Failed password for root from " + ip + " port 4" + QByteArray::number(i) + " ssh2"));
        }
        for (int n = 1; n <= 200; ++n) {
            const QByteArray ip = "198.51.100." + QByteArray::number(n);
            for (int i = 0; i < 12; ++i) // a failure every 3 s: never five within 10 s
                lines.emplace_back(n * 13 + i * 3,
                    line(n * 13 + i * 3,
                        "Failed password for alice from " + ip + " port 5" + QByteArray::number(i) + " ssh2"));
            lines.emplace_back(
                n * 13 + 40, line(n * 13 + 40, "Accepted password for alice from " + ip + " port 6000 ssh2"));
        }
        std::stable_sort(lines.begin(), lines.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
        for (const auto &[second, text] : lines)
            log.write(text);
        log.close();

        const QString sigma = QStringLiteral(VANOPTICON_SOURCE_DIR) + u"/resources/sigma"_s;
        const Run run = ctl({u"sigma"_s, u"scan"_s, u"--rules"_s, sigma + u"/rules"_s, u"--rules"_s,
            sigma + u"/examples"_s, log.fileName()});
        QCOMPARE(run.exitCode, 0);
        QSet<QString> found;
        for (const QByteArray &text : run.out.trimmed().split('\n')) {
            const QJsonObject detection = QJsonDocument::fromJson(text).object();
            QCOMPARE(detection[u"title"_s].toString(), u"SSH Brute Force From One Address"_s);
            found.insert(detection[u"group"_s].toObject()[u"SourceIp"_s].toString());
        }
        QCOMPARE(found, QSet<QString>(attackers.begin(), attackers.end()));
    }

    void benchSentinelPrintsItsFigures() {
        const Run run = ctl({u"bench"_s, u"sentinel"_s, u"--events"_s, u"5000"_s});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject result = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(result[u"events"_s].toInt(), 5000);
        QVERIFY(result[u"events_per_second"_s].toDouble() > 0);
        QVERIFY(result[u"peak_rss_mb"_s].toDouble() > 0);
        const QJsonObject parse = result[u"stages"_s].toObject()[u"parse"_s].toObject();
        QCOMPARE(parse[u"in"_s].toInt(), 5000);
        QCOMPARE(parse[u"errors"_s].toInt(), 0); // generated input is valid: all of it parses
        const QJsonObject filter = result[u"stages"_s].toObject()[u"filter"_s].toObject();
        QCOMPARE(filter[u"in"_s].toInt() - filter[u"dropped"_s].toInt(), filter[u"out"_s].toInt());
    }

    // The live bench starts a real server and sentinel, writes to a log at a steady rate and
    // reads the server's metrics: every line written is stored, the delay is measured, and no
    // more transactions than batches stored them.
    void benchSentinelLiveStoresEveryLine() {
        const Run run = ctl({u"bench"_s, u"sentinel"_s, u"--live"_s, u"--rate"_s, u"2000"_s, u"--seconds"_s, u"3"_s});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject result = QJsonDocument::fromJson(run.out).object();
        QVERIFY(result[u"lines_written"_s].toInt() > 3000);
        QCOMPARE(result[u"events_stored_by_server"_s].toInt(), result[u"lines_written"_s].toInt());
        QVERIFY(result[u"delivery_delay_p50_seconds"_s].toDouble() > 0);
        QVERIFY(
            result[u"delivery_delay_p99_seconds"_s].toDouble() >= result[u"delivery_delay_p50_seconds"_s].toDouble());
        QVERIFY(result[u"server_ingest_transactions"_s].toDouble() > 0);
        QVERIFY(result[u"server_ingest_transactions"_s].toDouble() <= result[u"server_event_batches"_s].toDouble());
    }

    // The server bench floods a real server from several nodes at once: every event of every
    // node is stored once, the server's CPU and its own stage times are read, and bad options are
    // refused.
    void benchServerStoresEveryNodesBacklogOnce() {
        const Run run
            = ctl({u"bench"_s, u"server"_s, u"--events"_s, u"30000"_s, u"--nodes"_s, u"3"_s, u"--batch"_s, u"500"_s});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject result = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(result[u"nodes"_s].toInt(), 3);
        QCOMPARE(result[u"events"_s].toInt(), 30000); // 3 nodes × 20 batches × 500: every generated line parses
        QCOMPARE(result[u"events_stored"_s].toInt(), 30000);
        QCOMPARE(result[u"events_acknowledged"_s].toInt(), 30000);
        QCOMPARE(result[u"events_duplicate"_s].toInt(), 0);
        QVERIFY(result[u"server_event_batches"_s].toDouble() >= 60);
        QVERIFY(result[u"server_cpu_seconds"_s].toDouble() > 0);
        // A part of the process's CPU (read a moment apart: a clock tick of slack).
        QVERIFY(result[u"server_main_thread_cpu_seconds"_s].toDouble() > 0);
        QVERIFY(result[u"server_main_thread_cpu_seconds"_s].toDouble()
            <= result[u"server_cpu_seconds"_s].toDouble() + 0.02);
        QVERIFY(result[u"server_store_seconds"_s].toDouble() > 0);
        QVERIFY(result[u"server_analysis_seconds"_s].toDouble() > 0);
        QVERIFY(result[u"events_per_second"_s].toDouble() > 0);

        const Run noNodes = ctl({u"bench"_s, u"server"_s, u"--nodes"_s, u"0"_s});
        QCOMPARE(noNodes.exitCode, 2);
        QVERIFY(noNodes.err.contains("--nodes"));
    }
    // Every phase runs its real code: what was appended, recovered, stored and found duplicate
    // adds up (the speeds are not judged here).
    void benchDeliveryAccountsForEveryEvent() {
        const Run run = ctl({u"bench"_s, u"delivery"_s, u"--events"_s, u"2000"_s, u"--batch"_s, u"100"_s,
            u"--recover-mb"_s, u"1"_s, u"--ingest-events"_s, u"3000"_s});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject result = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(result[u"events"_s].toInt(), 2000);
        QCOMPARE(result[u"syncs"_s].toInt(), 20);
        QVERIFY(result[u"recovery_mb"_s].toDouble() >= 1.0);
        QVERIFY(result[u"compression_ratio"_s].toDouble() > 1.0);
        QCOMPARE(result[u"compression_level"_s].toInt(), 3); // the transmitter's default
        QVERIFY(result[u"compress_mb_per_second"_s].toDouble() > 0);
        QCOMPARE(result[u"ingest_events"_s].toInt(), 3000);
        QCOMPARE(result[u"ingest_stored"_s].toInt() + result[u"ingest_rejected"_s].toInt(), 3000);
        QCOMPARE(result[u"ingest_rejected"_s].toInt(), 0); // a log that ends now: all fresh
        QCOMPARE(result[u"replay_events"_s].toInt(), 300); // the first tenth of 30 frames
        QCOMPARE(result[u"replay_duplicates"_s].toInt(), 300);
        // The stages' times are measured and lie within the whole path's.
        const double stages = result[u"ingest_decode_seconds"_s].toDouble()
            + result[u"ingest_store_seconds"_s].toDouble() + result[u"ingest_analysis_seconds"_s].toDouble();
        QVERIFY(result[u"ingest_decode_seconds"_s].toDouble() > 0);
        QVERIFY(result[u"ingest_store_seconds"_s].toDouble() > 0);
        QVERIFY(result[u"ingest_analysis_seconds"_s].toDouble() > 0);
        QVERIFY(stages <= result[u"ingest_seconds"_s].toDouble());
        QVERIFY(
            result[u"ingest_store_events_per_second"_s].toDouble() > result[u"ingest_events_per_second"_s].toDouble());
        // The generated attacks fire the correlation rules; each alert write holds at least one
        // detection.
        const int alertWrites = result[u"ingest_alerts_created"_s].toInt() + result[u"ingest_alerts_updated"_s].toInt();
        QVERIFY(alertWrites > 0);
        QVERIFY(result[u"ingest_detections"_s].toInt() >= alertWrites);
        // Waiting, the 30 batches fit one group of kGroupEvents (4,000) events: one transaction.
        // One by one they open the same alerts, updated more often.
        QCOMPARE(result[u"ingest_groups"_s].toInt(), 1);
        QVERIFY(result[u"ingest_one_by_one_events_per_second"_s].toDouble() > 0);
        QCOMPARE(result[u"ingest_one_by_one_alerts_created"_s].toInt(), result[u"ingest_alerts_created"_s].toInt());
        QVERIFY(result[u"ingest_one_by_one_alerts_updated"_s].toInt() >= result[u"ingest_alerts_updated"_s].toInt());
    }

    // --input frames a real log's lines, each once, as the sentinel would parse and send them:
    // here CrowdSec's slow brute-force test log (22 sshd lines) and an empty line, which no
    // format accepts and which is therefore not sent.
    void benchDeliveryFramesARealLog() {
        QFile source(QStringLiteral(VANOPTICON_TEST_DATA_DIR "/crowdsec/tests/ssh-slow-bf/ssh-slow-bf.log"));
        QVERIFY2(source.open(QIODevice::ReadOnly), qPrintable(source.fileName()));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString logPath = dir.filePath(u"auth.log"_s);
        QFile log(logPath);
        QVERIFY(log.open(QIODevice::WriteOnly));
        log.write(source.readAll() + "\n");
        log.close();

        const Run run = ctl({u"bench"_s, u"delivery"_s, u"--input"_s, logPath, u"--batch"_s, u"8"_s, u"--events"_s,
            u"40"_s, u"--recover-mb"_s, u"0"_s, u"--ingest-events"_s, u"0"_s});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject result = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(result[u"input"_s].toString(), logPath);
        QCOMPARE(result[u"input_lines"_s].toInt(), 23);
        QCOMPARE(result[u"input_events"_s].toInt(), 22);
        // Frames of 8, 8 and 6 events, appended in turn until 40 are in: two rounds.
        QCOMPARE(result[u"events"_s].toInt(), 44);
        QCOMPARE(result[u"syncs"_s].toInt(), 6);
        QVERIFY(result[u"compression_ratio"_s].toDouble() > 1.0);
        QVERIFY(result[u"raw_bytes_per_event"_s].toDouble() > result[u"wire_bytes_per_event"_s].toDouble());
        QVERIFY(!result.contains(u"ingest_events"_s));

        const Run badFormat = ctl({u"bench"_s, u"delivery"_s, u"--input"_s, logPath, u"--format"_s, u"syslog"_s});
        QCOMPARE(badFormat.exitCode, 2);
        QVERIFY2(badFormat.err.contains("--format is one of auto, rfc3164"), badFormat.err.constData());
        const Run notJson = ctl({u"bench"_s, u"delivery"_s, u"--input"_s, logPath, u"--format"_s, u"json"_s,
            u"--recover-mb"_s, u"0"_s, u"--ingest-events"_s, u"0"_s});
        QCOMPARE(notJson.exitCode, 1);
        QVERIFY2(notJson.err.contains("parsed as json"), notJson.err.constData());
        const Run missing = ctl({u"bench"_s, u"delivery"_s, u"--input"_s, dir.filePath(u"missing.log"_s)});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains("cannot read"), missing.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCtl)
#include "tst_ctl.moc"
