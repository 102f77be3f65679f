// SPDX-License-Identifier: Apache-2.0
#include "netflowvectors.h"
#include "sentinel/collect/netflow/netflowsource.h"

#include <QJsonArray>
#include <QTest>
#include <QUdpSocket>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace netflowvectors;
using namespace Qt::StringLiterals;

namespace {

// What the pipeline received, copied out of the batches (events live only as long as theirs).
struct Received {
    int deliveries = 0;
    QStringList exporters;
    QStringList messages;
    int count() const { return int(messages.size()); }
};

QString text(const Event &event, FieldId id) {
    const std::string_view v = event.value(id);
    return QString::fromUtf8(v.data(), qsizetype(v.size()));
}

void collect(NetflowSource &source, Received &received) {
    source.setSink([&received](Delivery &&delivery) {
        ++received.deliveries;
        QVERIFY(!delivery.checkpoint); // nothing to resume: UDP is gone once read
        for (const Event &event : delivery.events.events()) {
            received.exporters.append(text(event, internField("exporter")));
            received.messages.append(text(event, field::Message));
        }
    });
}

NetflowConfig loopbackConfig(const char *address = "127.0.0.1") {
    NetflowConfig config;
    config.address = address;
    config.port = 0;
    return config;
}

QByteArray mustRead(const char *name) {
    QByteArray data = packet(QString::fromLatin1(name));
    if (data.isEmpty())
        qFatal("missing test vector %s", name);
    return data;
}

// Sends one vector and waits until the source has read it, so datagrams are handled in order.
void send(
    QUdpSocket &socket, NetflowSource &source, const char *name, const QHostAddress &to = QHostAddress::LocalHost) {
    const std::uint64_t before = source.counters().in;
    const QByteArray datagram = mustRead(name);
    QCOMPARE(socket.writeDatagram(datagram, to, source.localPort()), qint64(datagram.size()));
    QTRY_COMPARE(source.counters().in, before + 1);
}

QJsonObject exporterStatus(const NetflowSource &source, const QString &exporter) {
    for (const QJsonValue &entry : source.status()[u"exporters"_s].toArray()) {
        if (entry[u"exporter"_s].toString() == exporter)
            return entry.toObject();
    }
    return {};
}

} // namespace

class TestNetflowSource : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void receivesExportsOverUdp() {
        NetflowSource source(loopbackConfig());
        QVERIFY(!source.canPause());
        QCOMPARE(source.name(), std::string("netflow:127.0.0.1:0"));
        Received received;
        collect(source, received);
        source.start();
        QVERIFY2(source.isListening(), source.lastError().c_str());
        QVERIFY(source.localPort() != 0);

        QUdpSocket exporter;
        send(exporter, source, "PACKETS_V9_0"); // before its template: held
        QCOMPARE(received.count(), 0);
        send(exporter, source, "PACKET_INVALID");
        send(exporter, source, "PACKET_V9_TEMPLATE");
        QCOMPARE(received.count(), 8 + 12); // the template's flows, and the held ones
        send(exporter, source, "PACKETS_V9_1");
        send(exporter, source, "PACKETS_V9_2");
        send(exporter, source, "PACKET_V5");
        QCOMPARE(received.count(), 8 + 12 + 12 + 12 + 3);
        QCOMPARE(received.exporters.count(u"127.0.0.1"_s), received.count());
        QVERIFY(received.messages.contains(u"tcp 127.0.0.1:80 -> 127.0.0.1:37932, 75 packets, 102416 bytes"_s));

