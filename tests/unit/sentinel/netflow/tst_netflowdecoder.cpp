// SPDX-License-Identifier: Apache-2.0
#include "netflowvectors.h"
#include "packetbuilder.h"
#include "sentinel/collect/netflow/netflowdecoder.h"

#include <QRandomGenerator>
#include <QTest>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace netflowvectors;
using namespace Qt::StringLiterals;

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000'000'000;
constexpr std::int64_t kSecond = 1'000'000'000;

const IpAddress &loopback() {
    static const IpAddress exporter = address("127.0.0.1");
    return exporter;
}

NetflowPacketSummary feed(NetflowDecoder &decoder, const QByteArray &datagram, std::vector<FlowRecord> &out,
    const IpAddress &exporter = loopback(), std::int64_t nowNs = kNow) {
    return decoder.decode(bytes(datagram), exporter, nowNs, out);
}

QByteArray mustRead(const char *name) {
    QByteArray data = packet(QString::fromLatin1(name));
    if (data.isEmpty())
        qFatal("missing test vector %s (../shared/data/netflow)", name);
    return data;
}

QString text(const FlowAddress &a) {
    std::array<std::uint8_t, 16> raw = a.bytes;
    return QString::fromStdString(
        IpAddress::fromBytes(a.v6 ? IpAddress::Family::V6 : IpAddress::Family::V4, raw).toString());
}

std::size_t flowCount(const std::vector<FlowRecord> &records) {
    return std::size_t(std::count_if(
        records.begin(), records.end(), [](const FlowRecord &r) { return r.kind == FlowRecord::Kind::Flow; }));
}

// A small IPFIX template: source and destination IPv4, ports, protocol (13-byte records). The
// `swapped` layout names the same bytes the other way round, to see a redefinition take effect.
PacketBuilder &addTemplate(PacketBuilder &p, std::uint16_t id, bool swapped = false) {
    p.beginSet(2).u16(id).u16(5);
    if (swapped)
        p.u16(12).u16(4).u16(8).u16(4).u16(11).u16(2).u16(7).u16(2);
    else
        p.u16(8).u16(4).u16(12).u16(4).u16(7).u16(2).u16(11).u16(2);
    return p.u16(4).u16(1).endSet();
}

PacketBuilder &addRecord(PacketBuilder &p, std::uint16_t templateId, std::uint32_t source, std::uint16_t port) {
    return p.beginSet(templateId).u32(source).u32(0x0a000001).u16(port).u16(443).u8(6).endSet();
}

