// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/keyvalue/deviceseverity.h"
#include "sentinel/parse/keyvalue/keyvalue.h"
#include "sentinel/parse/keyvalue/keyvalueevent.h"
#include "shared/core/utf8.h"

// Hidden from moc, which has no use for it.
#ifndef Q_MOC_RUN
#include "damagedrecords.h"
#endif

#include <QDateTime>
#include <QTest>
#include <QTimeZone>

#include <cstdint>
#include <string>
#include <vector>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

namespace {

constexpr std::int64_t kNow = 1'758'117'600'000'000'000; // 2025-09-17T14:00:00Z

SyslogContext context(std::int32_t utcOffsetSeconds = 0) {
    SyslogContext c;
    c.nowNs = kNow;
    c.utcOffsetSeconds = utcOffsetSeconds;
    c.hostName = "collector";
    return c;
}

QString text(std::string_view bytes) {
    return QString::fromUtf8(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

std::string_view view(const QByteArray &bytes) {
    return {bytes.constData(), static_cast<std::size_t>(bytes.size())};
}

QString value(const Event &event, std::string_view name) {
    const auto id = FieldRegistry::instance().find(name);
    if (!id)
        return u"<no such field name>"_s;
    const auto found = event.lookup(*id);
    return found ? text(*found) : u"<absent>"_s;
}

qint64 nsAt(int year, int month, int day, int hour, int minute, int second, int ms, int offsetSeconds) {
    const QDateTime time(QDate(year, month, day), QTime(hour, minute, second, ms), QTimeZone(offsetSeconds));
    return time.toMSecsSinceEpoch() * 1'000'000;
}

} // namespace

class TestKeyValue : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void pairs_data() {
        QTest::addColumn<QByteArray>("record");
        QTest::addColumn<QString>("failure"); // empty: accepted
        QTest::addColumn<QStringList>("pairs"); // key=value, in order
        QTest::addColumn<int>("bareWords");

        QTest::addRow("quoting") << QByteArray("a=1 b=\"two words\" c='x'") << QString()
                                 << QStringList {u"a=1"_s, u"b=two words"_s, u"c=x"_s} << 0;
        QTest::addRow("escapes in double quotes")
            << QByteArray("msg=\"say \\\"hi\\\"\\n\\ttab\\r\" other=\"a\\qb\\\\\"") << QString()
            << QStringList {u"msg=say \"hi\"\n\ttab\r"_s, u"other=a\\qb\\"_s} << 0;
        QTest::addRow("escapes in single quotes")
            << QByteArray("path='C:\\temp\\\\dir\\'s' q='say \"hi\"'") << QString()
            << QStringList {u"path=C:\\temp\\dir's"_s, u"q=say \"hi\""_s} << 0;
        QTest::addRow("empty values") << QByteArray("a= b=\"\" c='' d=4") << QString()
                                      << QStringList {u"a="_s, u"b="_s, u"c="_s, u"d=4"_s} << 0;
        QTest::addRow("'=' inside an unquoted value") << QByteArray("url=http://x/?a=b&c==d next=1") << QString()
                                                      << QStringList {u"url=http://x/?a=b&c==d"_s, u"next=1"_s} << 0;
        QTest::addRow("tabs and runs of spaces")
            << QByteArray("a=1\t\tb=2    c=3 ") << QString() << QStringList {u"a=1"_s, u"b=2"_s, u"c=3"_s} << 0;
        QTest::addRow("free text around the pairs")
            << QByteArray("Sep 17 11:45:34 fw1 kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 DF PROTO=TCP")
            << QString() << QStringList {u"IN=eth0"_s, u"OUT="_s, u"SRC=10.0.0.1"_s, u"DST=10.0.0.2"_s, u"PROTO=TCP"_s}
            << 6;
        QTest::addRow("quoted free text")
            << QByteArray("\"hello world\" a=1 'more \"text\"'") << QString() << QStringList {u"a=1"_s} << 2;
        QTest::addRow("a repeated key is kept twice")
            << QByteArray("a=1 a=2") << QString() << QStringList {u"a=1"_s, u"a=2"_s} << 0;
        QTest::addRow("pairs with no space between a quote and the next key")
            << QByteArray("a=\"x\"b=2") << QString() << QStringList {u"a=x"_s, u"b=2"_s} << 0;
        QTest::addRow("a quote inside a key makes a bare word")
            << QByteArray("a\"b=c d=1") << QString() << QStringList {u"d=1"_s} << 1;
        QTest::addRow("a word that begins with '='")
            << QByteArray("=x a=1") << QString() << QStringList {u"a=1"_s} << 1;
        QTest::addRow("auditd")
            << QByteArray("type=USER_LOGIN msg=audit(1700000000.123:456): pid=1234 uid=0 "
                          "msg='op=login acct=\"root\" exe=\"/usr/sbin/sshd\" addr=203.0.113.5 res=failed'")
            << QString()
            << QStringList {u"type=USER_LOGIN"_s, u"msg=audit(1700000000.123:456):"_s, u"pid=1234"_s, u"uid=0"_s,
                   u"msg=op=login acct=\"root\" exe=\"/usr/sbin/sshd\" addr=203.0.113.5 res=failed"_s}
            << 0;
        QTest::addRow("a quote left open")
            << QByteArray("a=1 b=\"open") << u"quoted value not closed"_s << QStringList {} << 0;
        QTest::addRow("a quote left open after an escaped quote")
            << QByteArray("b=\"x\\\"") << u"quoted value not closed"_s << QStringList {} << 0;
        QTest::addRow("no pair") << QByteArray("hello world") << u"no key=value pair"_s << QStringList {} << 0;
        QTest::addRow("empty") << QByteArray() << u"no key=value pair"_s << QStringList {} << 0;
        QTest::addRow("not UTF-8") << QByteArray("a=\xE2\x82") << u"key=value record is not valid UTF-8"_s
                                   << QStringList {} << 0;
    }
    void pairs() {
        QFETCH(QByteArray, record);
        QFETCH(QString, failure);
        QFETCH(QStringList, pairs);
        QFETCH(int, bareWords);
        KeyValueMessage message;
        const ParseOutcome outcome = parseKeyValues(view(record), message);
        QCOMPARE(text(outcome.failure), failure);
        if (!outcome)
            return;
        QStringList actual;
        for (const KeyValuePair &pair : message.pairs)
            actual << text(pair.key) + u'=' + text(pair.value);
        QCOMPARE(actual, pairs);
        QCOMPARE(message.bareWords, static_cast<std::size_t>(bareWords));
    }

    void limits() {
        std::string record;
        for (std::size_t i = 0; i < KeyValueMessage::kMaxPairs + 5; ++i)
            record += "k" + std::to_string(i) + "=\"v \\\"" + std::to_string(i) + "\" ";
        KeyValueMessage message;
        QVERIFY(parseKeyValues(record, message).ok());
        QCOMPARE(message.pairs.size(), KeyValueMessage::kMaxPairs);
        QCOMPARE(message.pairsOmitted, std::size_t {5});
        // Unescaped values share one buffer that never moves: the first is intact after the last.
        QCOMPARE(text(message.pairs.front().value), u"v \"0"_s);
        QCOMPARE(text(message.pairs.back().value), QStringLiteral("v \"%1").arg(KeyValueMessage::kMaxPairs - 1));

        std::string big = "a=";
        big.append(KeyValueMessage::kMaxRecordBytes - big.size(), 'x');
        QVERIFY(parseKeyValues(big, message).ok());
        big += 'x';
        QCOMPARE(text(parseKeyValues(big, message).failure), u"key=value record too long (more than 64 KiB)"_s);
    }

    void utf8_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("valid");
        QTest::addRow("ASCII, longer than a word") << QByteArray("abcdefghijklmnopqrstuvwxyz") << true;
        QTest::addRow("two-byte") << QByteArray("caf\xC3\xA9") << true;
        QTest::addRow("three-byte after eight ASCII") << QByteArray("abcdefgh\xE2\x82\xAC") << true;
        QTest::addRow("four-byte") << QByteArray("\xF0\x9F\x98\x80") << true;
        QTest::addRow("U+10FFFF") << QByteArray("\xF4\x8F\xBF\xBF") << true;
        QTest::addRow("above U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << false;
        QTest::addRow("overlong two-byte") << QByteArray("\xC1\xBF") << false;
        QTest::addRow("overlong three-byte") << QByteArray("\xE0\x9F\xBF") << false;
        QTest::addRow("overlong four-byte") << QByteArray("\xF0\x8F\xBF\xBF") << false;
        QTest::addRow("surrogate") << QByteArray("\xED\xB0\x80") << false;
        QTest::addRow("lone continuation") << QByteArray("abc\x80") << false;
        QTest::addRow("truncated at the end") << QByteArray("abcdefgh\xE2\x82") << false;
        QTest::addRow("Latin-1") << QByteArray("caf\xE9 au lait") << false;
        QTest::addRow("0xFF") << QByteArray("\xFF") << false;
    }
    void utf8() {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, valid);
        QCOMPARE(isValidUtf8(view(bytes)), valid);
    }

