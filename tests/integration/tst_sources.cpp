// SPDX-License-Identifier: Apache-2.0
// Every collector source type end to end with real processes on loopback: a vanopticond server
// and a vanopticond sentinel whose collector has one source of each type, fed with real input (a
// log file, syslog over real UDP and TCP sockets, softflowd's NetFlow v9 datagrams, a journal
// written by systemd's own writer, a SigmaHQ .evtx, a file created, a process started, the
// host's figures). What each source produced is checked where it ends up: the server's database.
#include "shared/event/severity.h"
#include "support/daemonprocesses.h"
#include "unit/sentinel/journald/journalwriter.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtEndian>
#include <QTest>
#include <QUdpSocket>

#include <functional>
#include <optional>

#include <pwd.h>
#include <sys/statvfs.h>
#include <unistd.h>

using namespace vanopticon;
using namespace vanopticon::testsupport;
using namespace Qt::StringLiterals;

namespace {

constexpr int kTimeoutMs = 8000;
const QString kTestData = QStringLiteral(VANOPTICON_TEST_DATA_DIR);
// A Sysmon process creation with one record (SigmaHQ regression data, with the authors' JSON).
const QString kEvtxCase = u"proc_creation_win_malware_grixba_recon"_s;

// One row of the server's events table: the columns, and the other fields from its JSON.
struct StoredEvent {
    qint64 id = 0;
    QString nodeId;
    qint64 timestampNs = 0;
    int severity = 0;
    QJsonObject fields;

    QString value(const QString &name) const { return fields.value(name).toString(); }
};

// The server's events table, read through a read-only connection of its own (the server keeps
// the database in WAL mode: readers do not disturb it). Rows are read once, in id order.
class EventTable {
public:
    ~EventTable() { close(); }

    QString open(const QString &path) {
        m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, kConnection);
        m_db.setDatabaseName(path);
        m_db.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"_s);
        if (!m_db.open())
            return u"cannot open "_s + path + u": "_s + m_db.lastError().text();
        return {};
    }

    void close() {
        if (!m_db.isValid())
            return;
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(kConnection);
    }

    // Reads the rows stored since the last call; what went wrong, or an empty string.
    QString refresh() {
        QSqlQuery query(m_db);
        query.prepare(u"SELECT id, node_id, timestamp_ns, event_type, severity, host, message, raw, fields "
                      u"FROM events WHERE id > ? ORDER BY id"_s);
        query.addBindValue(m_lastId);
        if (!query.exec())
            return u"reading the events table: "_s + query.lastError().text();
        while (query.next()) {
            StoredEvent event;
            event.id = query.value(0).toLongLong();
            event.nodeId = query.value(1).toString();
            event.timestampNs = query.value(2).toLongLong();
            event.severity = query.value(4).toInt();
            event.fields = QJsonDocument::fromJson(query.value(8).toString().toUtf8()).object();
            // The columns under the names the sentinel gave them.
            event.fields.insert(u"event_type"_s, query.value(3).toString());
            event.fields.insert(u"host"_s, query.value(5).toString());
            event.fields.insert(u"message"_s, query.value(6).toString());
            event.fields.insert(u"raw"_s, query.value(7).toString());
            m_events.append(event);
            m_lastId = event.id;
        }
        return {};
    }

    QList<StoredEvent> select(const std::function<bool(const StoredEvent &)> &match) {
        if (const QString failed = refresh(); !failed.isEmpty())
            qWarning("%s", qPrintable(failed));
        QList<StoredEvent> selected;
        for (const StoredEvent &event : std::as_const(m_events)) {
            if (match(event))
                selected.append(event);
        }
        return selected;
    }

    std::optional<StoredEvent> find(const std::function<bool(const StoredEvent &)> &match) {
        const QList<StoredEvent> selected = select(match);
        return selected.isEmpty() ? std::nullopt : std::optional<StoredEvent>(selected.first());
    }

    // For failure messages: what is stored of one source type (the last few events).
    QString describe(const QString &sourceType) {
        const QList<StoredEvent> events
            = select([&](const StoredEvent &event) { return event.value(u"source_type"_s) == sourceType; });
        QString text = u"%1 events stored with source_type %2 (of %3 in all)"_s.arg(events.size())
                           .arg(sourceType)
                           .arg(m_events.size());
        for (qsizetype i = std::max<qsizetype>(events.size() - 5, 0); i < events.size(); ++i)
            text += u"\n  "_s + QString::fromUtf8(QJsonDocument(events[i].fields).toJson(QJsonDocument::Compact));
        return text;
    }

    qsizetype size() const { return m_events.size(); }

private:
    static inline const QString kConnection = u"tst_sources"_s;
    QSqlDatabase m_db;
    qint64 m_lastId = 0;
    QList<StoredEvent> m_events;
};

