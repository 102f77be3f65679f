// SPDX-License-Identifier: Apache-2.0
#include "netflowvectors.h"
#include "sentinel/collect/netflow/floweventwriter.h"
#include "sentinel/collect/netflow/netflowdecoder.h"

#include <QDateTime>
#include <QTest>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace netflowvectors;
using namespace Qt::StringLiterals;

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000'000'000;

QString value(const Event &event, std::string_view name) {
    const std::string_view v = event.value(internField(name));
    return QString::fromUtf8(v.data(), qsizetype(v.size()));
}

QString value(const Event &event, FieldId id) {
    const std::string_view v = event.value(id);
    return QString::fromUtf8(v.data(), qsizetype(v.size()));
}

// Every flow of the given packets (decoded in order by one decoder) as events.
EventBatch events(std::initializer_list<const char *> names, std::string_view exporter = "192.0.2.10") {
    NetflowDecoder decoder;
    FlowEventWriter writer;
    std::vector<FlowRecord> records;
    for (const char *name : names) {
        const QByteArray datagram = packet(QString::fromLatin1(name));
        if (datagram.isEmpty())
            qFatal("missing test vector %s", name);
        decoder.decode(bytes(datagram), address("192.0.2.10"), kNow, records);
    }
    EventBatch batch;
    for (const FlowRecord &record : records)
        writer.append(record, exporter, batch);
    return batch;
}

