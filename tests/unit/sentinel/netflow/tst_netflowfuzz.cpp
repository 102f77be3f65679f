// SPDX-License-Identifier: Apache-2.0
#include "netflowvectors.h"
#include "packetbuilder.h"
#include "sentinel/collect/netflow/floweventwriter.h"
#include "sentinel/collect/netflow/netflowdecoder.h"

#include <QRandomGenerator>
#include <QTest>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace netflowvectors;

// Hostile input: every vector cut at every length, and vectors with random bytes changed, must
// be refused or decoded — never crash, never read outside the datagram. Each datagram is copied
// into a buffer of exactly its size, so an AddressSanitizer build (the `debug` preset) turns any
// read past it into a failure.
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000'000'000;

std::vector<std::uint8_t> copyOf(const QByteArray &data, qsizetype length) {
    return std::vector<std::uint8_t>(data.begin(), data.begin() + length);
}

QByteArray mustRead(const QString &name) {
    QByteArray data = packet(name);
    if (data.isEmpty())
        qFatal("missing test vector %s", qPrintable(name));
    return data;
}

// A decoder that already knows the templates of every vector, so data sets are decoded too.
void prime(NetflowDecoder &decoder, const IpAddress &exporter) {
    std::vector<FlowRecord> out;
    for (const char *name : {"PACKET_V9_TEMPLATE", "PACKET_IPFIX_TEMPLATE", "PACKET_IPFIX_TEMPLATE_ETHER"}) {
        const QByteArray data = mustRead(QString::fromLatin1(name));
        decoder.decode(bytes(data), exporter, kNow, out);
    }
}

} // namespace

class TestNetflowFuzz : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void truncatedAtEveryLength_data() {
        QTest::addColumn<QString>("name");
        for (const QString &name : allNames())
            QTest::newRow(qPrintable(name)) << name;
    }
    void truncatedAtEveryLength() {
        QFETCH(QString, name);
        const QByteArray full = mustRead(name);
        const IpAddress exporter = address("192.0.2.1");
        const std::uint16_t version = std::uint16_t((std::uint8_t(full[0]) << 8) | std::uint8_t(full[1]));

        std::vector<FlowRecord> out;
        NetflowDecoder reference;
        prime(reference, exporter);
        const auto whole = copyOf(full, full.size());
        reference.decode(whole, exporter, kNow, out);
        const std::size_t fullRecords = out.size();

        FlowEventWriter writer;
        for (qsizetype length = 0; length < full.size(); ++length) {
            NetflowDecoder decoder;
            prime(decoder, exporter);
            const auto cut = copyOf(full, length);
            out.clear();
            const NetflowPacketSummary summary = decoder.decode(cut, exporter, kNow, out);
            // v1 and v5 count their records, IPFIX states its length: any cut is detected.
            if (version == 1 || version == 5 || version == 10)
                QVERIFY2(!summary.ok(), qPrintable(QStringLiteral("accepted at length %1").arg(length)));
            if (!summary.ok()) {
                QVERIFY(!summary.failure.empty());
                QCOMPARE(out.size(), std::size_t(0));
            }
            QVERIFY(out.size() <= fullRecords);
            EventBatch batch;
            for (const FlowRecord &record : out)
                writer.append(record, "192.0.2.1", batch);
        }
    }

    void randomByteFlips() {
        std::vector<QByteArray> vectors;
        for (const QString &name : allNames())
            vectors.push_back(mustRead(name));
        // The captures have no variable-length fields; this one does (interfaceName, then one
        // in the three-byte length form), so that damaged lengths reach that code too.
        PacketBuilder variable;
        variable.ipfixHeader(1'700'000'000, 0).beginSet(2).u16(400).u16(3).u16(82).u16(0xffff).u16(83).u16(0xffff);
        variable.u16(8).u16(4).endSet().beginSet(400);
        for (int i = 0; i < 6; ++i)
            variable.u8(4).bytes("eth0").u8(255).u16(40).zeros(40).u32(0xc0000201 + std::uint32_t(i));
        vectors.push_back(variable.endSet().ipfix());
        const std::array<IpAddress, 3> exporters {address("192.0.2.1"), address("192.0.2.2"), address("2001:db8::3")};

        NetflowLimits limits;
        limits.maxTemplates = 64;
        limits.maxExporters = 2;
        limits.pending.maxPackets = 16;
        limits.pending.maxBytes = 64 * 1024;
        NetflowDecoder decoder(limits);
        FlowEventWriter writer;
        QRandomGenerator random(20240601);
        std::vector<FlowRecord> out;
        std::size_t accepted = 0;
        std::size_t refused = 0;
        std::size_t records = 0;
        for (int i = 0; i < 40000; ++i) {
            const QByteArray &original = vectors[random.bounded(quint32(vectors.size()))];
            std::vector<std::uint8_t> datagram = copyOf(original, original.size());
            if (i % 5 == 0) {
                // The original now and then, so that templates keep coming.
            } else if (i % 5 == 1 && datagram.size() > 20) {
                // A plausible header followed by noise.
                for (std::size_t at = 20; at < datagram.size(); ++at)
                    datagram[at] = std::uint8_t(random.bounded(256));
            } else {
                const int flips = 1 + int(random.bounded(8));
                for (int f = 0; f < flips && !datagram.empty(); ++f)
                    datagram[random.bounded(quint32(datagram.size()))] ^= std::uint8_t(1 + random.bounded(255));
            }
            const std::size_t heldBefore = decoder.pending().bytes();
            out.clear();
            const NetflowPacketSummary summary
                = decoder.decode(datagram, exporters[random.bounded(quint32(exporters.size()))], kNow + i, out);
            summary.ok() ? ++accepted : ++refused;
            records += out.size();
            // Every record takes at least one byte of this datagram or of what was held.
            QVERIFY(out.size() <= datagram.size() + heldBefore);
            QVERIFY(decoder.templates().size() <= limits.maxTemplates);
            QVERIFY(decoder.pending().packets() <= limits.pending.maxPackets);
            QVERIFY(decoder.pending().bytes() <= limits.pending.maxBytes);
            QVERIFY(decoder.exporters().size() <= limits.maxExporters);
            EventBatch batch;
            for (const FlowRecord &record : out)
                writer.append(record, "192.0.2.1", batch);
        }
        // Both paths were exercised, and many records came out of damaged datagrams.
        QVERIFY(accepted > 1000);
        QVERIFY(refused > 1000);
        QVERIFY(records > 10000);
        QCOMPARE(decoder.totals().packets, 40000u);
        QCOMPARE(decoder.totals().malformed, std::uint64_t(refused));

        // The decoder is still sound afterwards.
        out.clear();
        const QByteArray templatePacket = mustRead(QStringLiteral("PACKET_V9_TEMPLATE"));
        QVERIFY(decoder.decode(bytes(templatePacket), address("198.51.100.1"), kNow, out).ok());
        QCOMPARE(out.size(), std::size_t(8));
    }
};

QTEST_GUILESS_MAIN(TestNetflowFuzz)
#include "tst_netflowfuzz.moc"
