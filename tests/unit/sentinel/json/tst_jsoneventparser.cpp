// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/json/jsoneventparser.h"
#include "sentinel/parse/json/jsonlevel.h"
#include "sentinel/parse/json/jsontimestamp.h"
#include "shared/wire/codec.h"

#include <QDateTime>
#include <QMap>
#include <QTest>

#include <random>
#include <string>
#include <vector>

using namespace vanopticon;
using namespace vanopticon::sentinel;

namespace {

constexpr std::int64_t kNowNs = 1'795'435'200'000'000'000; // 2026-11-23T12:00:00Z

SyslogContext testContext() {
    SyslogContext context;
    context.nowNs = kNowNs;
    context.utcOffsetSeconds = 0;
    context.hostName = "collector-host";
    return context;
}

QByteArray bytes(std::string_view text) {
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

std::string_view view(const QByteArray &data) {
    return std::string_view(data.constData(), static_cast<std::size_t>(data.size()));
}

std::int64_t nsFromIso(const char *iso) {
    const QDateTime time = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs);
    if (!time.isValid())
        qFatal("bad ISO time in test data: %s", iso);
    return time.toMSecsSinceEpoch() * 1'000'000;
}

QMap<QByteArray, QByteArray> fieldsOf(const Event &event) {
    QMap<QByteArray, QByteArray> fields;
    for (const Field &f : event.fields())
        fields.insert(bytes(fieldName(f.id)), bytes(f.value));
    return fields;
}

// Each expectation is "name=value", or "!name" for a field that must be absent.
void checkFields(const Event &event, const QList<QByteArray> &expected) {
    const QMap<QByteArray, QByteArray> fields = fieldsOf(event);
    for (const QByteArray &line : expected) {
        if (line.startsWith('!')) {
            QVERIFY2(!fields.contains(line.mid(1)), line.constData());
            continue;
        }
        const qsizetype equals = line.indexOf('=');
        const QByteArray name = line.left(equals);
        QVERIFY2(fields.contains(name), name.constData());
        QCOMPARE(fields.value(name), line.mid(equals + 1));
    }
}

// Realistic JSON lines for the throughput benchmark, reproducible: ECS web access and process
// events (Filebeat / Elastic Agent), Suricata EVE alerts and a Go service's zap log, with varied
// addresses, ports, users and times. 250 to 700 bytes each.
std::vector<std::string> generatedRecords(std::size_t count) {
    std::mt19937_64 random(42);
    const auto pick = [&random](std::initializer_list<const char *> values) {
        return std::string(*(values.begin() + random() % values.size()));
    };
    const auto address = [&random](const char *prefix) {
        return std::string(prefix) + std::to_string(random() % 256) + '.' + std::to_string(random() % 254 + 1);
    };
    const auto number = [&random](std::uint64_t below) { return std::to_string(random() % below); };
    const auto digits = [&random](std::size_t width) {
        std::string out;
        for (std::size_t i = 0; i < width; ++i)
            out += static_cast<char>('0' + random() % 10);
        return out;
    };
    std::vector<std::string> records;
    records.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const std::string second = std::to_string(10 + i % 50);
        const std::string iso = "2026-11-23T11:" + second + ":20." + digits(3) + "Z";
        switch (random() % 4) {
        case 0:
            records.push_back("{\"@timestamp\":\"" + iso
                + "\",\"log\":{\"level\":\"info\"},\"message\":\"GET /api/v1/items/" + number(100000)
                + " 200\",\"service\":{\"name\":\"shop-api\"},\"host\":{\"name\":\"web0" + number(8)
                + "\"},\"source\":{\"ip\":\"" + address("10.1.") + "\",\"port\":" + number(64512)
                + "},\"http\":{\"request\":{\"method\":\"" + pick({"GET", "POST", "PUT"})
                + "\"},\"response\":{\"status_code\":200,\"body\":{\"bytes\":" + number(100000)
                + "}}},\"url\":{\"path\":\"/api/v1/items\"},\"user_agent\":{\"original\":\"Mozilla/5.0 (X11; Linux "
                  "x86_64)\"},\"event\":{\"duration\":"
                + number(100000000) + ",\"dataset\":\"nginx.access\"},\"ecs\":{\"version\":\"8.11.0\"}}");
            break;
        case 1:
            records.push_back("{\"timestamp\":\"2026-11-23T11:" + second + ":20." + digits(6)
                + "+0000\",\"flow_id\":" + number(1ULL << 50) + ",\"in_iface\":\"eth0\",\"event_type\":\"alert\","
                + "\"src_ip\":\"" + address("203.0.") + "\",\"src_port\":" + number(64512) + ",\"dest_ip\":\""
                + address("10.2.") + "\",\"dest_port\":" + pick({"22", "80", "443"})
                + ",\"proto\":\"TCP\",\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":" + number(3000000)
                + ",\"rev\":" + number(20) + ",\"signature\":\""
                + pick({"ET SCAN Potential SSH Scan", "ET POLICY curl User-Agent Outbound",
                    "ET WEB_SERVER SQL Injection Attempt"})
                + "\",\"category\":\"Attempted Information Leak\",\"severity\":2},\"app_proto\":\"http\","
                + "\"host\":\"sensor-1\"}");
            break;
        case 2:
            records.push_back("{\"@timestamp\":\"" + iso
                + "\",\"event\":{\"category\":[\"process\"],\"type\":[\"start\"],\"action\":\"exec\"},\"process\":{"
                + "\"pid\":" + number(4000000) + ",\"name\":\"curl\",\"executable\":\"/usr/bin/curl\","
                + "\"command_line\":\"curl -s https://example.org/" + number(1000)
                + " -o /tmp/x\",\"working_directory\":\"/home/" + pick({"alice", "bob", "carol"})
                + "\",\"parent\":{\"pid\":" + number(4000000) + ",\"executable\":\"/bin/bash\"}},\"user\":{\"name\":\""
                + pick({"alice", "bob", "carol"}) + "\",\"id\":\"" + number(2000) + "\"},\"host\":{\"hostname\":\"db0"
                + number(4) + "\"},\"agent\":{\"type\":\"auditbeat\",\"version\":\"8.11.0\"}}");
            break;
        default:
            records.push_back("{\"level\":\"" + pick({"info", "warn", "error", "debug"}) + "\",\"ts\":1795431"
                + digits(3) + "." + digits(6) + ",\"caller\":\"store/orders.go:" + number(400) + "\",\"msg\":\""
                + pick({"slow query", "order placed", "cache miss", "retrying request"}) + "\",\"user\":\""
                + pick({"alice", "bob", "carol"}) + "\",\"order_id\":\"ord-" + number(1000000)
                + "\",\"duration_ms\":" + number(5000) + ",\"db\":\"orders\",\"attempt\":" + number(3) + "}");
            break;
        }
    }
    return records;
}

} // namespace