QByteArray templatePacket(std::uint16_t id, std::uint32_t domain = 1, bool swapped = false) {
    PacketBuilder p;
    p.ipfixHeader(1'700'000'000, domain);
    addTemplate(p, id, swapped);
    return p.ipfix();
}

QByteArray dataPacket(std::uint16_t id, std::uint16_t port, std::uint32_t domain = 1) {
    PacketBuilder p;
    p.ipfixHeader(1'700'000'000, domain);
    addRecord(p, id, 0xc0000201, port);
    return p.ipfix();
}

} // namespace

class TestNetflowDecoder : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // test_netflow.py: test_recv_v1_packet.
    void v1Packet() {
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        const NetflowPacketSummary summary = feed(decoder, mustRead("PACKET_V1"), out);
        QVERIFY(summary.ok());
        QCOMPARE(summary.version, 1);
        QCOMPARE(summary.count, 2);
        QCOMPARE(out.size(), std::size_t(2)); // ping request and reply
        QVERIFY(QStringList({u"172.17.0.1"_s, u"172.17.0.2"_s}).contains(text(*out[0].sourceAddress)));
        QCOMPARE(*out[0].protocol, 1); // ICMP
    }

    // test_netflow.py: test_recv_v5_packet.
    void v5Packet() {
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        const NetflowPacketSummary summary = feed(decoder, mustRead("PACKET_V5"), out);
        QVERIFY(summary.ok());
        QCOMPARE(summary.version, 5);
        QCOMPARE(summary.count, 3);
        QCOMPARE(out.size(), std::size_t(3)); // ping request and reply, one multicast
        QVERIFY(QStringList({u"172.17.0.1"_s, u"172.17.0.2"_s}).contains(text(*out[0].sourceAddress)));
        QCOMPARE(*out[0].protocol, 1);
        QCOMPARE(text(*out[2].destinationAddress), QStringLiteral("224.0.0.251"));
    }

    // test_netflow.py: test_recv_v9_packet, step by step, each step with a fresh collector.
    void v9DataBeforeItsTemplateIsHeld() {
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        const NetflowPacketSummary summary = feed(decoder, mustRead("PACKETS_V9_0"), out);
        QVERIFY(summary.ok());
        QCOMPARE(out.size(), std::size_t(0)); // no template yet
        QCOMPARE(summary.held, std::size_t(1));
        QCOMPARE(decoder.pending().packets(), std::size_t(1));
        QCOMPARE(decoder.exporterStats(loopback())->held, 1u);
    }

    void v9WithZerosDecodesNothing() {
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        const NetflowPacketSummary summary = feed(decoder, mustRead("PACKET_V9_WITH_ZEROS"), out);
        QCOMPARE(out.size(), std::size_t(0));
        // Five flowsets of template 260, which this exporter never sent: held, not decoded. The
        // zeros after them are the datagram's padding.
        QVERIFY(summary.ok());
        QCOMPARE(summary.held, std::size_t(5));
    }

    void v9TemplatesAfterTheirDataInOnePacket() {
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        QVERIFY(feed(decoder, mustRead("PACKET_V9_TEMPLATE"), out).ok());
        QCOMPARE(out.size(), std::size_t(8));

        NetflowDecoder fresh;
        out.clear();
        const NetflowPacketSummary summary = feed(fresh, mustRead("PACKET_V9_TEMPLATE_MIXED"), out);
        QVERIFY(summary.ok());
        QCOMPARE(out.size(), std::size_t(8));
        QCOMPARE(summary.templates, std::size_t(2));
        QCOMPARE(*out.front().protocol, 6);
        QCOMPARE(*out.front().sourcePort, 80);
        QCOMPARE(text(*out.front().sourceAddress), QStringLiteral("127.0.0.1"));
        QCOMPARE(*out.back().protocol, 17);
        QCOMPARE(*out.back().destinationPort, 53);
        QCOMPARE(fresh.pending().packets(), std::size_t(0));
    }

    void v9TemplateThenExports() {
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        int accepted = 0;
        for (const char *name : {"PACKET_V9_TEMPLATE", "PACKETS_V9_0", "PACKETS_V9_1", "PACKETS_V9_2"}) {
            const NetflowPacketSummary summary = feed(decoder, mustRead(name), out);
            QVERIFY(summary.ok());
            QCOMPARE(summary.version, 9);
            ++accepted;
        }
        QCOMPARE(accepted, 4);
        QCOMPARE(out.size(), std::size_t(8 + 12 + 12 + 12));
    }

    // test_netflow.py: _test_recv_all_packets — 1000 packets, the template first, in the middle
    // or last: every flow comes out, whatever arrived before the template having been held.
    void v9AllPacketsReceived_data() {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("templateAt");
        QTest::addRow("template first") << 1000 << 0;
        QTest::addRow("template middle") << 1000 << 500;
        QTest::addRow("template last") << 1000 << 999;
        QTest::addRow("three packets") << 3 << 0;
    }
    void v9AllPacketsReceived() {
        QFETCH(int, count);
        QFETCH(int, templateAt);
        const QByteArray templatePacket = mustRead("PACKET_V9_TEMPLATE");
        const std::array<QByteArray, 3> exports {
            mustRead("PACKETS_V9_0"), mustRead("PACKETS_V9_1"), mustRead("PACKETS_V9_2")};
        QRandomGenerator random(20240229);
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        std::size_t things = 0;
        for (int i = 0; i < count; ++i) {
            const QByteArray &datagram = i == templateAt ? templatePacket : exports[random.bounded(3)];
            const NetflowPacketSummary summary = feed(decoder, datagram, out, loopback(), kNow + i * 1000);
            QVERIFY(summary.ok());
            things += summary.count;
        }
        // "things" (header counts): 12 per export packet, 10 in the template packet (2 templates, 8 flows).
        QCOMPARE(things, std::size_t((count - 1) * 12 + 10));
        QCOMPARE(out.size(), std::size_t((count - 1) * 12 + 8));
        QCOMPARE(decoder.pending().packets(), std::size_t(0));
        QCOMPARE(decoder.exporterStats(loopback())->expiredHeld, 0u);
        QCOMPARE(decoder.exporterStats(loopback())->held, std::uint64_t(templateAt));
    }

    // test_netflow.py: test_ignore_invalid_packets.
    void invalidPacketsAreRefused() {
        const QByteArray invalid = mustRead("PACKET_INVALID");
        const QByteArray exportPacket = mustRead("PACKETS_V9_1");
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        int accepted = 0;
        for (const QByteArray &datagram :
            {invalid, mustRead("PACKET_V9_TEMPLATE"), exportPacket, invalid, exportPacket, invalid}) {
            const NetflowPacketSummary summary = feed(decoder, datagram, out);
            if (summary.ok())
                ++accepted;
            else
                QVERIFY(!summary.failure.empty());
        }
        QCOMPARE(accepted, 3);
        QCOMPARE(out.size(), std::size_t(8 + 12 + 12));
        const ExporterStats &stats = *decoder.exporterStats(loopback());
        QCOMPARE(stats.malformed, 3u);
        QCOMPARE(stats.packets, 6u);
        QCOMPARE(decoder.recentFailures().size(), std::size_t(3));
        QCOMPARE(decoder.recentFailures().back().reason,
            std::string_view("unsupported version (expected NetFlow v1, v5, v9 or IPFIX)"));
        QCOMPARE(decoder.recentFailures().back().bytes, std::size_t(21));
    }

    // The Python test checks that a packet keeps the time it was received, not processed: a held
    // flow keeps its own header's clock, not the one of the packet that brought the template.
    void heldFlowsKeepTheirExportTime() {
        const QByteArray exportPacket = mustRead("PACKETS_V9_2");
        std::vector<FlowRecord> direct;
        {
            NetflowDecoder decoder;
            QVERIFY(feed(decoder, mustRead("PACKET_V9_TEMPLATE"), direct).ok());
            direct.clear();
            QVERIFY(feed(decoder, exportPacket, direct).ok());
        }
        NetflowDecoder decoder;
        std::vector<FlowRecord> held;
        QVERIFY(feed(decoder, exportPacket, held, loopback(), kNow).ok());
        QVERIFY(feed(decoder, mustRead("PACKET_V9_TEMPLATE"), held, loopback(), kNow + 30 * kSecond).ok());
        QCOMPARE(held.size(), std::size_t(8 + 12));
        held.erase(held.begin(), held.begin() + 8); // the template packet's own flows come first
        for (std::size_t i = 0; i < direct.size(); ++i) {
            QCOMPARE(held[i].startNs, direct[i].startNs);
            QCOMPARE(held[i].endNs, direct[i].endNs);
            QCOMPARE(*held[i].sourcePort, *direct[i].sourcePort);
        }
    }

    // The expected values below are those of the same authors' tests/test_ipfix.py (the packets
    // are in ../shared/data; that test file is not).
    void ipfixDataBeforeItsTemplateIsHeld() {
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        const NetflowPacketSummary summary = feed(decoder, mustRead("PACKET_IPFIX"), out);
        QVERIFY(summary.ok());
        QCOMPARE(out.size(), std::size_t(0));
        QCOMPARE(summary.held, std::size_t(2));
    }

    void ipfixTemplatePacket() {
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        const NetflowPacketSummary summary = feed(decoder, mustRead("PACKET_IPFIX_TEMPLATE"), out);
        QVERIFY(summary.ok());
        QCOMPARE(summary.version, 10);
        QCOMPARE(out.size(), std::size_t(1 + 2 + 2 + 9 + 1 + 2 + 1 + 2));
        QCOMPARE(summary.templates, std::size_t(4 + 1));

        const FlowRecord &options = out[0];
        QVERIFY(options.kind == FlowRecord::Kind::Options);
        QCOMPARE(*options.meteringProcessId, 2649u);
        QCOMPARE(*options.selectorAlgorithm, 1u);
        QCOMPARE(*options.systemInitTimeMs, 1585735165729u);

        const FlowRecord &https = out[1]; // HTTPS flow from web server to client
        QCOMPARE(text(*https.destinationAddress), QStringLiteral("172.17.0.2"));
        QCOMPARE(*https.protocol, 6);
        QCOMPARE(*https.sourcePort, 443);
        QCOMPARE(*https.destinationPort, 57766);
        QCOMPARE(*https.tcpFlags, 0x1b);

        const FlowRecord &v6 = out[17];
        QCOMPARE(*v6.protocol, 17);
        QVERIFY(v6.sourceAddress->v6);
        QCOMPARE(text(*v6.sourceAddress), QStringLiteral("fde6:6f14:e0f1:9609:0:affe:affe:affe"));
    }

    void ipfixHeldThenTemplateThenData() {
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        int accepted = 0;
        std::uint16_t firstVersion = 0;
        for (const char *name : {"PACKET_IPFIX", "PACKET_IPFIX_TEMPLATE", "PACKET_IPFIX"}) {
            const NetflowPacketSummary summary = feed(decoder, mustRead(name), out);
            QVERIFY(summary.ok());
            if (accepted++ == 0)
                firstVersion = summary.version;
        }
        QCOMPARE(accepted, 3);
        QCOMPARE(firstVersion, 10);
        QCOMPARE(out.size(), std::size_t(2 + 1 + (1 + 2 + 2 + 9 + 1 + 2 + 1 + 2) + 2 + 1));
        QCOMPARE(decoder.exporterStats(loopback())->released, 2u);
    }

    void ipfixWithLayer2() {
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        QVERIFY(feed(decoder, mustRead("PACKET_IPFIX_TEMPLATE_ETHER"), out).ok());
        const std::size_t first = out.size();
        QVERIFY(feed(decoder, mustRead("PACKET_IPFIX_ETHER"), out).ok());
        QVERIFY(out.size() > first);

        const FlowRecord &options = out[0];
        QVERIFY(options.kind == FlowRecord::Kind::Options);
        QCOMPARE(*options.meteringProcessId, 9u);
        QCOMPARE(*options.selectorAlgorithm, 1u);
        QCOMPARE(*options.systemInitTimeMs, 759538800000u);

        const FlowRecord &flow = out[1];
        QCOMPARE(text(*flow.destinationAddress), QStringLiteral("172.17.0.2"));
        QCOMPARE(*flow.sourceMac, 0x123456affefeu);
        QCOMPARE(*flow.postDestinationMac, 0xaffeaffeaffeu);
    }

    // A data set of 39-byte records with two bytes of padding, and an options record with a
    // 16-byte interface name after the flows (read from the packet's own templates).
    void ipfixPaddingAfterRecords() {
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        const NetflowPacketSummary summary = feed(decoder, mustRead("PACKET_IPFIX_PADDING"), out);
        QVERIFY(summary.ok());
        QCOMPARE(summary.templates, std::size_t(4 + 1));
        QCOMPARE(summary.badSets, std::size_t(0));
        QCOMPARE(out.size(), std::size_t(3));
        QCOMPARE(flowCount(out), std::size_t(2));
        for (std::size_t i = 0; i < 2; ++i) {
            QCOMPARE(*out[i].protocol, 1);
            QCOMPARE(text(*out[i].sourceAddress), QStringLiteral("127.0.0.1"));
            QCOMPARE(*out[i].packets, 3u);
            QCOMPARE(*out[i].bytes, 252u);
        }
        QCOMPARE(*out[0].icmpTypeCode, 0x0800); // echo request, then the reply
        QCOMPARE(*out[1].icmpTypeCode, 0x0000);
        QVERIFY(out[2].kind == FlowRecord::Kind::Options);
        QCOMPARE(*out[2].systemInitTimeMs, 1692447120686u);
    }

    void templatesBelongToOneExporterAndDomain() {
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        QVERIFY(feed(decoder, templatePacket(300, 1), out).ok());
        QVERIFY(feed(decoder, dataPacket(300, 1000, 1), out).ok());
        QCOMPARE(out.size(), std::size_t(1));

        const IpAddress other = address("192.0.2.99");
        NetflowPacketSummary summary = feed(decoder, dataPacket(300, 1001, 1), out, other);
        QCOMPARE(summary.held, std::size_t(1)); // another exporter's template 300 is another template
        summary = feed(decoder, dataPacket(300, 1002, 2), out);
        QCOMPARE(summary.held, std::size_t(1)); // so is another observation domain's
        QCOMPARE(out.size(), std::size_t(1));

        QVERIFY(feed(decoder, templatePacket(300, 1), out, other).ok());
        QCOMPARE(out.size(), std::size_t(2));
        QCOMPARE(*out.back().sourcePort, 1001);
        QCOMPARE(decoder.pending().packets(), std::size_t(1)); // domain 2 still waits
    }

    void ipfixWithdrawal() {
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        QVERIFY(feed(decoder, templatePacket(300), out).ok());
        QVERIFY(feed(decoder, templatePacket(301), out).ok());
        QCOMPARE(decoder.templates().size(), std::size_t(2));

        PacketBuilder withdraw;
        withdraw.ipfixHeader(1'700'000'000, 1).beginSet(2).u16(300).u16(0).endSet();
        NetflowPacketSummary summary = feed(decoder, withdraw.ipfix(), out);
        QVERIFY(summary.ok());
        QCOMPARE(summary.withdrawals, std::size_t(1));
        QCOMPARE(decoder.templates().size(), std::size_t(1));
        summary = feed(decoder, dataPacket(300, 1), out);
        QCOMPARE(summary.held, std::size_t(1)); // withdrawn: its data waits for a new definition
        QVERIFY(feed(decoder, dataPacket(301, 2), out).ok());
        QCOMPARE(out.size(), std::size_t(1));

        PacketBuilder all; // template id = set id: every data template of the domain
        all.ipfixHeader(1'700'000'000, 1).beginSet(2).u16(2).u16(0).u16(2).u16(0).endSet();
        summary = feed(decoder, all.ipfix(), out);
        QVERIFY(summary.ok());
        QCOMPARE(decoder.templates().size(), std::size_t(0));
        QCOMPARE(decoder.exporterStats(loopback())->templatesWithdrawn, 2u);
    }

    void redefinitionTakesEffect() {
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        QVERIFY(feed(decoder, templatePacket(300), out).ok());
        QVERIFY(feed(decoder, templatePacket(300), out).ok()); // a refresh: same layout
        QVERIFY(feed(decoder, dataPacket(300, 1000), out).ok());
        QCOMPARE(text(*out.back().sourceAddress), QStringLiteral("192.0.2.1"));
        QCOMPARE(*out.back().sourcePort, 1000);

        QVERIFY(feed(decoder, templatePacket(300, 1, true), out).ok());
        QVERIFY(feed(decoder, dataPacket(300, 1000), out).ok());
        QCOMPARE(text(*out.back().sourceAddress), QStringLiteral("10.0.0.1"));
        QCOMPARE(*out.back().sourcePort, 443);
        const ExporterStats &stats = *decoder.exporterStats(loopback());
        QCOMPARE(stats.templates, 3u);
        QCOMPARE(stats.templatesRedefined, 1u);
        QCOMPARE(decoder.templates().size(), std::size_t(1));
    }

    void templateCacheIsBounded() {
        NetflowLimits limits;
        limits.maxTemplates = 2;
        NetflowDecoder decoder(limits);
        std::vector<FlowRecord> out;
        QVERIFY(feed(decoder, templatePacket(300), out).ok());
        QVERIFY(feed(decoder, templatePacket(301), out).ok());
        QVERIFY(feed(decoder, dataPacket(300, 1), out).ok()); // 300 is now the more recently used
        QVERIFY(feed(decoder, templatePacket(302), out).ok());
        QCOMPARE(decoder.templates().size(), std::size_t(2));
        QCOMPARE(decoder.templates().evicted(), 1u);
        out.clear();
        QCOMPARE(feed(decoder, dataPacket(301, 2), out).held, std::size_t(1));
        QCOMPARE(feed(decoder, dataPacket(300, 3), out).records, std::size_t(1));
        QCOMPARE(feed(decoder, dataPacket(302, 4), out).records, std::size_t(1));
    }

    void heldDataIsBoundedByCount() {
        NetflowLimits limits;
        limits.pending.maxPackets = 2;
        NetflowDecoder decoder(limits);
        std::vector<FlowRecord> out;
        for (std::uint16_t port = 1; port <= 3; ++port)
            QCOMPARE(feed(decoder, dataPacket(300, port), out).held, std::size_t(1));
        QCOMPARE(decoder.pending().packets(), std::size_t(2));
        QCOMPARE(decoder.exporterStats(loopback())->expiredHeld, 1u); // the oldest made room
        QVERIFY(feed(decoder, templatePacket(300), out).ok());
        QCOMPARE(out.size(), std::size_t(2));
        QCOMPARE(*out[0].sourcePort, 2);
        QCOMPARE(*out[1].sourcePort, 3);
    }

    void heldDataIsBoundedByBytes() {
        NetflowLimits limits;
        limits.pending.maxBytes = 30; // two 13-byte records
        NetflowDecoder decoder(limits);
        std::vector<FlowRecord> out;
        for (std::uint16_t port = 1; port <= 3; ++port)
            feed(decoder, dataPacket(300, port), out);
        QCOMPARE(decoder.pending().bytes(), std::size_t(26));
        QCOMPARE(decoder.exporterStats(loopback())->expiredHeld, 1u);
    }

    void heldDataExpires() {
        NetflowDecoder decoder; // max age 60 s
        std::vector<FlowRecord> out;
        feed(decoder, dataPacket(300, 1), out, loopback(), kNow);
        feed(decoder, dataPacket(300, 2), out, loopback(), kNow + 30 * kSecond);
        decoder.expire(kNow + 60 * kSecond);
        QCOMPARE(decoder.pending().packets(), std::size_t(2)); // not older than the bound yet
        decoder.expire(kNow + 61 * kSecond);
        QCOMPARE(decoder.pending().packets(), std::size_t(1));
        QCOMPARE(decoder.exporterStats(loopback())->expiredHeld, 1u);
        QVERIFY(feed(decoder, templatePacket(300), out, loopback(), kNow + 62 * kSecond).ok());
        QCOMPARE(out.size(), std::size_t(1));
        QCOMPARE(*out[0].sourcePort, 2);
    }

    void holdingCanBeTurnedOff() {
        NetflowLimits limits;
        limits.pending.maxPackets = 0;
        NetflowDecoder decoder(limits);
        std::vector<FlowRecord> out;
        QCOMPARE(feed(decoder, dataPacket(300, 1), out).held, std::size_t(0));
        QCOMPARE(decoder.exporterStats(loopback())->expiredHeld, 1u);
    }

    void variableLengthAndEnterpriseFields() {
        PacketBuilder p;
        p.ipfixHeader(1'700'000'000, 1);
        // interfaceName (variable), an enterprise element (4 bytes), source IPv4, protocol.
        p.beginSet(2)
            .u16(400)
            .u16(4)
            .u16(82)
            .u16(0xffff)
            .u16(0x8000 | 1)
            .u16(4)
            .u32(29305)
            .u16(8)
            .u16(4)
            .u16(4)
            .u16(1)
            .endSet();
        p.beginSet(400);
        p.u8(3).bytes("eth").u32(7).u32(0xc0000205).u8(17); // short length form
        p.u8(255).u16(300).zeros(300).u32(7).u32(0xc0000206).u8(6); // three-byte length form
        p.endSet();
        std::vector<FlowRecord> out;
        NetflowDecoder decoder;
        const NetflowPacketSummary summary = feed(decoder, p.ipfix(), out);
        QVERIFY2(summary.ok(), summary.failure.data());
        QCOMPARE(out.size(), std::size_t(2));
        QCOMPARE(text(*out[0].sourceAddress), QStringLiteral("192.0.2.5"));
        QCOMPARE(*out[0].protocol, 17);
        QCOMPARE(text(*out[1].sourceAddress), QStringLiteral("192.0.2.6"));
        QCOMPARE(*out[1].protocol, 6);

        // A variable length running past the set: that set is dropped, the datagram still read.
        PacketBuilder bad;
        bad.ipfixHeader(1'700'000'000, 1).beginSet(400).u8(200).zeros(12).endSet();
        addRecord(bad, 300, 1, 1);
        out.clear();
        const NetflowPacketSummary badSummary = feed(decoder, bad.ipfix(), out);
        QVERIFY(badSummary.ok());
        QCOMPARE(badSummary.badSets, std::size_t(1));
        QCOMPARE(out.size(), std::size_t(0));
        QCOMPARE(badSummary.held, std::size_t(1)); // template 300 is unknown here
    }

    void ipfixTimes() {
        constexpr std::uint64_t startMs = 1'699'999'990'123;
        PacketBuilder p;
        p.ipfixHeader(1'700'000'000, 1);
        // flowStartMilliseconds, flowEndDeltaMicroseconds, then a second template with NTP times.
        p.beginSet(2)
            .u16(500)
            .u16(2)
            .u16(152)
            .u16(8)
            .u16(159)
            .u16(4)
            .u16(501)
            .u16(2)
            .u16(154)
            .u16(8)
            .u16(157)
            .u16(8)
            .endSet();
        p.beginSet(500).u64(startMs).u32(2'500'000).endSet();
        constexpr std::uint64_t ntpSeconds = 1'699'999'999ULL + 2'208'988'800ULL;
        p.beginSet(501).u64((ntpSeconds << 32) | 0x80000000u).u64(((ntpSeconds + 1) << 32)).endSet();
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        QVERIFY(feed(decoder, p.ipfix(), out).ok());
        QCOMPARE(out.size(), std::size_t(2));
        QCOMPARE(out[0].startNs, std::int64_t(startMs) * 1'000'000);
        QCOMPARE(out[0].endNs, 1'700'000'000 * kSecond - 2'500'000'000);
        QCOMPARE(out[1].startNs, 1'699'999'999 * kSecond + 500'000'000);
        QCOMPARE(out[1].endNs, 1'700'000'000 * kSecond);
        QCOMPARE(out[0].exportNs, 1'700'000'000 * kSecond);
    }

    // v9 uptimes are 32-bit milliseconds that wrap after 49.7 days: a flow that started before
    // the wrap is still dated before the export.
    void v9UptimeWrap() {
        PacketBuilder p;
        p.v9Header(2, 1000, 1'700'000'000, 7);
        p.beginSet(0).u16(256).u16(2).u16(22).u16(4).u16(21).u16(4).endSet();
        p.beginSet(256).u32(0xffffff00).u32(500).endSet(); // started 1256 ms before export, ended 500 ms before
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        QVERIFY(feed(decoder, p.raw(), out).ok());
        QCOMPARE(out.size(), std::size_t(1));
        QCOMPARE(out[0].domain, 7u);
        QCOMPARE(out[0].startNs, 1'700'000'000 * kSecond - 1'256'000'000);
        QCOMPARE(out[0].endNs, 1'700'000'000 * kSecond - 500'000'000);
    }

    void v9OptionsTemplate() {
        PacketBuilder p;
        p.v9Header(2, 1000, 1'700'000'000, 7);
        // scope: system (type 1, 4 bytes); option: SAMPLING_INTERVAL (34, 4 bytes); 2 bytes of padding
        p.beginSet(1).u16(257).u16(4).u16(4).u16(1).u16(4).u16(34).u16(4).u16(0).endSet();
        p.beginSet(257).u32(0x01020304).u32(100).endSet();
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        const NetflowPacketSummary summary = feed(decoder, p.raw(), out);
        QVERIFY2(summary.ok(), summary.failure.data());
        QCOMPARE(out.size(), std::size_t(1));
        QVERIFY(out[0].kind == FlowRecord::Kind::Options);
        QCOMPARE(*out[0].samplingInterval, 100u);
        QVERIFY(!out[0].bytes); // scope type 1 is "system", not IN_BYTES
    }

    void malformed_data() {
        QTest::addColumn<QByteArray>("datagram");
        QTest::addColumn<QByteArray>("reason");
        QTest::addRow("empty") << QByteArray() << QByteArray("too short for a NetFlow or IPFIX header");
        QTest::addRow("version 7") << PacketBuilder().u16(7).zeros(30).raw()
                                   << QByteArray("unsupported version (expected NetFlow v1, v5, v9 or IPFIX)");
        QTest::addRow("v5 records missing")
            << PacketBuilder().u16(5).u16(2).zeros(20 + 48).raw() << QByteArray("v5: records exceed the datagram");
        QTest::addRow("v5 too many records")
            << PacketBuilder().u16(5).u16(31).zeros(20 + 31 * 48).raw() << QByteArray("v5: more than 30 records");
        QTest::addRow("v1 short header") << PacketBuilder().u16(1).u16(0).zeros(8).raw()
                                         << QByteArray("v1: shorter than its header");
        QTest::addRow("v9 short header") << PacketBuilder().u16(9).u16(0).zeros(10).raw()
                                         << QByteArray("v9: shorter than its header");
        QTest::addRow("v9 flowset length 2") << PacketBuilder().v9Header(1, 0, 0, 0).u16(256).u16(2).u32(1).raw()
                                             << QByteArray("v9: flowset length below 4");
        QTest::addRow("v9 flowset past the end") << PacketBuilder().v9Header(1, 0, 0, 0).u16(256).u16(40).u32(1).raw()
                                                 << QByteArray("v9: flowset length exceeds the datagram");
        QTest::addRow("v9 template without fields")
            << PacketBuilder().v9Header(1, 0, 0, 0).beginSet(0).u16(256).u16(0).endSet().raw()
            << QByteArray("v9: template without fields");
        QTest::addRow("v9 template id 5")
            << PacketBuilder().v9Header(1, 0, 0, 0).beginSet(0).u16(5).u16(1).u16(8).u16(4).endSet().raw()
            << QByteArray("v9: template id below 256");
        QTest::addRow("v9 template fields past its flowset")
            << PacketBuilder().v9Header(1, 0, 0, 0).beginSet(0).u16(256).u16(3).u16(8).u16(4).endSet().raw()
            << QByteArray("v9: template exceeds its flowset");
        QTest::addRow("v9 options lengths")
            << PacketBuilder().v9Header(1, 0, 0, 0).beginSet(1).u16(256).u16(3).u16(4).u32(0).u32(0).endSet().raw()
            << QByteArray("v9: options template lengths are not multiples of 4");
        QTest::addRow("v9 empty records")
            << PacketBuilder().v9Header(1, 0, 0, 0).beginSet(0).u16(256).u16(1).u16(8).u16(0).endSet().raw()
            << QByteArray("v9: template describes empty records");
        QTest::addRow("ipfix short header")
            << PacketBuilder().u16(10).u16(12).zeros(8).raw() << QByteArray("ipfix: shorter than its header");
        QTest::addRow("ipfix length below header") << PacketBuilder().u16(10).u16(8).zeros(12).raw()
                                                   << QByteArray("ipfix: message length shorter than its header");
        QTest::addRow("ipfix length past datagram") << PacketBuilder().u16(10).u16(100).zeros(12).raw()
                                                    << QByteArray("ipfix: message length exceeds the datagram");
        QTest::addRow("ipfix set past message") << PacketBuilder().ipfixHeader(0, 0).u16(256).u16(64).u32(0).ipfix()
                                                << QByteArray("ipfix: set length exceeds the message");
        QTest::addRow("ipfix set length 0") << PacketBuilder().ipfixHeader(0, 0).u16(256).u16(0).u32(0).ipfix()
                                            << QByteArray("ipfix: set length below 4");
        QTest::addRow("ipfix trailing bytes")
            << PacketBuilder().ipfixHeader(0, 0).beginSet(256).u32(0).endSet().u16(0).ipfix()
            << QByteArray("ipfix: bytes after the last set");
        QTest::addRow("ipfix enterprise number missing")
            << PacketBuilder().ipfixHeader(0, 0).beginSet(2).u16(256).u16(1).u16(0x8001).u16(4).endSet().ipfix()
            << QByteArray("ipfix: template exceeds its set");
        QTest::addRow("ipfix options scope 0")
            << PacketBuilder().ipfixHeader(0, 0).beginSet(3).u16(256).u16(1).u16(0).u16(8).u16(4).endSet().ipfix()
            << QByteArray("ipfix: options template scope count out of range");
        QTest::addRow("ipfix options scope too large")
            << PacketBuilder().ipfixHeader(0, 0).beginSet(3).u16(256).u16(1).u16(2).u16(8).u16(4).endSet().ipfix()
            << QByteArray("ipfix: options template scope count out of range");
        QTest::addRow("ipfix withdrawal of id 5")
            << PacketBuilder().ipfixHeader(0, 0).beginSet(2).u16(5).u16(0).endSet().ipfix()
            << QByteArray("ipfix: template withdrawal for a reserved id");
        PacketBuilder manyFields;
        manyFields.ipfixHeader(0, 0).beginSet(2).u16(256).u16(600);
        for (int i = 0; i < 600; ++i)
            manyFields.u16(8).u16(4);
        QTest::addRow("ipfix 600 fields")
            << manyFields.endSet().ipfix() << QByteArray("ipfix: template has too many fields");
        QTest::addRow("ipfix empty records") << PacketBuilder()
                                                    .ipfixHeader(0, 0)
                                                    .beginSet(2)
                                                    .u16(256)
                                                    .u16(2)
                                                    .u16(8)
                                                    .u16(0)
                                                    .u16(12)
                                                    .u16(0)
                                                    .endSet()
                                                    .ipfix()
                                             << QByteArray("ipfix: template describes empty records");
    }
    void malformed() {
        QFETCH(QByteArray, datagram);
        QFETCH(QByteArray, reason);
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        const NetflowPacketSummary summary = feed(decoder, datagram, out);
        QVERIFY(!summary.ok());
        QCOMPARE(QByteArray(summary.failure.data(), qsizetype(summary.failure.size())), reason);
        QCOMPARE(out.size(), std::size_t(0));
        QCOMPARE(decoder.exporterStats(loopback())->malformed, 1u);
        QCOMPARE(decoder.exporterStats(loopback())->lastFailure, summary.failure);
    }

    // Nothing in a refused datagram takes effect, not even a good template before the bad part.
    void refusedDatagramTakesNoEffect() {
        PacketBuilder p;
        p.ipfixHeader(1'700'000'000, 1);
        addTemplate(p, 300);
        p.u16(256).u16(200); // a set running past the message
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        QVERIFY(!feed(decoder, p.ipfix(), out).ok());
        QCOMPARE(decoder.templates().size(), std::size_t(0));
        QCOMPARE(decoder.exporterStats(loopback())->templates, 0u);
    }

    void reservedSetIdsAreSkipped() {
        PacketBuilder p;
        p.ipfixHeader(1'700'000'000, 1).beginSet(100).u32(0).endSet();
        addTemplate(p, 300);
        addRecord(p, 300, 0xc0000201, 99);
        NetflowDecoder decoder;
        std::vector<FlowRecord> out;
        const NetflowPacketSummary summary = feed(decoder, p.ipfix(), out);
        QVERIFY(summary.ok());
        QCOMPARE(summary.badSets, std::size_t(1));
        QCOMPARE(out.size(), std::size_t(1));
    }

    void exportersBeyondTheBoundAreCountedTogether() {
        NetflowLimits limits;
        limits.maxExporters = 2;
        NetflowDecoder decoder(limits);
        std::vector<FlowRecord> out;
        const QByteArray v5 = mustRead("PACKET_V5");
        for (const char *exporter : {"192.0.2.1", "192.0.2.2", "192.0.2.3", "2001:db8::4"})
            QVERIFY(feed(decoder, v5, out, address(exporter)).ok());
        QCOMPARE(decoder.exporters().size(), std::size_t(2));
        QVERIFY(decoder.exporterStats(address("192.0.2.3")) == nullptr);
        QCOMPARE(decoder.others().packets, 2u);
        QCOMPARE(decoder.others().flows, 6u);
        QCOMPARE(decoder.totals().flows, 12u);
    }
};

QTEST_GUILESS_MAIN(TestNetflowDecoder)
#include "tst_netflowdecoder.moc"