    void event() {
        const std::string record = "time=2025-09-17T11:45:34.5+02:00 level=warn msg=\"disk almost full\" host=web1 "
                                   "user=alice src=10.0.0.1 dport=22 pid=42 exe=/usr/bin/rsync "
                                   "cmdline=\"rsync -a /a /b\" file=/var/log/x action=allow url=/x?a=b custom=7";
        EventBatch batch;
        RecordFieldStats stats;
        QVERIFY(parseKeyValueEvent(record, context(), batch, &stats).ok());
        QCOMPARE(batch.size(), std::size_t {1});
        const Event &event = batch.events().front();
        QCOMPARE(value(event, "event_type"), u"keyvalue"_s);
        QCOMPARE(value(event, "source_type"), u"keyvalue"_s);
        QCOMPARE(value(event, "category"), u"application"_s);
        QCOMPARE(value(event, "raw"), text(record));
        QCOMPARE(value(event, "message"), u"disk almost full"_s);
        QCOMPARE(value(event, "host"), u"web1"_s);
        QCOMPARE(event.timestampNs, nsAt(2025, 9, 17, 11, 45, 34, 500, 7200));
        QCOMPARE(toString(event.severity), toString(Severity::Medium));
        QCOMPARE(value(event, "User"), u"alice"_s);
        QCOMPARE(value(event, "SourceIp"), u"10.0.0.1"_s);
        QCOMPARE(value(event, "DestinationPort"), u"22"_s);
        QCOMPARE(value(event, "ProcessId"), u"42"_s);
        QCOMPARE(value(event, "Image"), u"/usr/bin/rsync"_s);
        QCOMPARE(value(event, "CommandLine"), u"rsync -a /a /b"_s);
        QCOMPARE(value(event, "TargetFilename"), u"/var/log/x"_s);
        QCOMPARE(value(event, "Action"), u"allow"_s);
        QCOMPARE(value(event, "c-uri"), u"/x?a=b"_s);
        QCOMPARE(value(event, "custom"), u"7"_s);
        QCOMPARE(value(event, "time"), u"2025-09-17T11:45:34.5+02:00"_s);
        QCOMPARE(value(event, "level"), u"warn"_s);
        QCOMPARE(stats.duplicateKeys, std::uint64_t {0});
    }