using Fields = QList<std::pair<QString, QString>>;

bool hasFields(const StoredEvent &event, const Fields &fields) {
    for (const auto &[name, value] : fields) {
        if (event.value(name) != value)
            return false;
    }
    return true;
}

// "name=value" lines of `expected`'s names as the event has them, to compare with render(expected):
// a difference shows both in full.
QString actualFields(const StoredEvent &event, const Fields &expected) {
    QString text;
    for (const auto &[name, value] : expected)
        text += name + u"="_s + (event.fields.contains(name) ? event.value(name) : u"(missing)"_s) + u"\n"_s;
    return text;
}

QString render(const Fields &expected) {
    QString text;
    for (const auto &[name, value] : expected)
        text += name + u"="_s + value + u"\n"_s;
    return text;
}

quint16 freeUdpPort() {
    QUdpSocket socket;
    return socket.bind(QHostAddress::LocalHost, 0) ? socket.localPort() : 0;
}

quint16 freeTcpPort() {
    QTcpServer server;
    return server.listen(QHostAddress::LocalHost, 0) ? server.serverPort() : 0;
}

// A BSD-style line as rsyslog writes it, stamped now (the year is inferred from the date).
QString bsdLine(const QString &host, const QString &tag, const QString &message) {
    const QDateTime now = QDateTime::currentDateTime();
    return QLocale::c().toString(now, u"MMM"_s) + u" "_s + now.toString(u"d"_s).rightJustified(2, u' ') + u" "_s
        + now.toString(u"HH:mm:ss"_s) + u" "_s + host + u" "_s + tag + u": "_s + message;
}

// An RFC 3339 time ("2025-11-26T05:11:27.927693Z", "…T10:02:03.5+01:00") in Unix nanoseconds,
// the fraction to the nanosecond (Qt's own parsing stops at milliseconds); 0 if it is not one.
qint64 isoTimeNs(const QString &iso) {
    static const QRegularExpression pattern(
        u"^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d)(?:\\.(\\d{1,9}))?(Z|[+-]\\d\\d:\\d\\d)$"_s);
    const QRegularExpressionMatch match = pattern.match(iso);
    if (!match.hasMatch())
        return 0;
    const QDateTime seconds = QDateTime::fromString(match.captured(1) + match.captured(3), Qt::ISODate);
    if (!seconds.isValid())
        return 0;
    return seconds.toSecsSinceEpoch() * 1'000'000'000 + match.captured(2).leftJustified(9, u'0').toLongLong();
}

QString findEvtxCase(const QString &folder) {
    QDirIterator it(kTestData + u"/sigma/regression_data"_s, {u"*.evtx"_s}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (path.contains(u"/"_s + folder + u"/"_s))
            return path;
    }
    return {};
}

