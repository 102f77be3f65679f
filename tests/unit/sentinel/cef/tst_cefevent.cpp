// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/cef/cefevent.h"

// Hidden from moc, which has no use for it.
#ifndef Q_MOC_RUN
#include "unit/sentinel/keyvalue/damagedrecords.h"
#endif

#include <QDateTime>
#include <QFile>
#include <QTest>
#include <QTimeZone>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

namespace {

constexpr std::int64_t kNow = 1'760'000'000'000'000'000; // 2025-10-09T08:53:20Z

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
        return QStringLiteral("<no such field name>");
    const auto found = event.lookup(*id);
    return found ? text(*found) : QStringLiteral("<absent>");
}

qint64 nsAt(int year, int month, int day, int hour, int minute, int second, int ms, int offsetSeconds) {
    const QDateTime time(QDate(year, month, day), QTime(hour, minute, second, ms), QTimeZone(offsetSeconds));
    return time.toMSecsSinceEpoch() * 1'000'000;
}

bool within(std::string_view part, std::string_view whole) {
    const auto begin = reinterpret_cast<std::uintptr_t>(whole.data());
    const auto at = reinterpret_cast<std::uintptr_t>(part.data());
    return at >= begin && at + part.size() <= begin + whole.size();
}

// The real ArcSight event of liblognorm's tests/field_cef.sh, as bash reads the quoted argument.
std::string arcSightRecord() {
    QFile file(QStringLiteral(VANOPTICON_TEST_DATA_DIR "/cef/liblognorm/field_cef.sh"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read field_cef.sh");
    const std::string source = file.readAll().toStdString();
    const std::size_t at = source.find("execute 'CEF:0|ArcSight|");
    const std::size_t begin = at + std::string_view("execute '").size();
    const std::size_t end = source.find('\'', begin);
    if (at == std::string::npos || end == std::string::npos)
        qFatal("no ArcSight event in field_cef.sh");
    return source.substr(begin, end - begin);
}

// Realistic CEF records for the throughput benchmark, reproducible: a firewall's traffic logs
// (PAN-OS through its CEF profile), an IPS alert and a Windows logon failure forwarded by an
// ArcSight connector, with varied addresses, ports, users and labels. 300 to 600 bytes each.
std::vector<std::string> generatedRecords(std::size_t count) {
    std::mt19937_64 random(42);
    const auto pick = [&random](std::initializer_list<const char *> values) {
        return std::string(*(values.begin() + random() % values.size()));
    };
    const auto address = [&random](const char *prefix) {
        return std::string(prefix) + std::to_string(random() % 256) + '.' + std::to_string(random() % 254 + 1);
    };
    const auto number = [&random](std::uint64_t below) { return std::to_string(random() % below); };
    std::vector<std::string> records;
    records.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const std::string rt = std::to_string(1'760'000'000'000 + i * 37);
        switch (random() % 3) {
        case 0:
            records.push_back("CEF:0|Palo Alto Networks|PAN-OS|10.2.4|end|TRAFFIC|1|rt=Oct 09 2025 08:"
                + std::to_string(10 + i % 50) + ":20 GMT deviceExternalId=0123456789 src=" + address("10.1.")
                + " dst=" + address("93.184.") + " sourceTranslatedAddress=" + address("198.51.")
                + " spt=" + number(64512) + " dpt=" + pick({"443", "80", "53", "22"}) + " proto=" + pick({"TCP", "UDP"})
                + " act=" + pick({"allow", "deny", "drop"})
                + " cs1Label=Rule cs1=" + pick({"allow-web", "default-deny", "dns-out"}) + " suser=corp\\\\"
                + pick({"alice", "bob", "carol", "dave"}) + " app=" + pick({"ssl", "web-browsing", "dns"})
                + " cs3Label=Virtual System cs3=vsys1 cs4Label=Source Zone cs4=trust cs5Label=Destination Zone "
                  "cs5=untrust deviceInboundInterface=ethernet1/1 deviceOutboundInterface=ethernet1/2 cnt=1 in="
                + number(100000) + " out=" + number(100000) + " cat=end");
            break;
        case 1:
            records.push_back("CEF:0|Trend Micro|Deep Security Agent|20.0.877|1001234|Intrusion Prevention - SQL "
                              "Injection Attempt|8|cn1="
                + number(1000) + " cn1Label=Host ID dvchost=web" + number(20) + ".corp.example act=Reset src="
                + address("203.0.") + " dst=" + address("10.2.") + " spt=" + number(64512)
                + " dpt=443 proto=TCP request=https://shop.example/search?q\\=1%27%20OR%201\\=1 requestMethod=GET "
                  "requestClientApplication=Mozilla/5.0 (Windows NT 10.0; Win64; x64) msg=SQL injection attempt in "
                  "query string cat=Intrusion Prevention rt="
                + rt);
            break;
        default:
            records.push_back("CEF:0|Microsoft|Microsoft Windows||Microsoft-Windows-Security-Auditing:4625|An account "
                              "failed to log on.|Low|eventId="
                + number(1'000'000'000) + " externalId=4625 rt=" + rt + " dvchost=dc0" + number(4)
                + ".corp.example duser=" + pick({"administrator", "svc_backup", "jsmith", "mlee"})
                + " dntdom=CORP src=" + address("10.3.") + " shost=ws" + number(500)
                + " cs2Label=Logon Type cs2=3 reason=Unknown user name or bad password. "
                  "cs1Label=Failure Code cs1=0xC000006D destinationServiceName=NtLmSsp "
                  "deviceProcessName=C:\\\\Windows\\\\System32\\\\lsass.exe");
            break;
        }
    }
    return records;
}

} // namespace

class TestCefEvent : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void wellKnownKeys() {
        const std::string record = "CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 "
                                   "dst=2.1.2.2 spt=1232 dpt=443 shost=a.example dhost=b.example suser=alice "
                                   "duser=bob proto=TCP act=blocked request=https://x.example/a?b\\=c "
                                   "requestMethod=POST requestClientApplication=curl/8.0 fname=/tmp/x.sh "
                                   "msg=Worm stopped cat=/Malware";
        EventBatch batch;
        RecordFieldStats stats;
        QVERIFY(parseCefEvent(record, context(), batch, &stats).ok());
        QCOMPARE(batch.size(), std::size_t {1});
        const Event &event = batch.events().front();

        QCOMPARE(value(event, "event_type"), u"cef"_s);
        QCOMPARE(value(event, "source_type"), u"cef"_s);
        QCOMPARE(value(event, "category"), u"security"_s);
        QCOMPARE(value(event, "raw"), text(record));
        QCOMPARE(value(event, "message"), u"worm successfully stopped"_s);
        QCOMPARE(value(event, "service"), u"threatmanager"_s);
        QCOMPARE(value(event, "host"), u"collector"_s);
        QCOMPARE(toString(event.severity), toString(Severity::Critical));
        QCOMPARE(event.timestampNs, kNow);

        QCOMPARE(value(event, "cef.vendor"), u"Security"_s);
        QCOMPARE(value(event, "cef.product"), u"threatmanager"_s);
        QCOMPARE(value(event, "cef.version"), u"1.0"_s);
        QCOMPARE(value(event, "cef.signature_id"), u"100"_s);
        QCOMPARE(value(event, "cef.name"), u"worm successfully stopped"_s);
        QCOMPARE(value(event, "cef.severity"), u"10"_s);
        QCOMPARE(value(event, "cef.format_version"), u"0"_s);

        QCOMPARE(value(event, "SourceIp"), u"10.0.0.1"_s);
        QCOMPARE(value(event, "DestinationIp"), u"2.1.2.2"_s);
        QCOMPARE(value(event, "SourcePort"), u"1232"_s);
        QCOMPARE(value(event, "DestinationPort"), u"443"_s);
        QCOMPARE(value(event, "SourceHostname"), u"a.example"_s);
        QCOMPARE(value(event, "DestinationHostname"), u"b.example"_s);
        QCOMPARE(value(event, "User"), u"alice"_s);
        QCOMPARE(value(event, "TargetUserName"), u"bob"_s);
        QCOMPARE(value(event, "Protocol"), u"TCP"_s);
        QCOMPARE(value(event, "Action"), u"blocked"_s);
        QCOMPARE(value(event, "c-uri"), u"https://x.example/a?b=c"_s);
        QCOMPARE(value(event, "cs-method"), u"POST"_s);
        QCOMPARE(value(event, "c-useragent"), u"curl/8.0"_s);
        QCOMPARE(value(event, "TargetFilename"), u"/tmp/x.sh"_s);
        // Keys without a taxonomy name keep their CEF name.
        QCOMPARE(value(event, "msg"), u"Worm stopped"_s);
        QCOMPARE(value(event, "cat"), u"/Malware"_s);
        QVERIFY(!event.has(internField("src")));

        QCOMPARE(stats.duplicateKeys, std::uint64_t {0});
        QCOMPARE(stats.unacceptableNames, std::uint64_t {0});
    }

    // liblognorm's real ArcSight event, end to end.
    void arcSightEvent() {
        const std::string record = arcSightRecord();
        EventBatch batch;
        RecordFieldStats stats;
        QVERIFY(parseCefEvent(record, context(), batch, &stats).ok());
        const Event &event = batch.events().front();
        QCOMPARE(value(event, "message"), u"FOO-UNIX-Bypassing Golden Host-Direct Root Connection Attempt"_s);
        QCOMPARE(toString(event.severity), toString(Severity::High)); // "High"
        QCOMPARE(value(event, "host"), u"server.foo.bar"_s); // dvchost
        QCOMPARE(event.timestampNs, std::int64_t {1427881661000} * 1'000'000); // rt
        QCOMPARE(value(event, "SourceIp"), u"10.0.0.1"_s);
        QCOMPARE(value(event, "SourceHostname"), u"server.foo.bar"_s);
        QCOMPARE(value(event, "TargetUserName"), u"johndoe"_s);
        QCOMPARE(value(event, "TargetFilename"), u"FOO-UNIX-Bypassing Golden Host-Direct Root Connection Attempt"_s);
        QCOMPARE(value(event, "sourceZoneURI"),
            u"/All Zones/FOO Solutions/Server Subnet/UK/PAR-WDC-12-CELL5-PROD S2U 1 10.0.0.1-10.0.0.1"_s);
        QCOMPARE(value(event, "eventAnnotationAuditTrail"), u"1,1427453188050,root,Queued,,,,\n"_s);
        QCOMPARE(value(event, "_cefVer"), u"0.1"_s);
        QCOMPARE(value(event, "ad.arcSightEventPath"), u"3VcygrkkBABCAYFOOLlU13A=="_s);
        // ArcSight's own "severity" extension cannot pose as the event's severity.
        QCOMPARE(value(event, "cef.ext.severity"), u"0"_s);
        QCOMPARE(value(event, "cef.severity"), u"High"_s);
        // cs2Label names cs2.
        QCOMPARE(value(event, "Configuration_Resource"), value(event, "cs2"));
        QVERIFY(value(event, "cs2").startsWith(u"<Resource URI=\"\"/All Rules/Real-time Rules/"_s));
        QCOMPARE(stats.duplicateKeys, std::uint64_t {0});
        QCOMPARE(stats.unacceptableNames, std::uint64_t {0});
        QCOMPARE(stats.timestampsUnread, std::uint64_t {0});
    }

    void severity_data() {
        QTest::addColumn<QString>("header");
        QTest::addColumn<int>("expected");
        const auto row = [](const char *header, Severity severity) {
            QTest::addRow("%s", header) << QString::fromUtf8(header) << static_cast<int>(severity);
        };
        row("0", Severity::Info);
        row("1", Severity::Low);
        row("3", Severity::Low);
        row("4", Severity::Medium);
        row("6", Severity::Medium);
        row("7", Severity::High);
        row("8", Severity::High);
        row("9", Severity::Critical);
        row("10", Severity::Critical);
        row("7.0", Severity::High);
        row("11", Severity::Info);
        row("-1", Severity::Info);
        row("Low", Severity::Low);
        row("medium", Severity::Medium);
        row("HIGH", Severity::High);
        row("Very-High", Severity::Critical);
        row("Unknown", Severity::Info);
        row("", Severity::Info);
    }
    void severity() {
        QFETCH(QString, header);
        QFETCH(int, expected);
        const std::string record = "CEF:0|v|p|1|sig|name|" + header.toStdString() + "|src=1.2.3.4";
        EventBatch batch;
        QVERIFY(parseCefEvent(record, context(), batch).ok());
        QCOMPARE(static_cast<int>(batch.events().front().severity), expected);
        QCOMPARE(value(batch.events().front(), "cef.severity"), header);
    }

    void timestamp_data() {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<int>("utcOffset");
        QTest::addColumn<qint64>("expected");
        QTest::addColumn<int>("unread");

        QTest::addRow("rt in epoch ms") << u"rt=1500464384997"_s << 0 << qint64(1500464384997) * 1'000'000 << 0;
        QTest::addRow("rt with year, no zone: the collector's")
            << u"rt=Sep 07 2018 14:50:39"_s << 7200 << nsAt(2018, 9, 7, 14, 50, 39, 0, 7200) << 0;
        QTest::addRow("rt with ms and GMT offset")
            << u"rt=Jul 19 2017 10:50:21.127 GMT+03:00"_s << 0 << nsAt(2017, 7, 19, 10, 50, 21, 127, 10800) << 0;
        QTest::addRow("rt with zone name")
            << u"rt=Jul 19 2017 10:50:21 UTC"_s << 3600 << nsAt(2017, 7, 19, 10, 50, 21, 0, 0) << 0;
        QTest::addRow("rt without year: this year")
            << u"rt=Oct 09 08:00:00"_s << 0 << nsAt(2025, 10, 9, 8, 0, 0, 0, 0) << 0;
        QTest::addRow("rt without year, a day ahead: last year")
            << u"rt=Oct 11 08:00:00"_s << 0 << nsAt(2024, 10, 11, 8, 0, 0, 0, 0) << 0;
        QTest::addRow("end when there is no rt")
            << u"start=1500000000000 end=1500000001000"_s << 0 << qint64(1500000001000) * 1'000'000 << 0;
        QTest::addRow("unreadable rt, then end")
            << u"rt=yesterday end=1500000001000"_s << 0 << qint64(1500000001000) * 1'000'000 << 1;
        QTest::addRow("unreadable rt: now") << u"rt=Feb 30 2020 10:00:00"_s << 0 << qint64(kNow) << 1;
        QTest::addRow("rt past int64 nanoseconds: now") << u"rt=999999999999999"_s << 0 << qint64(kNow) << 1;
        QTest::addRow("unknown zone: now") << u"rt=Jul 19 2017 10:50:21 PST"_s << 0 << qint64(kNow) << 1;
        QTest::addRow("no time at all: now") << u"src=1.2.3.4"_s << 0 << qint64(kNow) << 0;
    }
    void timestamp() {
        QFETCH(QString, extension);
        QFETCH(int, utcOffset);
        QFETCH(qint64, expected);
        QFETCH(int, unread);
        const std::string record = "CEF:0|v|p|1|sig|name|5|" + extension.toStdString();
        EventBatch batch;
        RecordFieldStats stats;
        QVERIFY(parseCefEvent(record, context(utcOffset), batch, &stats).ok());
        QCOMPARE(batch.events().front().timestampNs, expected);
        QCOMPARE(stats.timestampsUnread, static_cast<std::uint64_t>(unread));
    }

    // What a hostile or sloppy record cannot do: overwrite what the event is, smuggle a second
    // value in, or add names that are not field names.
    void hostileKeys() {
        const std::string record = "CEF:0|v|p|1|sig|name|3|src=1.1.1.1 sourceAddress=2.2.2.2 src=3.3.3.3 "
                                   "event_type=auth_success source_type=syslog message=hi host=evil raw=x "
                                   "category=authentication ad.field[0]=x ad.Error_,Code=5 cef.vendor=forged";
        EventBatch batch;
        RecordFieldStats stats;
        QVERIFY(parseCefEvent(record, context(), batch, &stats).ok());
        const Event &event = batch.events().front();
        QCOMPARE(value(event, "SourceIp"), u"1.1.1.1"_s);
        QCOMPARE(value(event, "event_type"), u"cef"_s);
        QCOMPARE(value(event, "source_type"), u"cef"_s);
        QCOMPARE(value(event, "category"), u"security"_s);
        QCOMPARE(value(event, "message"), u"name"_s);
        QCOMPARE(value(event, "host"), u"collector"_s);
        QCOMPARE(value(event, "raw"), text(record));
        QCOMPARE(value(event, "cef.vendor"), u"v"_s);
        QCOMPARE(value(event, "cef.ext.event_type"), u"auth_success"_s);
        QCOMPARE(value(event, "cef.ext.source_type"), u"syslog"_s);
        QCOMPARE(value(event, "cef.ext.message"), u"hi"_s);
        QCOMPARE(value(event, "cef.ext.host"), u"evil"_s);
        QCOMPARE(value(event, "cef.ext.raw"), u"x"_s);
        QCOMPARE(value(event, "cef.ext.category"), u"authentication"_s);
        QCOMPARE(stats.duplicateKeys, std::uint64_t {3}); // sourceAddress, the second src, cef.vendor
        QCOMPARE(stats.unacceptableNames, std::uint64_t {2}); // ad.field[0], ad.Error_,Code
    }

    void labels() {
        const std::string record = "CEF:0|v|p|1|sig|name|3|cs1=abc cs1Label=Foo Bar cn1=5 cn1Label=count "
                                   "cs2=orphan cs3Label=no value cs4=x cs4Label="
            + std::string(70, 'L') + " cs5=y cs5Label=bad[name] cs6=z cs6Label=count";
        EventBatch batch;
        RecordFieldStats stats;
        QVERIFY(parseCefEvent(record, context(), batch, &stats).ok());
        const Event &event = batch.events().front();
        QCOMPARE(value(event, "Foo_Bar"), u"abc"_s);
        QCOMPARE(value(event, "count"), u"5"_s); // cn1 first; cs6 names the same field
        QCOMPARE(value(event, "cs1"), u"abc"_s);
        QCOMPARE(value(event, "cs1Label"), u"Foo Bar"_s);
        QCOMPARE(value(event, "cs2"), u"orphan"_s);
        QCOMPARE(value(event, "cs3Label"), u"no value"_s);
        QCOMPARE(stats.unacceptableNames, std::uint64_t {2}); // the 70-byte label, bad[name]
        QCOMPARE(stats.duplicateKeys, std::uint64_t {1}); // cs6 → count
    }

    // The record is copied into the arena once; fields that need no unescaping are views into it.
    void fieldsShareTheRecord() {
        const std::string record = "CEF:0|Vendor|Product|1.0|100|Name|5|src=10.0.0.1 msg=a\\=b suser=alice";
        EventBatch batch;
        QVERIFY(parseCefEvent(record, context(), batch).ok());
        const Event &event = batch.events().front();
        const std::string_view raw = event.value(field::Raw);
        QVERIFY(raw.data() != record.data());
        for (const char *name : {"SourceIp", "User", "cef.vendor", "message"})
            QVERIFY2(within(event.value(*FieldRegistry::instance().find(name)), raw), name);
        QCOMPARE(value(event, "msg"), u"a=b"_s);
        QVERIFY(!within(event.value(*FieldRegistry::instance().find("msg")), raw));
    }

    void failureLeavesTheBatchAlone() {
        EventBatch batch;
        QVERIFY(parseCefEvent("CEF:0|v|p|1|sig|name|5|src=1.2.3.4", context(), batch).ok());
        const std::size_t arena = batch.arenaBytes();
        const ParseOutcome outcome = parseCefEvent("CEF:0|v|p|1", context(), batch);
        QCOMPARE(text(outcome.failure), u"CEF header has fewer than 7 fields"_s);
        QCOMPARE(batch.size(), std::size_t {1});
        QCOMPARE(batch.arenaBytes(), arena);
        // Options reach the structural parser.
        QVERIFY(parseCefEvent("CEF:0|V\\endor|p|1|sig|name|5|", context(), batch).ok());
        QVERIFY(!parseCefEvent("CEF:0|V\\endor|p|1|sig|name|5|", context(), batch, nullptr, CefOptions {.strict = true})
                     .ok());
        QCOMPARE(batch.size(), std::size_t {2});
    }

    // dvchost names the host the event is about; an empty one does not.
    void host() {
        EventBatch batch;
        QVERIFY(parseCefEvent("CEF:0|v|p|1|sig|name|5|dvchost=fw1.example dvc=10.0.0.254", context(), batch).ok());
        QVERIFY(parseCefEvent("CEF:0|v|p|1|sig|name|5|dvchost= dvc=10.0.0.254", context(), batch).ok());
        SyslogContext anonymous = context();
        anonymous.hostName.clear();
        QVERIFY(parseCefEvent("CEF:0|v|p|1|sig|name|5|", anonymous, batch).ok());
        QCOMPARE(value(batch.events()[0], "host"), u"fw1.example"_s);
        QCOMPARE(value(batch.events()[0], "dvchost"), u"fw1.example"_s);
        QCOMPARE(value(batch.events()[1], "host"), u"collector"_s);
        QCOMPARE(value(batch.events()[2], "host"), u"<absent>"_s);
    }

    // Random damage to real records: no crash, and no event the wire would refuse.
    void damagedRecords() {
        std::vector<std::string> records = generatedRecords(3);
        records.push_back(arcSightRecord());
        records.push_back(
            "CEF:1|a\\|b|p|1|sig|n|Very-High|msg=x\\=y\\nz cs1=v cs1Label=Foo Bar rt=Oct 09 2025 08:00:00");
        const SyslogContext collector = context();
        damagedrecords::check(
            records, "|\\= \r\n\t",
            [&collector](
                std::string_view record, EventBatch &batch) { return parseCefEvent(record, collector, batch); },
            20000, 20251009);
    }

    // Events per second: 1,000 records per iteration into a fresh batch, as a source delivers
    // them (run with -iterations N for a steady figure).
    void throughput() {
        const std::vector<std::string> records = generatedRecords(1000);
        const SyslogContext collector = context();
        RecordFieldStats stats;
        std::size_t bytes = 0;
        for (const std::string &record : records)
            bytes += record.size();
        QVERIFY(bytes / records.size() > 300);
        QBENCHMARK {
            EventBatch batch;
            for (const std::string &record : records) {
                if (!parseCefEvent(record, collector, batch, &stats))
                    QFAIL(record.c_str());
            }
            QCOMPARE(batch.size(), records.size());
        }
        QCOMPARE(stats.unacceptableNames, std::uint64_t {0});
        QCOMPARE(stats.duplicateKeys, std::uint64_t {0});
        QCOMPARE(stats.timestampsUnread, std::uint64_t {0});
    }
};

QTEST_GUILESS_MAIN(TestCefEvent)
#include "tst_cefevent.moc"
