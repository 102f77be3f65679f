// SPDX-License-Identifier: Apache-2.0
// LineParser across formats: what `auto` recognises line by line, each format's parser reached,
// and what the syslog classifier makes of the messages it knows (security programs, CEF / LEEF
// payloads sent over syslog).
#include "sentinel/parse/lineparser.h"

#include <QTest>

#include <string>

using namespace vanopticon;
using namespace vanopticon::sentinel;

namespace {

constexpr std::int64_t kNowNs = 1'795'435'200'000'000'000; // 2026-11-23T12:00:00Z

SyslogContext testContext() {
    SyslogContext context;
    context.nowNs = kNowNs;
    context.hostName = "collector-host";
    return context;
}

QByteArray valueOf(const Event &event, std::string_view name) {
    const auto id = FieldRegistry::instance().find(name);
    if (!id || !event.has(*id))
        return "<absent>";
    const std::string_view value = event.value(*id);
    return QByteArray(value.data(), qsizetype(value.size()));
}

} // namespace

class TestLineFormats : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void detect_data() {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("format");
        QTest::newRow("json") << QByteArray(R"({"message":"x"})") << QByteArray("json");
        QTest::newRow("cef") << QByteArray("CEF:0|V|P|1|100|name|5|src=10.0.0.1") << QByteArray("cef");
        QTest::newRow("leef") << QByteArray("LEEF:1.0|V|P|1|42|src=10.0.0.1") << QByteArray("leef");
        QTest::newRow("audit") << QByteArray("type=SYSCALL msg=audit(1700000000.123:456): arch=c000003e syscall=59")
                               << QByteArray("auditd");
        QTest::newRow("audit with node") << QByteArray("node=web1 type=USER_AUTH msg=audit(1700000000.1:7): pid=1")
                                         << QByteArray("auditd");
        QTest::newRow("audit-like key=value") << QByteArray("type=SYSCALL note=audit(1)") << QByteArray("keyvalue");
        QTest::newRow("rfc5424") << QByteArray("<34>1 2026-11-23T10:00:00Z host app - - - msg")
                                 << QByteArray("rfc5424");
        QTest::newRow("rfc3164 with pri") << QByteArray("<34>Nov 23 10:00:00 host app: msg") << QByteArray("rfc3164");
        QTest::newRow("rfc3164") << QByteArray("Nov 23 10:00:00 host sshd[1]: msg") << QByteArray("rfc3164");
        QTest::newRow("syslog-wrapped cef")
            << QByteArray("Nov 23 10:00:00 fw CEF:0|V|P|1|100|n|5|src=1.2.3.4") << QByteArray("rfc3164");
        QTest::newRow("keyvalue") << QByteArray("level=info src=10.0.0.1 msg=\"a b\"") << QByteArray("keyvalue");
        QTest::newRow("word then =") << QByteArray("hello world a=b") << QByteArray("rfc3164");
        QTest::newRow("empty") << QByteArray() << QByteArray("rfc3164");
    }

    void detect() {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, format);
        const std::string_view detected = toString(detectLineFormat(std::string_view(line.constData(), line.size())));
        QCOMPARE(QByteArray(detected.data(), qsizetype(detected.size())), format);
    }

    // One line of each format through one `auto` parser: each reaches its parser and is typed.
    void autoParsesEachFormat_data() {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("eventType");
        QTest::addColumn<QByteArray>("field");
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("sshd") << QByteArray("Nov 23 10:00:01 web1 sshd[123]: Failed password for root from "
                                            "203.0.113.5 port 4711 ssh2")
                              << QByteArray("auth_failed") << QByteArray("SourceIp") << QByteArray("203.0.113.5");
        QTest::newRow("sudo") << QByteArray("Nov 23 10:00:02 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; "
                                            "USER=root ; COMMAND=/bin/ls -l")
                              << QByteArray("sudo_command") << QByteArray("CommandLine") << QByteArray("/bin/ls -l");
        QTest::newRow("useradd") << QByteArray("Nov 23 10:00:07 web1 useradd[99]: new user: name=mallory, UID=1001, "
                                               "GID=1001, home=/home/mallory, shell=/bin/bash, from=/dev/pts/0")
                                 << QByteArray("user_created") << QByteArray("TargetUserName") << QByteArray("mallory");
        QTest::newRow("rfc5424") << QByteArray(
            R"(<134>1 2026-11-23T10:00:03.123Z fw1 app 42 ID7 [origin ip="192.0.2.1"] hi)")
                                 << QByteArray("syslog") << QByteArray("origin.ip") << QByteArray("192.0.2.1");
        QTest::newRow("rfc5424 sshd") << QByteArray("<38>1 2026-11-23T10:00:03Z web2 sshd 77 - - Failed password for "
                                                    "bob from 198.51.100.2 port 22 ssh2")
                                      << QByteArray("auth_failed") << QByteArray("User") << QByteArray("bob");
        QTest::newRow("json") << QByteArray(R"({"@timestamp":"2026-11-23T10:00:04Z","source":{"ip":"198.51.100.7"}})")
                              << QByteArray("json") << QByteArray("SourceIp") << QByteArray("198.51.100.7");
        QTest::newRow("cef") << QByteArray("CEF:0|Security|threatmanager|1.0|100|worm stopped|10|src=10.0.0.1 "
                                           "dst=2.1.2.2 spt=1232")
                             << QByteArray("cef") << QByteArray("DestinationIp") << QByteArray("2.1.2.2");
        QTest::newRow("leef") << QByteArray("LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|src=192.0.2.0\tusrName=joe")
                              << QByteArray("leef") << QByteArray("User") << QByteArray("joe");
        QTest::newRow("auditd") << QByteArray("type=USER_AUTH msg=audit(1700000000.123:456): pid=1 uid=0 "
                                              "msg='op=PAM:authentication acct=\"root\" exe=\"/usr/sbin/sshd\" "
                                              "addr=1.2.3.4 terminal=ssh res=failed'")
                                << QByteArray("auth_failed") << QByteArray("SourceIp") << QByteArray("1.2.3.4");
        QTest::newRow("keyvalue") << QByteArray("level=warn src=10.1.1.1 user=carol msg=\"too many\"")
                                  << QByteArray("keyvalue") << QByteArray("User") << QByteArray("carol");
    }

    void autoParsesEachFormat() {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, eventType);
        QFETCH(QByteArray, field);
        QFETCH(QByteArray, value);
        LineParser parser(LineFormat::Auto, testContext());
        EventBatch batch;
        QVERIFY2(parser.parse(std::string_view(line.constData(), line.size()), batch),
            parser.recentErrors().empty() ? "" : parser.recentErrors().back().reason.c_str());
        QCOMPARE(batch.size(), std::size_t(1));
        const Event &event = batch.events().front();
        QCOMPARE(valueOf(event, "event_type"), eventType);
        QCOMPARE(valueOf(event, std::string_view(field.constData(), field.size())), value);
        QCOMPARE(valueOf(event, "raw"), line);
    }

    // An appliance's CEF record behind a BSD syslog header: the record's fields, the header's
    // host and time, the whole line as raw.
    void cefOverSyslog() {
        LineParser parser(LineFormat::Rfc3164, testContext());
        EventBatch batch;
        const std::string line
            = "<134>Nov 23 10:00:05 fw2 CEF:0|Security|threatmanager|1.0|100|worm stopped|10|src=10.0.0.9 dst=2.1.2.3";
        QVERIFY(parser.parse(line, batch));
        const Event &event = batch.events().front();
        QCOMPARE(valueOf(event, "event_type"), QByteArray("cef"));
        QCOMPARE(valueOf(event, "SourceIp"), QByteArray("10.0.0.9"));
        QCOMPARE(valueOf(event, "host"), QByteArray("fw2"));
        QCOMPARE(valueOf(event, "raw"), QByteArray::fromStdString(line));
        QCOMPARE(event.timestampNs, kNowNs - 2 * 3600'000'000'000 + 5'000'000'000); // 10:00:05 the same day
        QCOMPARE(parser.classifierStats().embeddedEvents, std::uint64_t(1));
    }

    void leefOverRfc5424() {
        LineParser parser(LineFormat::Rfc5424, testContext());
        EventBatch batch;
        const std::string line = "<134>1 2026-11-23T10:00:00Z qradar app - - - LEEF:2.0|Lancope|StealthWatch|1.0|41|^|"
                                 "src=10.0.1.8^dst=10.0.0.5^usrName=ann";
        QVERIFY(parser.parse(line, batch));
        const Event &event = batch.events().front();
        QCOMPARE(valueOf(event, "event_type"), QByteArray("leef"));
        QCOMPARE(valueOf(event, "User"), QByteArray("ann"));
        QCOMPARE(valueOf(event, "host"), QByteArray("qradar"));
    }

    // A payload that starts like CEF but is not is kept as the syslog message it also is, counted.
    void malformedPayloadStaysSyslog() {
        LineParser parser(LineFormat::Rfc3164, testContext());
        EventBatch batch;
        QVERIFY(parser.parse("Nov 23 10:00:05 fw2 app: CEF:0|only|three", batch));
        QCOMPARE(valueOf(batch.events().front(), "event_type"), QByteArray("syslog"));
        QCOMPARE(parser.classifierStats().embeddedMalformed, std::uint64_t(1));
        QCOMPARE(parser.classifierStats().embeddedEvents, std::uint64_t(0));
    }

    // A security program's words written by another program are not believed.
    void securityWordsFromAnotherProgram() {
        LineParser parser(LineFormat::Rfc3164, testContext());
        EventBatch batch;
        QVERIFY(
            parser.parse("Nov 23 10:00:02 web1 myapp: alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/sh", batch));
        QCOMPARE(valueOf(batch.events().front(), "event_type"), QByteArray("syslog"));
        QCOMPARE(parser.classifierStats().securityEvents, std::uint64_t(0));
    }

    // Every format's refusal is counted and kept with its reason; nothing is appended.
    void refusalsAreKept_data() {
        QTest::addColumn<QByteArray>("format");
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("json") << QByteArray("json") << QByteArray("{\"a\":");
        QTest::newRow("cef") << QByteArray("cef") << QByteArray("CEF:0|too|few");
        QTest::newRow("leef") << QByteArray("leef") << QByteArray("LEEF:9.9|x");
        QTest::newRow("rfc5424") << QByteArray("rfc5424") << QByteArray("<34>1 not-a-time host app - - -");
        QTest::newRow("auditd") << QByteArray("auditd") << QByteArray("type=SYSCALL no audit here");
        QTest::newRow("auto json") << QByteArray("auto") << QByteArray("{not json");
    }

    void refusalsAreKept() {
        QFETCH(QByteArray, format);
        QFETCH(QByteArray, line);
        const auto lineFormat = parseLineFormat(std::string_view(format.constData(), format.size()));
        QVERIFY(lineFormat);
        LineParser parser(*lineFormat, testContext());
        EventBatch batch;
        QVERIFY(!parser.parse(std::string_view(line.constData(), line.size()), batch));
        QCOMPARE(batch.size(), std::size_t(0));
        QCOMPARE(parser.stats().failed, std::uint64_t(1));
        QCOMPARE(parser.recentErrors().size(), std::size_t(1));
        QVERIFY(!parser.recentErrors().front().reason.empty());
        QCOMPARE(QByteArray::fromStdString(parser.recentErrors().front().line), line);
    }

    void countsEventsPerDetectedFormat() {
        LineParser parser(LineFormat::Auto, testContext());
        EventBatch batch;
        QVERIFY(parser.parse(R"({"message":"a"})", batch));
        QVERIFY(parser.parse(R"({"message":"b"})", batch));
        QVERIFY(parser.parse("Nov 23 10:00:00 host app: c", batch));
        QCOMPARE(parser.stats().eventsByFormat[std::size_t(LineFormat::Json)], std::uint64_t(2));
        QCOMPARE(parser.stats().eventsByFormat[std::size_t(LineFormat::Rfc3164)], std::uint64_t(1));
        QCOMPARE(parser.stats().events, std::uint64_t(3));
    }
};

QTEST_GUILESS_MAIN(TestLineFormats)
#include "tst_lineformats.moc"