QByteArray readFile(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestSources : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_server;
    QProcess m_sentinel;
    EventTable m_events;
    QString m_nodeId;
    quint16 m_udpPort = 0;
    quint16 m_tcpPort = 0;
    quint16 m_netflowPort = 0;
    QString m_evtxPath;
    QString m_journal;
    QString m_watched;
    QProcess m_sleep;

    // The journal entries of this test: programs writing to journald, with what journald records.
    static QByteArray journalEntry(qint64 realtimeUs, const QByteArray &pid, const QByteArray &message) {
        return exportEntry(realtimeUs,
            {{"MESSAGE", message}, {"PRIORITY", "5"}, {"_HOSTNAME", "journal-host"}, {"SYSLOG_IDENTIFIER", "sshd"},
                {"_COMM", "sshd"}, {"_PID", pid}, {"_UID", "0"}, {"_SYSTEMD_UNIT", "ssh.service"},
                {"_EXE", "/usr/sbin/sshd"}});
    }

    // Input this test makes is dated a little before it runs, the way live input is (the server
    // keeps only recent events). Microseconds: the journal's resolution.
    const qint64 m_startUs = (QDateTime::currentMSecsSinceEpoch() - 60'000) * 1000 + 123;

    QDateTime startTime() const { return QDateTime::fromMSecsSinceEpoch(m_startUs / 1000, Qt::UTC); }
    QString jsonTime() const { return startTime().toString(Qt::ISODateWithMs); }

    QString writeInputs() {
        // The log file read with format auto: a BSD sshd line, a JSON line and a CEF line.
        QFile log(m_dir.filePath(u"mixed.log"_s));
        if (!log.open(QIODevice::WriteOnly))
            return u"cannot write "_s + log.fileName();
        log.write(QString(
            bsdLine(u"web-01"_s, u"sshd[4242]"_s, u"Failed password for root from 198.51.100.21 port 50021 ssh2"_s)
            + u"\n"_s)
                      .toUtf8());
        log.write(u"{\"timestamp\":\"%1\",\"host\":\"app-01\",\"service\":\"billing\",\"msg\":\"login accepted\","
                  u"\"src_ip\":\"192.0.2.44\",\"user\":\"carol\",\"dest_port\":8443}\n"_s.arg(jsonTime())
                      .toUtf8());
        log.write("CEF:0|Vanopticon Test|Firewall|1.0|4000|Port scan detected|7|src=203.0.113.61 spt=51515 "
                  "dst=10.1.2.3 dpt=22 proto=TCP act=blocked\n");
        log.close();

        m_journal = m_dir.filePath(u"journal"_s);
        if (!QDir().mkpath(m_journal))
            return u"cannot create "_s + m_journal;
        if (const QString failed = appendToJournal(m_journal + u"/test.journal"_s,
                journalEntry(m_startUs, "3101", "Failed password for admin from 198.51.100.24 port 4024 ssh2"));
            !failed.isEmpty())
            return failed;

        m_watched = m_dir.filePath(u"watched"_s);
        if (!QDir().mkpath(m_watched))
            return u"cannot create "_s + m_watched;

        m_evtxPath = findEvtxCase(kEvtxCase);
        if (m_evtxPath.isEmpty())
            return u"no SigmaHQ regression case "_s + kEvtxCase + u" under "_s + kTestData;
        return {};
    }

    QString writeSentinelConfig(const QString &path) {
        QFile config(path);
        if (!config.open(QIODevice::WriteOnly))
            return u"cannot write "_s + path;
        config.write(u"collector:\n"
                     u"  sources:\n"
                     u"    - type: syslog\n"
                     u"      path: %1\n"
                     u"      format: auto\n"
                     u"      poll_interval: 50ms\n"
                     u"    - type: syslog_udp\n"
                     u"      listen: 127.0.0.1:%2\n"
                     u"    - type: syslog_tcp\n"
                     u"      listen: 127.0.0.1:%3\n"
                     u"    - type: netflow\n"
                     u"      listen: 127.0.0.1:%4\n"
                     u"    - type: journald\n"
                     u"      directory: %5\n"
                     u"      start_at: beginning\n"
                     u"      poll_interval: 50ms\n"
                     u"    - type: evtx\n"
                     u"      path: %6\n"
                     u"    - type: file_monitor\n"
                     u"      paths: [%7]\n"
                     u"      hash: sha256\n"
                     u"    - type: process_monitor\n"
                     u"      method: proc\n"
                     u"      poll_interval: 100ms\n"
                     u"    - type: metrics\n"
                     u"      interval: 1s\n"
                     u"      mounts: [/]\n"
                     u"transmitter:\n"
                     u"  heartbeat_interval: 1s\n"
                     u"  batch_timeout: 20ms\n"_s.arg(m_dir.filePath(u"mixed.log"_s))
                         .arg(m_udpPort)
                         .arg(m_tcpPort)
                         .arg(m_netflowPort)
                         .arg(m_journal, m_evtxPath, m_watched)
                         .toUtf8());
        return {};
    }

    // The first stored event of this sentinel that `match` accepts, waited for.
    std::optional<StoredEvent> waitFor(const std::function<bool(const StoredEvent &)> &match) {
        std::optional<StoredEvent> found;
        const auto mine = [&](const StoredEvent &event) { return event.nodeId == m_nodeId && match(event); };
        if (!QTest::qWaitFor([&] { return (found = m_events.find(mine)).has_value(); }, kTimeoutMs))
            return std::nullopt;
        return found;
    }

    // The first stored event of this sentinel with all of `key`, waited for.
    std::optional<StoredEvent> waitFor(const Fields &key) {
        return waitFor([&](const StoredEvent &event) { return hasFields(event, key); });
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        // Every source is exercised: missing tools or data are failures, not skips.
        QVERIFY2(!journalRemotePath().isEmpty(),
            "systemd-journal-remote is needed to write the test journal (Debian package systemd-journal-remote)");
        QVERIFY2(QFileInfo(u"/bin/sleep"_s).isExecutable(), "/bin/sleep is needed for the process monitor");
        for (const QString &packet : {u"PACKET_V9_TEMPLATE"_s, u"PACKETS_V9_0"_s})
            QVERIFY2(QFile::exists(kTestData + u"/netflow/packets/"_s + packet + u".bin"_s), qPrintable(packet));
    }

    void cleanupTestCase() {
        m_events.close();
        if (m_sleep.state() != QProcess::NotRunning) {
            m_sleep.kill();
            m_sleep.waitForFinished(5000);
        }
        if (m_sentinel.state() != QProcess::NotRunning)
            stopProcess(m_sentinel, u"the sentinel"_s);
        m_server.reset();
    }

    void serverStarts() {
        m_server = std::make_unique<ServerProcess>(QStringLiteral(VANOPTICOND_PATH), m_dir.filePath(u"server"_s));
        // The softflowd captures (2019) and the SigmaHQ .evtx records are history: a server that
        // imports them is configured to accept old events (the default refuses them after 7 days).
        const QString failed = m_server->start(u"  max_event_age: 36500d\n"_s);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QVERIFY2(QFile::exists(m_server->databasePath()), qPrintable(m_server->databasePath()));
        const QString opened = m_events.open(m_server->databasePath());
        QVERIFY2(opened.isEmpty(), qPrintable(opened));
        const QString read = m_events.refresh();
        QVERIFY2(read.isEmpty(), qPrintable(read));
        QCOMPARE(m_events.size(), 0);
    }

    void sentinelWithEverySourceTypeEnrolls() {
        QString error;
        const QString token = m_server->enrollmentToken(u"every source"_s, error);
        QVERIFY2(!token.isEmpty(), qPrintable(error));
        const QString inputs = writeInputs();
        QVERIFY2(inputs.isEmpty(), qPrintable(inputs));
        m_udpPort = freeUdpPort();
        m_tcpPort = freeTcpPort();
        m_netflowPort = freeUdpPort();
        QVERIFY(m_udpPort != 0 && m_tcpPort != 0 && m_netflowPort != 0 && m_udpPort != m_netflowPort);
        const QString config = m_dir.filePath(u"sentinel.yaml"_s);
        const QString written = writeSentinelConfig(config);
        QVERIFY2(written.isEmpty(), qPrintable(written));

        startSentinel(m_sentinel, QStringLiteral(VANOPTICOND_PATH), config, m_dir.filePath(u"sentinel"_s),
            m_server->webSocketUrl(), token);
        QVERIFY2(m_sentinel.waitForStarted(10000), qPrintable(m_sentinel.errorString()));
        const auto enrolled = [&] {
            const auto [status, nodes] = m_server->call("GET", u"/api/v1/nodes"_s);
            const QJsonArray items = nodes[u"items"_s].toArray();
            if (status != 200 || items.size() != 1)
                return false;
            m_nodeId = items.first()[u"id"_s].toString();
            return true;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(enrolled(), "the sentinel did not enroll (its output is above)", kTimeoutMs);
        QVERIFY(!m_nodeId.isEmpty());

        // The sentinel starts every source in one go before its event loop runs, and nothing is
        // sent before that loop runs: once any of its events is stored, every source has started
        // (sockets bound, watches set, the process table read). Only then is input sent below.
        QTRY_VERIFY2_WITH_TIMEOUT(
            !m_events.select([&](const StoredEvent &event) { return event.nodeId == m_nodeId; }).isEmpty(),
            "no event of the sentinel was stored", kTimeoutMs);
        QCOMPARE(m_sentinel.state(), QProcess::Running);
    }

    void syslogFile() {
        const auto sshd = waitFor({{u"source_type"_s, u"syslog"_s}, {u"host"_s, u"web-01"_s}});
        QVERIFY2(sshd, qPrintable(m_events.describe(u"syslog"_s)));
        const Fields expectedSshd {{u"event_type"_s, u"auth_failed"_s}, {u"category"_s, u"authentication"_s},
            {u"service"_s, u"sshd"_s}, {u"User"_s, u"root"_s}, {u"SourceIp"_s, u"198.51.100.21"_s},
            {u"SourcePort"_s, u"50021"_s}, {u"AuthMethod"_s, u"password"_s}, {u"ProcessId"_s, u"4242"_s},
            {u"reason"_s, u"bad_password"_s}};
        QCOMPARE(actualFields(*sshd, expectedSshd), render(expectedSshd));
        QVERIFY2(sshd->value(u"raw"_s).endsWith(u"web-01 sshd[4242]: Failed password for root from 198.51.100.21 "
                                                u"port 50021 ssh2"_s),
            qPrintable(sshd->value(u"raw"_s)));
        QCOMPARE(sshd->severity, int(Severity::Low));

        const auto json = waitFor({{u"source_type"_s, u"json"_s}});
        QVERIFY2(json, qPrintable(m_events.describe(u"json"_s)));
        const Fields expectedJson {{u"event_type"_s, u"json"_s}, {u"host"_s, u"app-01"_s}, {u"service"_s, u"billing"_s},
            {u"message"_s, u"login accepted"_s}, {u"SourceIp"_s, u"192.0.2.44"_s}, {u"User"_s, u"carol"_s},
            {u"DestinationPort"_s, u"8443"_s}};
        QCOMPARE(actualFields(*json, expectedJson), render(expectedJson));
        QCOMPARE(json->timestampNs, isoTimeNs(jsonTime()));

        const auto cef = waitFor({{u"source_type"_s, u"cef"_s}});
        QVERIFY2(cef, qPrintable(m_events.describe(u"cef"_s)));
        const Fields expectedCef {{u"event_type"_s, u"cef"_s}, {u"category"_s, u"security"_s},
            {u"message"_s, u"Port scan detected"_s}, {u"cef.vendor"_s, u"Vanopticon Test"_s},
            {u"cef.signature_id"_s, u"4000"_s}, {u"SourceIp"_s, u"203.0.113.61"_s}, {u"SourcePort"_s, u"51515"_s},
            {u"DestinationIp"_s, u"10.1.2.3"_s}, {u"DestinationPort"_s, u"22"_s}, {u"Action"_s, u"blocked"_s}};
        QCOMPARE(actualFields(*cef, expectedCef), render(expectedCef));
    }

    void syslogUdp() {
        QUdpSocket socket;
        const QString time = startTime().toString(Qt::ISODateWithMs); // "…T10:01:02.003Z"
        const QByteArray rfc5424 = "<165>1 " + time.toUtf8()
            + " app-udp billing 1234 ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\"] udp rfc5424 "
              "message";
        const QByteArray rfc3164 = "<38>"
            + bsdLine(u"bastion-udp"_s, u"sshd[777]"_s,
                u"Failed password for invalid user oracle from 198.51.100.22 port 4022 ssh2"_s)
                  .toUtf8();
        for (const QByteArray &datagram : {rfc5424, rfc3164})
            QCOMPARE(socket.writeDatagram(datagram, QHostAddress::LocalHost, m_udpPort), qint64(datagram.size()));

        const auto structured = waitFor({{u"host"_s, u"app-udp"_s}});
        QVERIFY2(structured, qPrintable(m_events.describe(u"syslog"_s)));
        const Fields expected5424 {{u"source_type"_s, u"syslog"_s}, {u"event_type"_s, u"syslog"_s},
            {u"service"_s, u"billing"_s}, {u"ProcessId"_s, u"1234"_s}, {u"msg_id"_s, u"ID47"_s},
            {u"exampleSDID_32473.iut"_s, u"3"_s}, {u"exampleSDID_32473.eventSource"_s, u"Application"_s},
            {u"message"_s, u"udp rfc5424 message"_s}, {u"raw"_s, QString::fromUtf8(rfc5424)},
            {u"log_source_ip"_s, u"127.0.0.1"_s}};
        QCOMPARE(actualFields(*structured, expected5424), render(expected5424));
        QCOMPARE(structured->timestampNs, (m_startUs / 1000) * 1'000'000);
        QCOMPARE(structured->severity, int(Severity::Low)); // PRI 165: notice

        const auto bsd = waitFor({{u"host"_s, u"bastion-udp"_s}});
        QVERIFY2(bsd, qPrintable(m_events.describe(u"syslog"_s)));
        const Fields expected3164 {{u"source_type"_s, u"syslog"_s}, {u"event_type"_s, u"auth_failed"_s},
            {u"User"_s, u"oracle"_s}, {u"SourceIp"_s, u"198.51.100.22"_s}, {u"SourcePort"_s, u"4022"_s},
            {u"reason"_s, u"invalid_user"_s}, {u"log_source_ip"_s, u"127.0.0.1"_s}};
        QCOMPARE(actualFields(*bsd, expected3164), render(expected3164));
    }

    void syslogTcp() {
        // One connection with octet counting (RFC 6587 3.4.1), one with LF-ended messages (3.4.2).
        const QString time = startTime().toOffsetFromUtc(3600).toString(Qt::ISODateWithMs); // "…+01:00"
        const QByteArray rfc5424 = "<134>1 " + time.toUtf8() + " app-tcp inventory - ID48 - tcp rfc5424 message";
        const QByteArray rfc3164 = "<86>"
            + bsdLine(u"bastion-tcp"_s, u"sshd[778]"_s,
                u"Accepted publickey for deploy from 198.51.100.23 port 4023 ssh2: ED25519 SHA256:abc"_s)
                  .toUtf8();
        const QByteArray counted = QByteArray::number(rfc5424.size()) + " " + rfc5424;
        const QByteArray lineEnded = rfc3164 + "\n";
        for (const QByteArray &frame : {counted, lineEnded}) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, m_tcpPort);
            QVERIFY2(socket.waitForConnected(5000), qPrintable(socket.errorString()));
            QCOMPARE(socket.write(frame), qint64(frame.size()));
            QVERIFY(socket.waitForBytesWritten(5000));
            socket.disconnectFromHost();
            if (socket.state() != QAbstractSocket::UnconnectedState)
                QVERIFY(socket.waitForDisconnected(5000));
        }

        const auto structured = waitFor({{u"host"_s, u"app-tcp"_s}});
        QVERIFY2(structured, qPrintable(m_events.describe(u"syslog"_s)));
        const Fields expected5424 {{u"source_type"_s, u"syslog"_s}, {u"event_type"_s, u"syslog"_s},
            {u"service"_s, u"inventory"_s}, {u"msg_id"_s, u"ID48"_s}, {u"message"_s, u"tcp rfc5424 message"_s},
            {u"log_source_ip"_s, u"127.0.0.1"_s}};
        QCOMPARE(actualFields(*structured, expected5424), render(expected5424));
        QCOMPARE(structured->timestampNs, (m_startUs / 1000) * 1'000'000);
        QCOMPARE(structured->severity, int(Severity::Info)); // PRI 134: informational

        const auto bsd = waitFor({{u"host"_s, u"bastion-tcp"_s}});
        QVERIFY2(bsd, qPrintable(m_events.describe(u"syslog"_s)));
        const Fields expected3164 {{u"source_type"_s, u"syslog"_s}, {u"event_type"_s, u"auth_success"_s},
            {u"User"_s, u"deploy"_s}, {u"SourceIp"_s, u"198.51.100.23"_s}, {u"SourcePort"_s, u"4023"_s},
            {u"AuthMethod"_s, u"publickey"_s}, {u"log_source_ip"_s, u"127.0.0.1"_s}};
        QCOMPARE(actualFields(*bsd, expected3164), render(expected3164));
    }

    void netflow() {
        // softflowd's export: the template with 8 flows, then 12 flows (test_netflow.py: 8 + 12).
        QUdpSocket exporter;
        QVERIFY(exporter.bind(QHostAddress::LocalHost, 0));
        QString exported; // when the exporter sent them (v9 header: unix_secs), for the messages
        for (const QString &name : {u"PACKET_V9_TEMPLATE"_s, u"PACKETS_V9_0"_s}) {
            const QByteArray datagram = readFile(kTestData + u"/netflow/packets/"_s + name + u".bin"_s);
            QVERIFY2(datagram.size() >= 20, qPrintable(name));
            exported = QDateTime::fromSecsSinceEpoch(qFromBigEndian<quint32>(datagram.constData() + 8), Qt::UTC)
                           .toString(Qt::ISODate);
            QCOMPARE(exporter.writeDatagram(datagram, QHostAddress::LocalHost, m_netflowPort), qint64(datagram.size()));
        }
        const auto flows = [&] {
            return m_events.select([&](const StoredEvent &event) {
                return event.nodeId == m_nodeId && event.value(u"source_type"_s) == u"netflow"_s;
            });
        };
        const bool arrived = QTest::qWaitFor([&] { return flows().size() >= 20; }, kTimeoutMs);
        QVERIFY2(arrived,
            qPrintable(m_events.describe(u"netflow"_s) + u"\n  (the datagrams were exported at "_s + exported
                + u"; the server refuses events older than its max_event_age)"_s));
        const QList<StoredEvent> stored = flows();
        QCOMPARE(stored.size(), 20);
        for (const StoredEvent &flow : stored) {
            const Fields common {{u"event_type"_s, u"network_connection"_s}, {u"category"_s, u"network"_s},
                {u"host"_s, u"127.0.0.1"_s}, {u"exporter"_s, u"127.0.0.1"_s}, {u"netflow_version"_s, u"9"_s}};
            QCOMPARE(actualFields(flow, common), render(common));
        }
        // test_netflow.py's checks of the first and last flows of the template packet.
        const Fields first {{u"Protocol"_s, u"tcp"_s}, {u"protocol_number"_s, u"6"_s}, {u"SourceIp"_s, u"127.0.0.1"_s},
            {u"SourcePort"_s, u"80"_s}, {u"DestinationIp"_s, u"127.0.0.1"_s}, {u"DestinationPort"_s, u"37932"_s},
            {u"bytes"_s, u"102416"_s}, {u"packets"_s, u"75"_s}};
        QVERIFY2(std::any_of(stored.begin(), stored.end(), [&](const StoredEvent &e) { return hasFields(e, first); }),
            qPrintable(m_events.describe(u"netflow"_s)));
        QVERIFY2(std::any_of(stored.begin(), stored.end(),
                     [](const StoredEvent &e) {
                         return hasFields(e, {{u"Protocol"_s, u"udp"_s}, {u"DestinationPort"_s, u"53"_s}});
                     }),
            qPrintable(m_events.describe(u"netflow"_s)));
    }

    void journald() {
        // The entry written before the sentinel started, and one appended while it runs.
        const auto before = waitFor({{u"source_type"_s, u"journald"_s}, {u"ProcessId"_s, u"3101"_s}});
        QVERIFY2(before, qPrintable(m_events.describe(u"journald"_s)));
        const Fields expected {{u"event_type"_s, u"auth_failed"_s}, {u"host"_s, u"journal-host"_s},
            {u"service"_s, u"sshd"_s}, {u"User"_s, u"admin"_s}, {u"SourceIp"_s, u"198.51.100.24"_s},
            {u"SourcePort"_s, u"4024"_s}, {u"_SYSTEMD_UNIT"_s, u"ssh.service"_s}, {u"_UID"_s, u"0"_s},
            {u"Image"_s, u"/usr/sbin/sshd"_s}};
        QCOMPARE(actualFields(*before, expected), render(expected));
        QCOMPARE(before->timestampNs, m_startUs * 1000);

        const QString appended = appendToJournal(m_journal + u"/test.journal"_s,
            journalEntry(m_startUs + 1'000'000, "3102",
                "Accepted password for admin from 198.51.100.25 "
                "port 4025 ssh2"));
        QVERIFY2(appended.isEmpty(), qPrintable(appended));
        const auto after = waitFor({{u"source_type"_s, u"journald"_s}, {u"ProcessId"_s, u"3102"_s}});
        QVERIFY2(after, qPrintable(m_events.describe(u"journald"_s)));
        const Fields expectedAfter {
            {u"event_type"_s, u"auth_success"_s}, {u"User"_s, u"admin"_s}, {u"SourceIp"_s, u"198.51.100.25"_s}};
        QCOMPARE(actualFields(*after, expectedAfter), render(expectedAfter));
    }

    void evtx() {
        // Compared with the record as SigmaHQ's authors rendered it (the JSON beside the .evtx).
        const QString jsonPath
            = QFileInfo(m_evtxPath).path() + u"/"_s + QFileInfo(m_evtxPath).completeBaseName() + u".json"_s;
        const QJsonObject record = QJsonDocument::fromJson(readFile(jsonPath)).object()[u"Event"_s].toObject();
        const QJsonObject system = record[u"System"_s].toObject();
        const QJsonObject data = record[u"EventData"_s].toObject();
        QVERIFY2(!system.isEmpty() && !data.isEmpty(), qPrintable(jsonPath));

        const QString recordId = QString::number(system[u"EventRecordID"_s].toInteger());
        const auto stored = waitFor({{u"source_type"_s, u"evtx"_s}, {u"EventRecordID"_s, recordId}});
        const QString created = system[u"TimeCreated"_s][u"#attributes"_s][u"SystemTime"_s].toString();
        QVERIFY2(stored,
            qPrintable(m_events.describe(u"evtx"_s) + u"\n  (the record was written at "_s + created
                + u"; the server refuses events older than its max_event_age)"_s));
        const Fields expected {{u"EventID"_s, QString::number(system[u"EventID"_s].toInteger())},
            {u"event_type"_s, u"process_creation"_s}, {u"category"_s, u"process"_s},
            {u"Channel"_s, system[u"Channel"_s].toString()}, {u"Computer"_s, system[u"Computer"_s].toString()},
            {u"host"_s, system[u"Computer"_s].toString()},
            {u"Provider_Name"_s, system[u"Provider"_s][u"#attributes"_s][u"Name"_s].toString()},
            {u"Image"_s, data[u"Image"_s].toString()}, {u"CommandLine"_s, data[u"CommandLine"_s].toString()},
            {u"ParentImage"_s, data[u"ParentImage"_s].toString()}, {u"User"_s, data[u"User"_s].toString()},
            {u"Hashes"_s, data[u"Hashes"_s].toString()}};
        QCOMPARE(actualFields(*stored, expected), render(expected));
        QVERIFY2(isoTimeNs(created) > 0, qPrintable(created));
        // EVTX keeps 100 ns; evtx_dump's JSON shows microseconds.
        QCOMPARE(stored->timestampNs / 1000, isoTimeNs(created) / 1000);
        QCOMPARE(m_events.select([](const StoredEvent &e) { return e.value(u"source_type"_s) == u"evtx"_s; }).size(),
            1); // the file holds one record, read once
    }

    void fileMonitor() {
        const QString path = m_watched + u"/report.txt"_s;
        const QByteArray content = "quarterly figures\n";
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(content), qint64(content.size()));
        file.close();

        const auto created = waitFor({{u"event_type"_s, u"file_create"_s}, {u"TargetFilename"_s, path}});
        QVERIFY2(created, qPrintable(m_events.describe(u"file_monitor"_s)));
        const Fields expectedCreate {{u"source_type"_s, u"file_monitor"_s}, {u"category"_s, u"file"_s},
            {u"IsDirectory"_s, u"false"_s}, {u"message"_s, u"file created: "_s + path}};
        QCOMPARE(actualFields(*created, expectedCreate), render(expectedCreate));

        // Closed after writing: reported as modified, hashed once complete.
        const auto written = waitFor({{u"event_type"_s, u"file_modify"_s}, {u"TargetFilename"_s, path}});
        QVERIFY2(written, qPrintable(m_events.describe(u"file_monitor"_s)));
        QCOMPARE(written->value(u"Hashes"_s),
            u"SHA256="_s
                + QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex()).toUpper());
    }

    void processMonitor() {
        // A command line no other process has: this test's own pid in the argument.
        const QString argument = u"3600.%1"_s.arg(QCoreApplication::applicationPid());
        m_sleep.start(u"/bin/sleep"_s, {argument});
        QVERIFY2(m_sleep.waitForStarted(5000), qPrintable(m_sleep.errorString()));
        const QString pid = QString::number(m_sleep.processId());
        const QString commandLine = u"/bin/sleep "_s + argument;

        const auto started = waitFor({{u"event_type"_s, u"process_creation"_s}, {u"CommandLine"_s, commandLine}});
        QVERIFY2(started, qPrintable(m_events.describe(u"process_monitor"_s)));
        const passwd *user = ::getpwuid(::geteuid());
        QVERIFY(user != nullptr);
        const Fields expected {{u"source_type"_s, u"process_monitor"_s}, {u"category"_s, u"process"_s},
            {u"ProcessId"_s, pid}, {u"Image"_s, QFileInfo(u"/bin/sleep"_s).canonicalFilePath()},
            {u"ParentProcessId"_s, QString::number(QCoreApplication::applicationPid())},
            {u"User"_s, QString::fromLocal8Bit(user->pw_name)}};
        QCOMPARE(actualFields(*started, expected), render(expected));

        m_sleep.kill();
        QVERIFY(m_sleep.waitForFinished(5000));
        const auto exited = waitFor({{u"event_type"_s, u"process_exit"_s}, {u"ProcessId"_s, pid}});
        QVERIFY2(exited, qPrintable(m_events.describe(u"process_monitor"_s)));
        QCOMPARE(exited->value(u"CommandLine"_s), commandLine);
    }

    void metrics() {
        // The first reading only starts the CPU figures; the one an interval later has them.
        const auto found = waitFor([](const StoredEvent &event) {
            return event.value(u"source_type"_s) == u"metrics"_s && event.fields.contains(u"cpu.idle_pct"_s);
        });
        QVERIFY2(found, qPrintable(m_events.describe(u"metrics"_s)));
        QCOMPARE(found->value(u"event_type"_s), u"metrics"_s);
        QCOMPARE(found->value(u"category"_s), u"performance"_s);
        QVERIFY2(found->value(u"interval_ms"_s).toLongLong() > 0, qPrintable(found->value(u"interval_ms"_s)));
        for (const QString &name : {u"cpu.user_pct"_s, u"cpu.idle_pct"_s, u"memory.used_pct"_s, u"load.1m"_s}) {
            bool number = false;
            const double value = found->value(name).toDouble(&number);
            QVERIFY2(number && value >= 0, qPrintable(name + u"="_s + found->value(name)));
        }

        // Figures that do not change while the test runs, read here the way the kernel gives them.
        qint64 memTotalKb = 0;
        for (const QByteArray &line : readFile(u"/proc/meminfo"_s).split('\n')) {
            if (line.startsWith("MemTotal:"))
                memTotalKb = line.mid(9).trimmed().split(' ').first().toLongLong();
        }
        QVERIFY(memTotalKb > 0);
        QCOMPARE(found->value(u"memory.total_bytes"_s), QString::number(memTotalKb * 1024));
        struct statvfs root { };
        QCOMPARE(::statvfs("/", &root), 0);
        QCOMPARE(found->value(u"fs.root.total_bytes"_s),
            QString::number(quint64(root.f_blocks) * (root.f_frsize != 0 ? root.f_frsize : root.f_bsize)));
    }

    void everyEventCameThroughOneNode() {
        const auto [status, nodes] = m_server->call("GET", u"/api/v1/nodes"_s);
        QCOMPARE(status, 200);
        QCOMPARE(nodes[u"items"_s].toArray().size(), 1);
        const QList<StoredEvent> others
            = m_events.select([&](const StoredEvent &event) { return event.nodeId != m_nodeId; });
        QCOMPARE(others.size(), 0);
    }

    void bothProcessesStopCleanly() {
        const QString sentinel = stopProcess(m_sentinel, u"the sentinel"_s);
        QVERIFY2(sentinel.isEmpty(), qPrintable(sentinel));
        m_events.close();
        const QString server = m_server->stop();
        QVERIFY2(server.isEmpty(), qPrintable(server));
    }
};

QTEST_GUILESS_MAIN(TestSources)
#include "tst_sources.moc"