    // Without msg= the record is the message; without host= the collector's host.
    void defaults() {
        EventBatch batch;
        QVERIFY(parseKeyValueEvent("a=1 b=2", context(), batch).ok());
        const Event &event = batch.events().front();
        QCOMPARE(value(event, "message"), u"a=1 b=2"_s);
        QCOMPARE(value(event, "host"), u"collector"_s);
        QCOMPARE(event.timestampNs, kNow);
        QCOMPARE(toString(event.severity), toString(Severity::Info));
    }

    void time_data() {
        QTest::addColumn<QString>("record");
        QTest::addColumn<int>("utcOffset");
        QTest::addColumn<qint64>("expected");
        QTest::addColumn<int>("unread");
        QTest::addRow("RFC 3339, Z") << u"ts=2025-09-17T11:45:34Z"_s << 3600 << nsAt(2025, 9, 17, 11, 45, 34, 0, 0)
                                     << 0;
        QTest::addRow("space for T, no zone: the collector's")
            << u"timestamp=\"2025-09-17 11:45:34,250\""_s << 3600 << nsAt(2025, 9, 17, 11, 45, 34, 250, 3600) << 0;
        QTest::addRow("epoch seconds") << u"ts=1700000000"_s << 0 << qint64(1700000000) * 1'000'000'000 << 0;
        QTest::addRow("epoch seconds with a fraction")
            << u"ts=1700000000.25"_s << 0 << qint64(1700000000) * 1'000'000'000 + 250'000'000 << 0;
        QTest::addRow("epoch milliseconds") << u"ts=1700000000123"_s << 0 << qint64(1700000000123) * 1'000'000 << 0;
        QTest::addRow("BSD style") << u"datetime=\"Sep 17 2025 11:45:34\""_s << 0 << nsAt(2025, 9, 17, 11, 45, 34, 0, 0)
                                   << 0;
        QTest::addRow("the first readable time wins")
            << u"time=soon ts=1700000000 time=1600000000"_s << 0 << qint64(1700000000) * 1'000'000'000 << 1;
        QTest::addRow("no date") << u"time=11:45:34"_s << 0 << qint64(kNow) << 1;
        // Found by damagedRecords() under UBSan: the nanoseconds overflowed.
        QTest::addRow("epoch seconds past 2200") << u"ts=17581095345"_s << 0 << qint64(kNow) << 1;
        QTest::addRow("epoch seconds past 2200, with a fraction") << u"ts=99999999999.5"_s << 0 << qint64(kNow) << 1;
        QTest::addRow("epoch milliseconds past 2200") << u"ts=999999999999999"_s << 0 << qint64(kNow) << 1;
        QTest::addRow("before 1970") << u"time=1969-12-31T23:59:59Z"_s << 0 << qint64(kNow) << 1;
        QTest::addRow("no such day") << u"time=2025-02-29T00:00:00Z"_s << 0 << qint64(kNow) << 1;
    }
    void time() {
        QFETCH(QString, record);
        QFETCH(int, utcOffset);
        QFETCH(qint64, expected);
        QFETCH(int, unread);
        EventBatch batch;
        RecordFieldStats stats;
        QVERIFY(parseKeyValueEvent(record.toStdString(), context(utcOffset), batch, &stats).ok());
        QCOMPARE(batch.events().front().timestampNs, expected);
        QCOMPARE(stats.timestampsUnread, static_cast<std::uint64_t>(unread));
    }

