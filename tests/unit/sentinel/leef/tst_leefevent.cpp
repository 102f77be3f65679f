// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/leef/leefevent.h"

// Hidden from moc, which misreads this header (it then takes the test class for a template).
#ifndef Q_MOC_RUN
#include "mmleefparsescript.h"
#include "unit/sentinel/keyvalue/damagedrecords.h"
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

class TestLeefEvent : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The PAN-OS reset-both event of rsyslog's mmleefparse test, from its tag on.
    void panOs() {
        const mmleefparse::RsyslogScript script = mmleefparse::readScript();
        QCOMPARE(script.inputs.size(), std::size_t {3});
        const std::string &line = script.inputs[2];
        const std::string record = line.substr(line.find("LEEF:"));
        EventBatch batch;
        RecordFieldStats stats;
        QVERIFY(parseLeefEvent(record, context(), batch, &stats).ok());
        QCOMPARE(batch.size(), std::size_t {1});
        const Event &event = batch.events().front();
        QCOMPARE(value(event, "event_type"), u"leef"_s);
        QCOMPARE(value(event, "source_type"), u"leef"_s);
        QCOMPARE(value(event, "category"), u"security"_s);
        QCOMPARE(value(event, "raw"), text(record));
        QCOMPARE(value(event, "message"), u"reset-both"_s);
        QCOMPARE(value(event, "service"), u"PAN-OS Syslog Integration"_s);
        QCOMPARE(value(event, "host"), u"collector"_s);
        QCOMPARE(value(event, "leef.vendor"), u"Palo Alto Networks"_s);
        QCOMPARE(value(event, "leef.product"), u"PAN-OS Syslog Integration"_s);
        QCOMPARE(value(event, "leef.version"), u"11.1.6-h14"_s);
        QCOMPARE(value(event, "leef.event_id"), u"reset-both"_s);
        QCOMPARE(value(event, "leef.format_version"), u"1.0"_s);
        QCOMPARE(event.timestampNs, nsAt(2025, 9, 17, 11, 47, 10, 0, 0)); // devTime=Sep 17 2025 11:47:10 GMT
        QCOMPARE(toString(event.severity), toString(Severity::Info));

        QCOMPARE(value(event, "SourceIp"), u"172.35.163.110"_s);
        QCOMPARE(value(event, "DestinationIp"), u"172.42.1.234"_s);
        QCOMPARE(value(event, "SourcePort"), u"61567"_s);
        QCOMPARE(value(event, "DestinationPort"), u"9997"_s);
        QCOMPARE(value(event, "Protocol"), u"tcp"_s);
        QCOMPARE(value(event, "Action"), u"reset-both"_s);
        QCOMPARE(value(event, "User"), u""_s); // usrName= (empty, as PAN-OS wrote it)
        QCOMPARE(value(event, "cat"), u"TRAFFIC"_s);
        QCOMPARE(value(event, "SessionID"), u"336519782"_s);
        QCOMPARE(value(event, "srcPostNAT"), u"0.0.0.157"_s);
        QCOMPARE(value(event, "devTime"), u"Sep 17 2025 11:47:10 GMT"_s);
        QCOMPARE(value(event, "TunnelType"), u"N/A"_s);
        QCOMPARE(stats.duplicateKeys, std::uint64_t {0});
        QCOMPARE(stats.unacceptableNames, std::uint64_t {0});
        QCOMPARE(stats.timestampsUnread, std::uint64_t {0});
    }

    void devTime_data() {
        QTest::addColumn<QString>("attributes");
        QTest::addColumn<int>("utcOffset");
        QTest::addColumn<qint64>("expected");
        QTest::addColumn<int>("unread");

        QTest::addRow("default format, no zone: the collector's")
            << u"devTime=Sep 17 2025 11:45:34"_s << 7200 << nsAt(2025, 9, 17, 11, 45, 34, 0, 7200) << 0;
        QTest::addRow("epoch milliseconds")
            << u"devTime=1758109534123"_s << 0 << qint64(1758109534123) * 1'000'000 << 0;
        QTest::addRow("devTimeFormat with Z")
            << u"devTime=2025-09-17 11:45:34.123 +0200\tdevTimeFormat=yyyy-MM-dd HH:mm:ss.SSS Z"_s << 0
            << nsAt(2025, 9, 17, 11, 45, 34, 123, 7200) << 0;
        QTest::addRow("devTimeFormat before devTime")
            << u"devTimeFormat=dd/MM/yyyy HH:mm:ss\tdevTime=17/09/2025 11:45:34"_s << 3600
            << nsAt(2025, 9, 17, 11, 45, 34, 0, 3600) << 0;
        QTest::addRow("devTimeFormat with month name and zone name")
            << u"devTime=Wed, 17 Sep 2025 11:45:34 GMT\tdevTimeFormat=EEE, dd MMM yyyy HH:mm:ss z"_s << 3600
            << nsAt(2025, 9, 17, 11, 45, 34, 0, 0) << 0;
        QTest::addRow("devTimeFormat with fixed widths") << u"devTime=20250917114534\tdevTimeFormat=yyyyMMddHHmmss"_s
                                                         << 0 << nsAt(2025, 9, 17, 11, 45, 34, 0, 0) << 0;
        QTest::addRow("devTimeFormat, twelve-hour clock")
            << u"devTime=09/17/2025 01:45:34 PM -05:00\tdevTimeFormat=MM/dd/yyyy hh:mm:ss a XXX"_s << 0
            << nsAt(2025, 9, 17, 13, 45, 34, 0, -5 * 3600) << 0;
        QTest::addRow("devTimeFormat with a quoted literal")
            << u"devTime=2025-09-17T11:45:34Z\tdevTimeFormat=yyyy-MM-dd'T'HH:mm:ssX"_s << 0
            << nsAt(2025, 9, 17, 11, 45, 34, 0, 0) << 0;
        QTest::addRow("devTimeFormat with an unsupported letter")
            << u"devTime=2025 AD\tdevTimeFormat=yyyy G"_s << 0 << qint64(kNow) << 1;
        QTest::addRow("devTime that does not fit its format")
            << u"devTime=Sep 17 2025 11:45:34\tdevTimeFormat=yyyy-MM-dd HH:mm:ss"_s << 0 << qint64(kNow) << 1;
        QTest::addRow("no devTime") << u"src=10.0.0.1"_s << 0 << qint64(kNow) << 0;
    }
    void devTime() {
        QFETCH(QString, attributes);
        QFETCH(int, utcOffset);
        QFETCH(qint64, expected);
        QFETCH(int, unread);
        const std::string record = "LEEF:1.0|V|P|1.0|id|" + attributes.toStdString();
        EventBatch batch;
        RecordFieldStats stats;
        QVERIFY(parseLeefEvent(record, context(utcOffset), batch, &stats).ok());
        QCOMPARE(batch.events().front().timestampNs, expected);
        QCOMPARE(stats.timestampsUnread, static_cast<std::uint64_t>(unread));
    }

    void leef2() {
        const std::string record = "LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=9^srcPort=81"
                                   "^dstPort=21^usrName=joe.black^url=http://x.example/^proto=TCP";
        EventBatch batch;
        QVERIFY(parseLeefEvent(record, context(), batch).ok());
        const Event &event = batch.events().front();
        QCOMPARE(value(event, "leef.format_version"), u"2.0"_s);
        QCOMPARE(toString(event.severity), toString(Severity::Critical));
        QCOMPARE(value(event, "sev"), u"9"_s);
        QCOMPARE(value(event, "SourceIp"), u"10.0.1.8"_s);
        QCOMPARE(value(event, "DestinationIp"), u"10.0.0.5"_s);
        QCOMPARE(value(event, "SourcePort"), u"81"_s);
        QCOMPARE(value(event, "DestinationPort"), u"21"_s);
        QCOMPARE(value(event, "User"), u"joe.black"_s);
        QCOMPARE(value(event, "c-uri"), u"http://x.example/"_s);
        QCOMPARE(value(event, "Protocol"), u"TCP"_s);
        QCOMPARE(value(event, "message"), u"41"_s);
    }

    void hostileKeys() {
        const std::string record = "LEEF:1.0|V|P|1.0|id|src=1.1.1.1\tsrc=2.2.2.2\tmessage=hi\tseverity=high\t"
                                   "event_type=auth_success\tbad key=x\tleef.vendor=forged";
        EventBatch batch;
        RecordFieldStats stats;
        QVERIFY(parseLeefEvent(record, context(), batch, &stats).ok());
        const Event &event = batch.events().front();
        QCOMPARE(value(event, "SourceIp"), u"1.1.1.1"_s);
        QCOMPARE(value(event, "message"), u"id"_s);
        QCOMPARE(value(event, "event_type"), u"leef"_s);
        QCOMPARE(value(event, "leef.vendor"), u"V"_s);
        QCOMPARE(value(event, "leef.ext.message"), u"hi"_s);
        QCOMPARE(value(event, "leef.ext.severity"), u"high"_s);
        QCOMPARE(value(event, "leef.ext.event_type"), u"auth_success"_s);
        QCOMPARE(toString(event.severity), toString(Severity::Info)); // only sev sets it
        QCOMPARE(stats.duplicateKeys, std::uint64_t {2}); // the second src, leef.vendor
        QCOMPARE(stats.unacceptableNames, std::uint64_t {1}); // "bad key"
    }

    void failureLeavesTheBatchAlone() {
        EventBatch batch;
        QCOMPARE(text(parseLeefEvent("LEEF:9.0|V|P|1|id|", context(), batch).failure),
            u"unsupported LEEF version (1.0 and 2.0 are read)"_s);
        QVERIFY(batch.empty());
        QCOMPARE(batch.arenaBytes(), std::size_t {0});
        // Options reach the structural parser.
        QVERIFY(
            parseLeefEvent("LEEF:1.0|V|P|1|id|a=1;b=2", context(), batch, nullptr, LeefOptions {.leef1Delimiter = ';'})
                .ok());
        QCOMPARE(value(batch.events().front(), "b"), u"2"_s);
    }

    // Random damage to real records: no crash, and no event the wire would refuse.
    void damagedRecords() {
        std::vector<std::string> records;
        for (const std::string &line : mmleefparse::readScript().inputs)
            records.push_back(line.substr(line.find("LEEF:")));
        records.push_back("LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.6.1^dst=10.0.7.2^usrName=bob^sev=5");
        records.push_back("LEEF:2.0|Vendor|Product|1.0|login|x5E|src=10.0.6.1^devTime=2025-09-17 11:45:34^"
                          "devTimeFormat=yyyy-MM-dd HH:mm:ss");
        const SyslogContext collector = context();
        damagedrecords::check(
            records, "|\\=\t^ x",
            [&collector](
                std::string_view record, EventBatch &batch) { return parseLeefEvent(record, collector, batch); },
            20000, 20250917);
    }
};

QTEST_GUILESS_MAIN(TestLeefEvent)
#include "tst_leefevent.moc"