class TestJsonEventParser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QCOMPARE(nsFromIso("2026-11-23T12:00:00Z"), kNowNs); }

    // Records as real producers write them.
    void producers_data() {
        QTest::addColumn<QByteArray>("record");
        QTest::addColumn<qint64>("timestampNs");
        QTest::addColumn<Severity>("severity");
        QTest::addColumn<QList<QByteArray>>("expected");

        QTest::addRow("Suricata EVE alert")
            << QByteArray(
                   "{\"timestamp\":\"2024-01-15T10:15:30.123456+0000\",\"flow_id\":1184946424425133,"
                   "\"in_iface\":\"eth0\",\"event_type\":\"alert\",\"src_ip\":\"203.0.113.9\",\"src_port\":52144,"
                   "\"dest_ip\":\"192.0.2.10\",\"dest_port\":22,\"proto\":\"TCP\",\"alert\":{\"action\":\"allowed\","
                   "\"gid\":1,\"signature_id\":2001219,\"rev\":20,\"signature\":\"ET SCAN Potential SSH Scan\","
                   "\"category\":\"Attempted Information Leak\",\"severity\":2},\"host\":\"sensor-1\"}")
            << qint64(nsFromIso("2024-01-15T10:15:30.123Z") + 456'000) << Severity::Info
            << QList<QByteArray> {"event_type=alert", "category=application", "source_type=json", "host=sensor-1",
                   "SourceIp=203.0.113.9", "SourcePort=52144", "DestinationIp=192.0.2.10", "DestinationPort=22",
                   "Protocol=TCP", "flow_id=1184946424425133", "in_iface=eth0", "alert.signature_id=2001219",
                   "alert.signature=ET SCAN Potential SSH Scan", "alert.severity=2", "!timestamp", "!src_ip",
                   "!message"};
        QTest::addRow("ECS (Elastic Common Schema)")
            << QByteArray(
                   "{\"@timestamp\":\"2024-01-15T10:15:30.123Z\",\"log.level\":\"warn\",\"message\":\"login "
                   "failed\",\"ecs.version\":\"1.6.0\",\"service.name\":\"auth-api\",\"event\":{\"category\":["
                   "\"authentication\"],\"type\":[\"start\"],\"outcome\":\"failure\"},\"user\":{\"name\":"
                   "\"alice\",\"target\":{\"name\":\"root\"}},\"source\":{\"ip\":\"198.51.100.23\",\"port\":51234},"
                   "\"destination\":{\"ip\":\"2001:db8::5\",\"port\":443},\"host\":{\"name\":\"web-1\"},"
                   "\"process\":{\"pid\":4242,\"executable\":\"/usr/bin/auth-api\",\"command_line\":\"/usr/bin/"
                   "auth-api --port 443\",\"name\":\"auth-api\",\"parent\":{\"pid\":1,\"executable\":\"/usr/lib/"
                   "systemd/systemd\",\"command_line\":\"/sbin/init\"},\"working_directory\":\"/srv\"},\"file\":{"
                   "\"path\":\"/etc/shadow\"},\"network\":{\"transport\":\"tcp\"}}")
            << qint64(nsFromIso("2024-01-15T10:15:30.123Z")) << Severity::Medium
            << QList<QByteArray> {"message=login failed", "log.level=warn", "service=auth-api",
                   "category=authentication", "event.type=[\"start\"]", "event.outcome=failure", "User=alice",
                   "TargetUserName=root", "SourceIp=198.51.100.23", "SourcePort=51234", "DestinationIp=2001:db8::5",
                   "DestinationPort=443", "host=web-1", "ProcessId=4242", "Image=/usr/bin/auth-api",
                   "CommandLine=/usr/bin/auth-api --port 443", "ProcessName=auth-api", "ParentProcessId=1",
                   "ParentImage=/usr/lib/systemd/systemd", "ParentCommandLine=/sbin/init", "CurrentDirectory=/srv",
                   "TargetFilename=/etc/shadow", "Protocol=tcp", "ecs.version=1.6.0", "event_type=json", "!user.name",
                   "!source.ip", "event.category=[\"authentication\"]", "!@timestamp"};
        QTest::addRow("Zeek conn.log") << QByteArray(
            "{\"ts\":1705313730.123456,\"uid\":\"CHhAvVGS1DHFjwGM9\",\"id.orig_h\":\"10.0.0.7\","
            "\"id.orig_p\":49152,\"id.resp_h\":\"93.184.216.34\",\"id.resp_p\":443,\"proto\":\"tcp\","
            "\"service\":\"ssl\",\"duration\":0.25,\"orig_bytes\":517,\"conn_state\":\"SF\","
            "\"local_orig\":true,\"history\":\"ShADadFf\"}")
                                       << qint64(1'705'313'730'123'456'000) << Severity::Info
                                       << QList<QByteArray> {"SourceIp=10.0.0.7", "SourcePort=49152",
                                              "DestinationIp=93.184.216.34", "DestinationPort=443", "Protocol=tcp",
                                              "service=ssl", "duration=0.25", "orig_bytes=517", "local_orig=true",
                                              "uid=CHhAvVGS1DHFjwGM9", "host=collector-host", "!ts"};
        QTest::addRow("Docker json-file")
            << QByteArray("{\"log\":\"GET /healthz 200\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-15T10:15:30."
                          "123456789Z\"}")
            << qint64(nsFromIso("2024-01-15T10:15:30.123Z") + 456'789) << Severity::Info
            << QList<QByteArray> {"message=GET /healthz 200\n", "stream=stdout", "!time", "!log"};
        QTest::addRow("pino (numeric level, epoch ms)")
            << QByteArray("{\"level\":50,\"time\":1705313730123,\"pid\":4711,\"hostname\":\"api-2\",\"msg\":\"request "
                          "failed\",\"err\":{\"type\":\"Error\",\"message\":\"ECONNRESET\"}}")
            << qint64(1'705'313'730'123'000'000) << Severity::High
            << QList<QByteArray> {"level=50", "ProcessId=4711", "host=api-2", "message=request failed",
                   "err.type=Error", "err.message=ECONNRESET"};
        QTest::addRow("zap (epoch seconds with fraction)")
            << QByteArray("{\"level\":\"error\",\"ts\":1705313730.5,\"caller\":\"main.go:42\",\"msg\":\"db down\","
                          "\"user\":\"bob\"}")
            << qint64(1'705'313'730'500'000'000) << Severity::High
            << QList<QByteArray> {"level=error", "caller=main.go:42", "message=db down", "User=bob"};
        QTest::addRow("nothing well known: the defaults")
            << QByteArray("{\"a\":1}") << qint64(kNowNs) << Severity::Info
            << QList<QByteArray> {"a=1", "host=collector-host", "event_type=json", "category=application",
                   "source_type=json", "!message", "!severity"};
        QTest::addRow("the record names its own core fields")
            << QByteArray("{\"event_type\":\"auth_failed\",\"category\":\"authentication\",\"source_type\":\"app\","
                          "\"service\":\"vpn\"}")
            << qint64(kNowNs) << Severity::Info
            << QList<QByteArray> {
                   "event_type=auth_failed", "category=authentication", "source_type=app", "service=vpn"};
    }
    void producers() {
        QFETCH(QByteArray, record);
        QFETCH(qint64, timestampNs);
        QFETCH(Severity, severity);
        QFETCH(QList<QByteArray>, expected);

        JsonEventParser parser;
        EventBatch batch;
        const ParseOutcome outcome = parser.parse(view(record), testContext(), batch);
        QVERIFY2(outcome.ok(), std::string(outcome.failure).c_str());
        QCOMPARE(batch.size(), std::size_t(1));
        const Event &event = batch.events().front();
        QCOMPARE(event.timestampNs, timestampNs);
        QCOMPARE(toString(event.severity), toString(severity));
        QCOMPARE(bytes(event.value(field::Raw)), record);
        checkFields(event, expected);
        QCOMPARE(parser.stats().events, std::uint64_t(1));
        QCOMPARE(parser.stats().droppedFields, std::uint64_t(0));
    }

    // Keys that are not field names are made into ones the server accepts ('@', ' ' → '_');
    // a key too long to be one is dropped and counted. Well-known keys still fill their target.
    void keysBecomeFieldNames() {
        const QByteArray record
            = "{\"@timestamp\":\"2026-11-23T10:00:00Z\",\"@version\":\"1\",\"a b\":\"x\",\"k\":\"v\",\""
            + QByteArray(70, 'n') + "\":\"long\"}";
        JsonEventParser parser;
        EventBatch batch;
        QVERIFY(parser.parse(view(record), testContext(), batch).ok());
        const Event &event = batch.events().front();
        QCOMPARE(event.timestampNs, nsFromIso("2026-11-23T10:00:00Z"));
        checkFields(event, {"_version=1", "a_b=x", "k=v", "!@version"});
        for (const Field &f : event.fields())
            QVERIFY2(wire::isAcceptableFieldName(fieldName(f.id)), fieldName(f.id).data());
        QCOMPARE(parser.stats().droppedFields, std::uint64_t(1));
        // The second time the names come from the parser's memo: the same result.
        EventBatch again;
        QVERIFY(parser.parse(view(record), testContext(), again).ok());
        checkFields(again.events().front(), {"_version=1", "a_b=x"});
        QCOMPARE(parser.stats().droppedFields, std::uint64_t(2));
    }

    // Several keys for one target, and values that cannot fill theirs.
    void precedence_data() {
        QTest::addColumn<QByteArray>("record");
        QTest::addColumn<qint64>("timestampNs");
        QTest::addColumn<Severity>("severity");
        QTest::addColumn<QList<QByteArray>>("expected");
        QTest::addColumn<int>("dropped");
        QTest::addColumn<int>("undated");

        QTest::addRow("@timestamp before time")
            << QByteArray("{\"time\":\"2020-01-01T00:00:00Z\",\"@timestamp\":\"2024-01-15T10:15:30Z\"}")
            << qint64(nsFromIso("2024-01-15T10:15:30Z")) << Severity::Info
            << QList<QByteArray> {"time=2020-01-01T00:00:00Z", "!@timestamp"} << 0 << 0;
        QTest::addRow("a timestamp that is not one gives way")
            << QByteArray("{\"@timestamp\":\"yesterday\",\"timestamp\":\"2024-01-15T10:15:30Z\"}")
            << qint64(nsFromIso("2024-01-15T10:15:30Z")) << Severity::Info
            << QList<QByteArray> {"_timestamp=yesterday", "!timestamp"} << 0 << 0;
        QTest::addRow("no readable timestamp: now, counted")
            << QByteArray("{\"time\":12.5,\"ts\":\"15/Jan/2024:10:15:30 +0000\"}") << qint64(kNowNs) << Severity::Info
            << QList<QByteArray> {"time=12.5", "ts=15/Jan/2024:10:15:30 +0000"} << 0 << 1;
        QTest::addRow("hostname before host.name")
            << QByteArray("{\"host\":{\"name\":\"b\"},\"hostname\":\"a\"}") << qint64(kNowNs) << Severity::Info
            << QList<QByteArray> {"host=a", "host.name=b"} << 0 << 0;
        QTest::addRow("an address that is not one gives way")
            << QByteArray("{\"src_ip\":\"unknown\",\"source\":{\"ip\":\"192.0.2.1\",\"port\":\"http\"}}")
            << qint64(kNowNs) << Severity::Info
            << QList<QByteArray> {"SourceIp=192.0.2.1", "src_ip=unknown", "source.port=http", "!SourcePort"} << 0 << 0;
        QTest::addRow("port out of range")
            << QByteArray("{\"dest_port\":65536,\"dst_port\":\"8080\"}") << qint64(kNowNs) << Severity::Info
            << QList<QByteArray> {"DestinationPort=8080", "dest_port=65536"} << 0 << 0;
        QTest::addRow("level before severity; severity is reserved")
            << QByteArray("{\"severity\":\"error\",\"level\":\"warn\"}") << qint64(kNowNs) << Severity::Medium
            << QList<QByteArray> {"level=warn"} << 1 << 0;
        QTest::addRow("severity alone") << QByteArray("{\"severity\":\"notice\"}") << qint64(kNowNs) << Severity::Low
                                        << QList<QByteArray> {} << 0 << 0;
        QTest::addRow("a level that is not one")
            << QByteArray("{\"level\":\"loud\",\"severity\":\"bogus\"}") << qint64(kNowNs) << Severity::Info
            << QList<QByteArray> {"level=loud"} << 1 << 0;
        QTest::addRow("raw cannot be forged")
            << QByteArray("{\"raw\":\"forged\",\"msg\":\"m\"}") << qint64(kNowNs) << Severity::Info
            << QList<QByteArray> {"raw={\"raw\":\"forged\",\"msg\":\"m\"}", "message=m"} << 1 << 0;
        QTest::addRow("first element of an array")
            << QByteArray("{\"category\":[\"network\",\"web\"],\"host\":[\"h1\",\"h2\"]}") << qint64(kNowNs)
            << Severity::Info << QList<QByteArray> {"category=network", "host=h1"} << 0 << 0;
        QTest::addRow("an array with no scalar head stays text")
            << QByteArray("{\"user\":[{\"name\":\"x\"}]}") << qint64(kNowNs) << Severity::Info
            << QList<QByteArray> {"user=[{\"name\":\"x\"}]", "!User"} << 0 << 0;
        QTest::addRow("null is absent") << QByteArray("{\"message\":null,\"user\":null,\"x\":null}") << qint64(kNowNs)
                                        << Severity::Info << QList<QByteArray> {"!message", "!User", "!x", "!user"} << 0
                                        << 0;
        QTest::addRow("an object where a string was expected")
            << QByteArray("{\"message\":{\"text\":\"hi\"}}") << qint64(kNowNs) << Severity::Info
            << QList<QByteArray> {"message.text=hi", "!message"} << 0 << 0;
        QTest::addRow("a Sigma name as a key is that field")
            << QByteArray("{\"CommandLine\":\"whoami /all\",\"Image\":\"C:\\\\Windows\\\\whoami.exe\"}")
            << qint64(kNowNs) << Severity::Info
            << QList<QByteArray> {"CommandLine=whoami /all", "Image=C:\\Windows\\whoami.exe"} << 0 << 0;
        QTest::addRow("the mapped key wins over the same name written out")
            << QByteArray("{\"SourceIp\":\"198.51.100.1\",\"src_ip\":\"192.0.2.7\"}") << qint64(kNowNs)
            << Severity::Info << QList<QByteArray> {"SourceIp=192.0.2.7"} << 0 << 0;
    }
    void precedence() {
        QFETCH(QByteArray, record);
        QFETCH(qint64, timestampNs);
        QFETCH(Severity, severity);
        QFETCH(QList<QByteArray>, expected);
        QFETCH(int, dropped);
        QFETCH(int, undated);

        JsonEventParser parser;
        EventBatch batch;
        QVERIFY(parser.parse(view(record), testContext(), batch).ok());
        const Event &event = batch.events().front();
        QCOMPARE(event.timestampNs, timestampNs);
        QCOMPARE(toString(event.severity), toString(severity));
        checkFields(event, expected);
        QCOMPARE(parser.stats().droppedFields, std::uint64_t(dropped));
        QCOMPARE(parser.stats().undatedRecords, std::uint64_t(undated));
    }

    void timestamps_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("utcOffsetSeconds");
        QTest::addColumn<qint64>("expected"); // -1: not a timestamp

        const qint64 base = nsFromIso("2024-01-15T10:15:30Z");
        QTest::addRow("RFC 3339 Z") << QByteArray("2024-01-15T10:15:30Z") << 0 << base;
        QTest::addRow("lowercase t and z") << QByteArray("2024-01-15t10:15:30z") << 0 << base;
        QTest::addRow("milliseconds") << QByteArray("2024-01-15T10:15:30.123Z") << 0 << base + 123'000'000;
        QTest::addRow("nanoseconds") << QByteArray("2024-01-15T10:15:30.123456789Z") << 0 << base + 123'456'789;
        QTest::addRow("past nanoseconds, cut")
            << QByteArray("2024-01-15T10:15:30.1234567891Z") << 0 << base + 123'456'789;
        QTest::addRow("comma fraction") << QByteArray("2024-01-15T10:15:30,5Z") << 0 << base + 500'000'000;
        QTest::addRow("+01:00") << QByteArray("2024-01-15T11:15:30+01:00") << 0 << base;
        QTest::addRow("-05:30") << QByteArray("2024-01-15T04:45:30-05:30") << 0 << base;
        QTest::addRow("+0100 (Suricata)") << QByteArray("2024-01-15T11:15:30.000000+0100") << 0 << base;
        QTest::addRow("+01") << QByteArray("2024-01-15T11:15:30+01") << 0 << base;
        QTest::addRow("space, no zone: the writer's zone") << QByteArray("2024-01-15 11:15:30") << 3600 << base;
        QTest::addRow("leap day") << QByteArray("2024-02-29T00:00:00Z") << 0
                                  << qint64(nsFromIso("2024-02-29T00:00:00Z"));
        QTest::addRow("epoch seconds") << QByteArray("1705313730") << 0 << base;
        QTest::addRow("epoch seconds, fraction") << QByteArray("1705313730.25") << 0 << base + 250'000'000;
        QTest::addRow("epoch milliseconds") << QByteArray("1705313730123") << 0 << base + 123'000'000;
        QTest::addRow("epoch milliseconds, fraction") << QByteArray("1705313730123.5") << 0 << base + 123'500'000;
        QTest::addRow("epoch microseconds") << QByteArray("1705313730123456") << 0 << base + 123'456'000;
        QTest::addRow("epoch nanoseconds") << QByteArray("1705313730123456789") << 0 << base + 123'456'789;
        QTest::addRow("a duration") << QByteArray("12.5") << 0 << qint64(-1);
        QTest::addRow("between the bands") << QByteArray("50000000000") << 0 << qint64(-1);
        QTest::addRow("negative") << QByteArray("-1705313730") << 0 << qint64(-1);
        QTest::addRow("a date alone") << QByteArray("2024-01-15") << 0 << qint64(-1);
        QTest::addRow("February 30") << QByteArray("2024-02-30T00:00:00Z") << 0 << qint64(-1);
        QTest::addRow("Feb 29 of a common year") << QByteArray("2023-02-29T00:00:00Z") << 0 << qint64(-1);
        QTest::addRow("hour 24") << QByteArray("2024-01-15T24:00:00Z") << 0 << qint64(-1);
        QTest::addRow("month 13") << QByteArray("2024-13-15T10:15:30Z") << 0 << qint64(-1);
        QTest::addRow("bad zone") << QByteArray("2024-01-15T10:15:30+1") << 0 << qint64(-1);
        QTest::addRow("zone hour 24") << QByteArray("2024-01-15T10:15:30+24:00") << 0 << qint64(-1);
        QTest::addRow("trailing junk") << QByteArray("2024-01-15T10:15:30Zjunk") << 0 << qint64(-1);
        QTest::addRow("empty fraction") << QByteArray("2024-01-15T10:15:30.Z") << 0 << qint64(-1);
        QTest::addRow("past int64 nanoseconds") << QByteArray("9999-12-31T23:59:59Z") << 0 << qint64(-1);
        QTest::addRow("Apache common log") << QByteArray("15/Jan/2024:10:15:30 +0000") << 0 << qint64(-1);
        QTest::addRow("empty") << QByteArray("") << 0 << qint64(-1);
    }
    void timestamps() {
        QFETCH(QByteArray, text);
        QFETCH(int, utcOffsetSeconds);
        QFETCH(qint64, expected);
        const std::optional<std::int64_t> ns = parseJsonTimestamp(view(text), utcOffsetSeconds);
        QCOMPARE(ns.has_value(), expected != -1);
        if (ns)
            QCOMPARE(qint64(*ns), expected);
    }

    void levels_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("expected"); // -1: not a level
        QTest::addRow("emerg") << QByteArray("emerg") << int(Severity::High);
        QTest::addRow("FATAL") << QByteArray("FATAL") << int(Severity::High);
        QTest::addRow("Error") << QByteArray("Error") << int(Severity::High);
        QTest::addRow("err") << QByteArray("err") << int(Severity::High);
        QTest::addRow("crit") << QByteArray("crit") << int(Severity::High);
        QTest::addRow("critical (Vanopticon's)") << QByteArray("critical") << int(Severity::Critical);
        QTest::addRow("WARNING") << QByteArray("WARNING") << int(Severity::Medium);
        QTest::addRow("warn") << QByteArray("warn") << int(Severity::Medium);
        QTest::addRow("notice") << QByteArray("notice") << int(Severity::Low);
        QTest::addRow("info") << QByteArray("info") << int(Severity::Info);
        QTest::addRow("informational") << QByteArray("informational") << int(Severity::Info);
        QTest::addRow("debug") << QByteArray("debug") << int(Severity::Info);
        QTest::addRow("trace") << QByteArray("TRACE") << int(Severity::Info);
        QTest::addRow("medium") << QByteArray("medium") << int(Severity::Medium);
        QTest::addRow("syslog 0") << QByteArray("0") << int(Severity::High);
        QTest::addRow("syslog 3") << QByteArray("3") << int(Severity::High);
        QTest::addRow("syslog 4") << QByteArray("4") << int(Severity::Medium);
        QTest::addRow("syslog 5") << QByteArray("5") << int(Severity::Low);
        QTest::addRow("syslog 7") << QByteArray("7") << int(Severity::Info);
        QTest::addRow("pino 30") << QByteArray("30") << int(Severity::Info);
        QTest::addRow("pino 40") << QByteArray("40") << int(Severity::Medium);
        QTest::addRow("pino 50") << QByteArray("50") << int(Severity::High);
        QTest::addRow("pino 60") << QByteArray("60") << int(Severity::High);
        QTest::addRow("8") << QByteArray("8") << -1;
        QTest::addRow("35") << QByteArray("35") << -1;
        QTest::addRow("100") << QByteArray("100") << -1;
        QTest::addRow("loud") << QByteArray("loud") << -1;
        QTest::addRow("empty") << QByteArray("") << -1;
        QTest::addRow("long") << QByteArray("informationalxxxxxxxxxxxxx") << -1;
    }
    void levels() {
        QFETCH(QByteArray, text);
        QFETCH(int, expected);
        const std::optional<Severity> level = parseJsonLevel(view(text));
        QCOMPARE(level.has_value(), expected != -1);
        if (level)
            QCOMPARE(int(*level), expected);
    }

    void refused_data() {
        QTest::addColumn<QByteArray>("record");
        QTest::addColumn<QByteArray>("reason");
        QTest::addRow("syslog line") << QByteArray("<34>Oct 11 22:14:15 mymachine su: 'su root' failed")
                                     << QByteArray("invalid JSON");
        QTest::addRow("array") << QByteArray("[{\"a\":1}]") << QByteArray("not a JSON object");
        QTest::addRow("invalid UTF-8") << QByteArray("{\"msg\":\"\xc3\x28\"}") << QByteArray("invalid UTF-8");
        QTest::addRow("truncated") << QByteArray("{\"msg\":\"cut her") << QByteArray("invalid string");
    }
    void refused() {
        QFETCH(QByteArray, record);
        QFETCH(QByteArray, reason);
        JsonEventParser parser;
        EventBatch batch;
        QVERIFY(parser.parse("{\"a\":1}", testContext(), batch).ok());
        const ParseOutcome outcome = parser.parse(view(record), testContext(), batch);
        QCOMPARE(bytes(outcome.failure), reason);
        QCOMPARE(batch.size(), std::size_t(1));
        QCOMPARE(parser.stats().records, std::uint64_t(2));
        QCOMPARE(parser.stats().events, std::uint64_t(1));
        QCOMPARE(parser.stats().failed, std::uint64_t(1));
    }

    // A source writing ever new keys may add only so many names to the process-wide registry.
    void fieldNameBudget() {
        const std::string known = "budget.known_elsewhere";
        internField(known);
        JsonEventParser parser(JsonLimits {}, 2);
        EventBatch batch;
        const std::string first = "{\"budget.new1\":1,\"budget.new2\":2,\"budget.new3\":3,\"" + known + "\":4}";
        QVERIFY(parser.parse(first, testContext(), batch).ok());
        checkFields(batch.events().back(),
            {"budget.new1=1", "budget.new2=2", "!budget.new3", QByteArray::fromStdString(known) + "=4"});
        QCOMPARE(parser.stats().droppedFields, std::uint64_t(1));
        QVERIFY(!FieldRegistry::instance().find("budget.new3"));
        // Names it already added keep working.
        QVERIFY(parser.parse("{\"budget.new2\":5,\"budget.new4\":6}", testContext(), batch).ok());
        checkFields(batch.events().back(), {"budget.new2=5", "!budget.new4"});
        QCOMPARE(parser.stats().droppedFields, std::uint64_t(2));
    }

    void fieldBounds() {
        JsonLimits limits;
        limits.maxFields = 3;
        JsonEventParser parser(limits);
        EventBatch batch;
        QVERIFY(parser.parse("{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":{\"f\":5}}", testContext(), batch).ok());
        checkFields(batch.events().back(), {"a=1", "b=2", "c=3", "!d", "!e.f"});
        QCOMPARE(parser.stats().droppedFields, std::uint64_t(2));
    }

    void freeFunction() {
        EventBatch batch;
        QVERIFY(parseJsonEvent("{\"msg\":\"hello\",\"level\":\"info\"}", testContext(), batch).ok());
        QVERIFY(!parseJsonEvent("{\"msg\":", testContext(), batch).ok());
        QCOMPARE(batch.size(), std::size_t(1));
        checkFields(batch.events().front(), {"message=hello", "level=info", "host=collector-host"});
    }

    // Every proper prefix of a record is refused; random damage never crashes, and an event is
    // appended exactly when parse() says so.
    void damagedRecords() {
        const std::string record
            = "{\"@timestamp\":\"2024-01-15T10:15:30Z\",\"level\":\"warn\",\"msg\":\"caf\u00e9 "
              "\\\"q\\\"\",\"user\":{\"name\":\"alice\",\"ids\":[1,2.5,-3e2]},\"ok\":true,\"n\":null}";
        JsonEventParser parser;
        EventBatch batch;
        QVERIFY(parser.parse(record, testContext(), batch).ok());
        for (std::size_t length = 0; length < record.size(); ++length)
            QVERIFY2(!parser.parse(std::string_view(record).substr(0, length), testContext(), batch).ok(),
                std::to_string(length).c_str());
        QCOMPARE(batch.size(), std::size_t(1));

        std::mt19937 random(20241115);
        std::size_t accepted = 0;
        for (int round = 0; round < 20000; ++round) {
            std::string damaged = record;
            const int edits = 1 + int(random() % 4);
            for (int e = 0; e < edits; ++e) {
                const std::size_t at = random() % damaged.size();
                switch (random() % 3) {
                case 0:
                    damaged[at] = static_cast<char>(random() % 256);
                    break;
                case 1:
                    damaged.erase(at, 1 + random() % 8);
                    break;
                default:
                    damaged.insert(at, 1, "{}[]\",:0e\\u\x80"[random() % 13]);
                }
                if (damaged.empty())
                    damaged = "{";
            }
            const std::size_t before = batch.size();
            const ParseOutcome outcome = parser.parse(damaged, testContext(), batch);
            QCOMPARE(batch.size(), before + (outcome.ok() ? 1 : 0));
            QVERIFY(outcome.ok() || !outcome.failure.empty());
            accepted += outcome.ok() ? 1 : 0;
        }
        QCOMPARE(parser.stats().events, std::uint64_t(batch.size()));
        QVERIFY(accepted > 0 && accepted < 20000); // both paths were taken
    }

    // Many records through one parser: each event owns its strings (in the batch's arena), so
    // the reused buffers of the parser do not show through.
    void eventsOutliveTheParsersBuffers() {
        JsonEventParser parser;
        EventBatch batch;
        for (int i = 0; i < 50; ++i) {
            const std::string record = "{\"msg\":\"record " + std::to_string(i) + "\",\"n\":" + std::to_string(i)
                + ",\"tags\":[\"t" + std::to_string(i) + "\"]}";
            QVERIFY(parser.parse(record, testContext(), batch).ok());
        }
        for (int i = 0; i < 50; ++i) {
            const Event &event = batch.events()[static_cast<std::size_t>(i)];
            checkFields(event,
                {"message=record " + QByteArray::number(i), "n=" + QByteArray::number(i),
                    "tags=[\"t" + QByteArray::number(i) + "\"]"});
        }
    }

    // Events per second: 1,000 lines per iteration into a fresh batch, each line in its own buffer
    // without simdjson's padding, as a source delivers them (run with -iterations N for a steady
    // figure).
    void throughput() {
        const std::vector<std::string> records = generatedRecords(1000);
        std::size_t bytes = 0;
        for (const std::string &record : records)
            bytes += record.size();
        QVERIFY(bytes / records.size() > 250);
        JsonEventParser parser;
        const SyslogContext context = testContext();
        QBENCHMARK {
            EventBatch batch;
            for (const std::string &record : records) {
                if (!parser.parse(record, context, batch))
                    QFAIL(record.c_str());
            }
            QCOMPARE(batch.size(), records.size());
        }
        QCOMPARE(parser.stats().failed, std::uint64_t(0));
        QCOMPARE(parser.stats().droppedFields, std::uint64_t(0));
        QCOMPARE(parser.stats().undatedRecords, std::uint64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestJsonEventParser)
#include "tst_jsoneventparser.moc"