    void level_data() {
        QTest::addColumn<QString>("word");
        QTest::addColumn<int>("expected"); // -1: not a level
        const auto row
            = [](const char *word, int expected) { QTest::addRow("%s", word) << QString::fromUtf8(word) << expected; };
        row("info", static_cast<int>(Severity::Info));
        row("INFORMATIONAL", static_cast<int>(Severity::Info));
        row("low", static_cast<int>(Severity::Low));
        row("Medium", static_cast<int>(Severity::Medium));
        row("high", static_cast<int>(Severity::High));
        row("critical", static_cast<int>(Severity::Critical));
        row("emerg", static_cast<int>(Severity::High));
        row("panic", static_cast<int>(Severity::High));
        row("alert", static_cast<int>(Severity::High));
        row("crit", static_cast<int>(Severity::High));
        row("FATAL", static_cast<int>(Severity::High));
        row("err", static_cast<int>(Severity::High));
        row("Error", static_cast<int>(Severity::High));
        row("warn", static_cast<int>(Severity::Medium));
        row("warning", static_cast<int>(Severity::Medium));
        row("notice", static_cast<int>(Severity::Low));
        row("debug", static_cast<int>(Severity::Info));
        row("trace", static_cast<int>(Severity::Info));
        row("verbose", -1);
        row("", -1);
        row("a-very-long-level-word", -1);
    }
    void level() {
        QFETCH(QString, word);
        QFETCH(int, expected);
        const auto severity = severityFromLevelName(word.toStdString());
        QCOMPARE(severity ? static_cast<int>(*severity) : -1, expected);
        // In a record: level= sets the event's severity; an unknown word leaves it at info.
        EventBatch batch;
        QVERIFY(parseKeyValueEvent("a=1 level=\"" + word.toStdString() + "\"", context(), batch).ok());
        QCOMPARE(static_cast<int>(batch.events().front().severity), expected < 0 ? 0 : expected);
    }