QString utcText(std::int64_t ns) {
    return QDateTime::fromMSecsSinceEpoch(ns / 1'000'000, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace

class TestFlowEventWriter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void v9Flow() {
        const EventBatch batch = events({"PACKET_V9_TEMPLATE"});
        QCOMPARE(batch.size(), std::size_t(8));
        const Event &event = batch.events().front();
        QCOMPARE(value(event, field::EventType), u"network_connection"_s);
        QCOMPARE(value(event, field::Category), u"network"_s);
        QCOMPARE(value(event, field::SourceType), u"netflow"_s);
        QCOMPARE(value(event, field::Host), u"192.0.2.10"_s);
        QCOMPARE(value(event, "exporter"), u"192.0.2.10"_s);
        QCOMPARE(value(event, field::SourceIp), u"127.0.0.1"_s);
        QCOMPARE(value(event, field::SourcePort), u"80"_s);
        QCOMPARE(value(event, field::DestinationIp), u"127.0.0.1"_s);
        QCOMPARE(value(event, field::DestinationPort), u"37932"_s);
        QCOMPARE(value(event, field::Protocol), u"tcp"_s);
        QCOMPARE(value(event, "protocol_number"), u"6"_s);
        QCOMPARE(value(event, "bytes"), u"102416"_s);
        QCOMPARE(value(event, "packets"), u"75"_s);
        QCOMPARE(value(event, "tcp_flags"), u"FIN,SYN,PSH,ACK"_s); // 0x1b
        QCOMPARE(value(event, "netflow_version"), u"9"_s);
        QCOMPARE(value(event, "observation_domain"), u"0"_s);
        QVERIFY(!event.has(internField("input_interface"))); // softflowd exports 0: not known
        QCOMPARE(value(event, field::Message), u"tcp 127.0.0.1:80 -> 127.0.0.1:37932, 75 packets, 102416 bytes"_s);
        QVERIFY(event.severity == Severity::Info);

        // The header says: uptime 3 ms at Unix time 1553946008 s; the flow's first and last
        // packets were at uptime 0xfb3c18fd and 0xfb3c1aaa ms (32 bits, so it wrapped since).
        const std::int64_t exportMs = 1553946008LL * 1000;
        const std::int64_t startMs = exportMs - std::int64_t(std::uint32_t(3u - 0xfb3c18fdu));
        const std::int64_t endMs = exportMs - std::int64_t(std::uint32_t(3u - 0xfb3c1aaau));
        QCOMPARE(event.timestampNs, startMs * 1'000'000);
        QCOMPARE(value(event, "flow_start"), utcText(startMs * 1'000'000));
        QCOMPARE(value(event, "flow_start"), u"2019-03-29T13:27:40.474Z"_s);
        QCOMPARE(value(event, "flow_end"), utcText(endMs * 1'000'000));
    }

    void icmpHasTypeAndCodeInsteadOfPorts() {
        const EventBatch batch = events({"PACKET_V5"});
        QCOMPARE(batch.size(), std::size_t(3));
        const Event &request = batch.events()[0];
        QCOMPARE(value(request, field::Protocol), u"icmp"_s);
        QCOMPARE(value(request, "icmp_type"), u"8"_s);
        QCOMPARE(value(request, "icmp_code"), u"0"_s);
        QVERIFY(!request.has(field::SourcePort));
        QVERIFY(!request.has(field::DestinationPort));
        QVERIFY(!request.has(internField("tcp_flags")));
        QCOMPARE(value(request, "netflow_version"), u"5"_s);
        QVERIFY(!request.has(internField("observation_domain")));
        const Event &multicast = batch.events()[2];
        QCOMPARE(value(multicast, field::Protocol), u"udp"_s);
        QCOMPARE(value(multicast, field::DestinationIp), u"224.0.0.251"_s);
        QCOMPARE(value(multicast, field::DestinationPort), u"5353"_s);
    }

    void ipv6AndLayer2() {
        const EventBatch batch = events({"PACKET_IPFIX_TEMPLATE_ETHER", "PACKET_IPFIX_ETHER"});
        const Event &flow = batch.events().front(); // the options record is not an event
        QCOMPARE(value(flow, field::DestinationIp), u"172.17.0.2"_s);
        QCOMPARE(value(flow, "source_mac"), u"12:34:56:af:fe:fe"_s);
        QCOMPARE(value(flow, "destination_mac"), u"af:fe:af:fe:af:fe"_s);
        QCOMPARE(value(flow, "netflow_version"), u"10"_s);

        const auto v6 = std::find_if(batch.events().begin(), batch.events().end(),
            [](const Event &e) { return value(e, field::SourceIp).contains(u':') && e.has(field::SourcePort); });
        QVERIFY(v6 != batch.events().end());
        QVERIFY(value(*v6, field::Message).startsWith(u"udp [fde6:6f14:e0f1:9609:0:affe:affe:affe]:"_s));
    }

    // softflowd puts ICMP flows in templates without a protocol field; the ICMP type field tells.
    void icmpTemplatesWithoutProtocol() {
        const EventBatch batch = events({"PACKET_IPFIX_TEMPLATE"});
        const auto icmp = std::find_if(batch.events().begin(), batch.events().end(),
            [](const Event &e) { return e.has(internField("icmp_type")); });
        QVERIFY(icmp != batch.events().end());
        QCOMPARE(value(*icmp, field::Protocol), u"icmp"_s);
        const auto icmp6 = std::find_if(batch.events().begin(), batch.events().end(),
            [](const Event &e) { return value(e, field::Protocol) == u"ipv6-icmp"_s; });
        QVERIFY(icmp6 != batch.events().end());
        QVERIFY(value(*icmp6, field::SourceIp).contains(u':'));
    }

    void optionsRecordsAreNotEvents() {
        FlowRecord options;
        options.kind = FlowRecord::Kind::Options;
        options.systemInitTimeMs = 1;
        EventBatch batch;
        QVERIFY(!FlowEventWriter().append(options, "192.0.2.1", batch));
        QCOMPARE(batch.size(), std::size_t(0));
    }

    void times_data() {
        QTest::addColumn<qint64>("ns");
        QTest::addRow("epoch plus a millisecond") << qint64(1'000'000);
        QTest::addRow("leap day 2000") << qint64(951'782'400'123'000'000);
        QTest::addRow("end of 2099") << qint64(4'102'444'799'999'000'000);
        QTest::addRow("sub-millisecond cut") << qint64(1'700'000'000'000'999'999);
    }
    void times() {
        QFETCH(qint64, ns);
        FlowRecord record;
        record.version = 10;
        record.startNs = ns;
        record.endNs = ns;
        EventBatch batch;
        QVERIFY(FlowEventWriter().append(record, {}, batch));
        const Event &event = batch.events().front();
        QCOMPARE(value(event, "flow_start"), utcText(ns));
        QCOMPARE(event.timestampNs, ns);
        QVERIFY(!event.has(field::Host)); // no exporter given
    }

    void timeFallsBackToTheExport() {
        FlowRecord record;
        record.version = 10;
        record.exportNs = 1'700'000'000'000'000'000;
        EventBatch batch;
        QVERIFY(FlowEventWriter().append(record, "192.0.2.1", batch));
        QCOMPARE(batch.events().front().timestampNs, record.exportNs);
        QVERIFY(!batch.events().front().has(internField("flow_start")));
        QCOMPARE(value(batch.events().front(), field::Message), u"flow ? -> ?"_s);
    }

    void otherProtocolsAndInterfaces() {
        FlowRecord record;
        record.version = 9;
        record.protocol = 200;
        record.sourcePort = 1;
        record.inputInterface = 3;
        record.outputInterface = 0;
        EventBatch batch;
        QVERIFY(FlowEventWriter().append(record, "192.0.2.1", batch));
        const Event &event = batch.events().front();
        QCOMPARE(value(event, field::Protocol), u"200"_s);
        QVERIFY(!event.has(field::SourcePort)); // no ports for a protocol without them
        QCOMPARE(value(event, "input_interface"), u"3"_s);
        QVERIFY(!event.has(internField("output_interface")));
        QCOMPARE(ipProtocolName(58), std::string_view("ipv6-icmp"));
        QCOMPARE(ipProtocolName(132), std::string_view("sctp"));
        QVERIFY(ipProtocolName(200).empty());
    }
};

QTEST_GUILESS_MAIN(TestFlowEventWriter)
#include "tst_floweventwriter.moc"