        QCOMPARE(source.counters().in, 6u);
        QCOMPARE(source.counters().out, 47u);
        QCOMPARE(source.counters().errors, 1u);
        QCOMPARE(source.counters().dropped, 0u);
        const QJsonObject stats = exporterStatus(source, u"127.0.0.1"_s);
        QCOMPARE(stats[u"packets"_s].toInt(), 6);
        QCOMPARE(stats[u"flows"_s].toInt(), 47);
        QCOMPARE(stats[u"templates"_s].toInt(), 2);
        QCOMPARE(stats[u"held"_s].toInt(), 1);
        QCOMPARE(stats[u"released"_s].toInt(), 1);
        QCOMPARE(stats[u"expired_held"_s].toInt(), 0);
        QCOMPARE(stats[u"malformed"_s].toInt(), 1);
        QCOMPARE(stats[u"last_failure"_s].toString(), u"unsupported version (expected NetFlow v1, v5, v9 or IPFIX)"_s);
        const QJsonObject status = source.status();
        QCOMPARE(status[u"templates"_s].toInt(), 2);
        QCOMPARE(status[u"pending_packets"_s].toInt(), 0);
        QCOMPARE(status[u"recent_failures"_s].toArray().size(), 1);
        QCOMPARE(status[u"listening"_s].toBool(), true);
    }

    // A UDP source cannot make exporters wait: while the pipeline is backed up it keeps reading,
    // learns the templates, and drops (and counts) the flows.
    void dropsFlowsWhileBackedUp() {
        NetflowSource source(loopbackConfig());
        Received received;
        collect(source, received);
        source.start();
        QVERIFY(source.isListening());
        QUdpSocket exporter;
        source.setBackedUp(true);
        send(exporter, source, "PACKET_V9_TEMPLATE");
        QCOMPARE(received.deliveries, 0);
        QCOMPARE(source.counters().dropped, 8u);
        QCOMPARE(source.droppedEvents(), 8u);
        QCOMPARE(source.status()[u"backed_up"_s].toBool(), true);
        QCOMPARE(source.decoder().templates().size(), std::size_t(2));

        source.setBackedUp(false);
        send(exporter, source, "PACKETS_V9_0");
        QCOMPARE(received.count(), 12); // decoded at once with the template learnt meanwhile
        QCOMPARE(source.counters().dropped, 8u);
    }

    void ipv6Exporter() {
        NetflowSource source(loopbackConfig("::1"));
        Received received;
        collect(source, received);
        source.start();
        QVERIFY2(source.isListening(), source.lastError().c_str());
        QUdpSocket exporter;
        send(exporter, source, "PACKET_V5", QHostAddress::LocalHostIPv6);
        QCOMPARE(received.count(), 3);
        QCOMPARE(received.exporters.front(), u"::1"_s);
    }

    // "[::]" listens on IPv4 too; IPv4 exporters are named as such, not as ::ffff:a.b.c.d.
    void anyAddressHearsIpv4() {
        NetflowSource source(loopbackConfig("::"));
        Received received;
        collect(source, received);
        source.start();
        QVERIFY2(source.isListening(), source.lastError().c_str());
        QUdpSocket exporter;
        send(exporter, source, "PACKET_V1", QHostAddress::LocalHost);
        QCOMPARE(received.count(), 2);
        QCOMPARE(received.exporters.front(), u"127.0.0.1"_s);
    }

    void bindFailureIsReported() {
        NetflowSource first(loopbackConfig());
        first.start();
        QVERIFY(first.isListening());
        NetflowConfig taken = loopbackConfig();
        taken.port = first.localPort();
        NetflowSource second(taken);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^netflow:127\\.0\\.0\\.1:\\d+: cannot listen on"_s));
        second.start();
        QVERIFY(!second.isListening());
        QVERIFY(second.lastError().starts_with("cannot listen on 127.0.0.1:"));
        QVERIFY(!second.status()[u"error"_s].toString().isEmpty());
    }

    void heldDataExpiresOnItsOwn() {
        std::int64_t now = 1'700'000'000'000'000'000;
        NetflowConfig config = loopbackConfig();
        config.limits.pending.maxAgeNs = 1'000'000'000;
        NetflowSource source(config, [&now] { return now; });
        Received received;
        collect(source, received);
        source.start();
        QVERIFY(source.isListening());
        QUdpSocket exporter;
        send(exporter, source, "PACKETS_V9_1");
        QCOMPARE(source.decoder().pending().packets(), std::size_t(1));
        now += 2'000'000'000; // no datagram comes; the source's timer gives the held data up
        QTRY_COMPARE(source.decoder().pending().packets(), std::size_t(0));
        QCOMPARE(exporterStatus(source, u"127.0.0.1"_s)[u"expired_held"_s].toInt(), 1);
        send(exporter, source, "PACKET_V9_TEMPLATE");
        QCOMPARE(received.count(), 8);
    }
};

QTEST_GUILESS_MAIN(TestNetflowSource)
#include "tst_netflowsource.moc"