    void hostileKeys() {
        const std::string record = "msg=first user=a username=b event_type=auth_success source_type=journald "
                                   "category=x raw=y severity=critical a[0]=1 bad/key=2 k=v msg=second "
            + std::string(65, 'n') + "=long";
        EventBatch batch;
        RecordFieldStats stats;
        QVERIFY(parseKeyValueEvent(record, context(), batch, &stats).ok());
        const Event &event = batch.events().front();
        QCOMPARE(value(event, "message"), u"first"_s);
        QCOMPARE(value(event, "User"), u"a"_s);
        QCOMPARE(value(event, "event_type"), u"keyvalue"_s);
        QCOMPARE(value(event, "source_type"), u"keyvalue"_s);
        QCOMPARE(value(event, "category"), u"application"_s);
        QCOMPARE(value(event, "raw"), text(record));
        QCOMPARE(value(event, "kv.event_type"), u"auth_success"_s);
        QCOMPARE(value(event, "kv.source_type"), u"journald"_s);
        QCOMPARE(value(event, "kv.category"), u"x"_s);
        QCOMPARE(value(event, "kv.raw"), u"y"_s);
        QCOMPARE(value(event, "kv.severity"), u"critical"_s);
        QCOMPARE(toString(event.severity), toString(Severity::Critical)); // severity= is a level key
        QCOMPARE(value(event, "k"), u"v"_s);
        QCOMPARE(stats.duplicateKeys, std::uint64_t {2}); // username → User, the second msg
        QCOMPARE(stats.unacceptableNames, std::uint64_t {3}); // a[0], bad/key, the 65-byte key
    }

    void failureLeavesTheBatchAlone() {
        EventBatch batch;
        QCOMPARE(text(parseKeyValueEvent("no pairs here", context(), batch).failure), u"no key=value pair"_s);
        QVERIFY(batch.empty());
        QCOMPARE(batch.arenaBytes(), std::size_t {0});
    }

    // Many records through the same thread's scratch message: nothing leaks from one to the next.
    void recordsAreIndependent() {
        EventBatch batch;
        QVERIFY(parseKeyValueEvent("a=\"x\\\"y\" b=1", context(), batch).ok());
        QVERIFY(parseKeyValueEvent("c=2", context(), batch).ok());
        QCOMPARE(value(batch.events()[0], "a"), u"x\"y"_s);
        QCOMPARE(value(batch.events()[1], "a"), u"<absent>"_s);
        QCOMPARE(value(batch.events()[1], "c"), u"2"_s);
    }

    // Random damage to real records: no crash, and no event the wire would refuse.
    void damagedRecords() {
        const std::vector<std::string> records = {
            "time=2025-09-17T11:45:34Z level=warn msg=\"user \\\"bob\\\" failed\" src=10.0.0.1 user=bob "
            "action=blocked url=http://x/?a=b&c=d",
            "type=USER_AUTH msg=audit(1758109534.123:456): pid=4242 uid=0 auid=1000 ses=3 "
            "msg='op=PAM:authentication acct=\"bob\" exe=\"/usr/bin/sudo\" hostname=? addr=? terminal=/dev/pts/0 "
            "res=failed'",
            "ts=1758109534.5 lvl=info caller=main.go:42 msg='db ready' duration=0.25 pid=17 cmd='/usr/bin/app -v'",
        };
        const SyslogContext collector = context();
        damagedrecords::check(
            records, "=\"' \\\t",
            [&collector](
                std::string_view record, EventBatch &batch) { return parseKeyValueEvent(record, collector, batch); },
            20000, 20250917);
    }
};

QTEST_GUILESS_MAIN(TestKeyValue)
#include "tst_keyvalue.moc"
