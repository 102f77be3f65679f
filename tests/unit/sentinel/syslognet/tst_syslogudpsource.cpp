// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/syslognet/syslogudpsource.h"

#include <QJsonArray>
#include <QTest>
#include <QUdpSocket>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

namespace {

constexpr std::int64_t kNowNs = 1'795'435'200'000'000'000; // 2026-11-23T12:00:00Z

QByteArray bytes(std::string_view text) {
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

QByteArray valueOf(const Event &event, std::string_view name) {
    const auto id = FieldRegistry::instance().find(name);
    return id && event.has(*id) ? bytes(event.value(*id)) : QByteArray("<absent>");
}

SyslogUdpConfig loopback(SyslogNetFormat format = SyslogNetFormat::Auto, std::size_t maxMessageBytes = 2048) {
    SyslogUdpConfig config;
    config.listen.address = QHostAddress::LocalHost;
    config.listen.port = 0;
    config.format = format;
    config.maxMessageBytes = maxMessageBytes;
    return config;
}

// What the pipeline got: every event's fields we look at, and how many deliveries.
struct Collected {
    QList<QByteArray> messages;
    QList<QByteArray> hosts;
    QList<QByteArray> sources;
    QList<QByteArray> eventTypes;
    QList<std::int64_t> timestamps;
    int deliveries = 0;
    std::size_t largestDelivery = 0;
};

void collect(Source &source, Collected &collected) {
    source.setSink([&collected](Delivery &&delivery) {
        ++collected.deliveries;
        collected.largestDelivery = std::max(collected.largestDelivery, delivery.events.size());
        QVERIFY(!delivery.checkpoint.has_value()); // a receiver cannot resume
        for (const Event &event : delivery.events.events()) {
            collected.messages.append(valueOf(event, "message"));
            collected.hosts.append(valueOf(event, "host"));
            collected.sources.append(valueOf(event, "log_source_ip"));
            collected.eventTypes.append(valueOf(event, "event_type"));
            collected.timestamps.append(event.timestampNs);
        }
    });
}

void send(QUdpSocket &client, quint16 port, const QByteArray &datagram) {
    QCOMPARE(client.writeDatagram(datagram, QHostAddress::LocalHost, port), qint64(datagram.size()));
}

} // namespace

class TestSyslogUdpSource : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void receivesBothFormats() {
        SyslogUdpSource source(loopback(), SyslogContext {});
        source.setClock([] { return kNowNs; });
        QCOMPARE(source.name(), std::string("syslog_udp:127.0.0.1:0"));
        QVERIFY(!source.canPause());
        Collected collected;
        collect(source, collected);
        source.start();
        QVERIFY2(source.isListening(), source.lastError().c_str());
        QVERIFY(source.port() != 0);

        QUdpSocket client;
        send(client, source.port(),
            "<38>1 2026-11-23T10:15:30Z web1 sshd 77 - - Failed password for root from "
            "203.0.113.7 port 52144 ssh2\n");
        send(client, source.port(), "<30>Nov 23 10:15:31 web2 systemd[1]: Started Session 42 of user alice.");
        send(client, source.port(), "<13>1 - - app - - - no host and no time");
        QTRY_COMPARE(collected.messages.size(), 3);
        QCOMPARE(collected.eventTypes, (QList<QByteArray> {"auth_failed", "syslog", "syslog"}));
        QCOMPARE(collected.hosts, (QList<QByteArray> {"web1", "web2", "127.0.0.1"}));
        QCOMPARE(collected.sources, (QList<QByteArray> {"127.0.0.1", "127.0.0.1", "127.0.0.1"}));
        QCOMPARE(collected.messages[2], QByteArray("no host and no time"));
        QCOMPARE(collected.timestamps[2], kNowNs);

        QCOMPARE(source.counters().in, 3u);
        QCOMPARE(source.counters().out, 3u);
        const QJsonObject status = source.status();
        QCOMPARE(status[u"rfc5424"_s].toInt(), 2);
        QCOMPARE(status[u"rfc3164"_s].toInt(), 1);
        QCOMPARE(status[u"port"_s].toInt(), int(source.port()));
        QCOMPARE(status[u"peers"_s].toArray()[0].toObject()[u"address"_s].toString(), u"127.0.0.1"_s);
        QCOMPARE(status[u"peers"_s].toArray()[0].toObject()[u"messages"_s].toInt(), 3);
    }

    // Garbage is counted (and kept with its reason and sender); a datagram beyond the bound is
    // dropped and counted, one of exactly the bound is taken.
    void malformedAndOversized() {
        SyslogUdpSource source(loopback(SyslogNetFormat::Rfc5424, 480), SyslogContext {});
        Collected collected;
        collect(source, collected);
        source.start();
        QVERIFY(source.isListening());
        QUdpSocket client;
        send(client, source.port(), "<13>Nov 23 10:15:31 web2 su: not 5424");
        QByteArray exact = "<13>1 - - - - - - ";
        exact += QByteArray(480 - exact.size(), 'x');
        send(client, source.port(), exact + 'y'); // 481 bytes
        send(client, source.port(), exact);
        send(client, source.port(), QByteArray(60'000, 'z'));
        QTRY_COMPARE(collected.messages.size(), 1);
        QTRY_COMPARE(source.counters().in, 4u);
        QCOMPARE(source.counters().out, 1u);
        QCOMPARE(collected.messages[0], QByteArray(480 - 18, 'x'));
        QCOMPARE(source.counters().errors, 1u);
        QCOMPARE(source.counters().dropped, 2u);
        QCOMPARE(source.status()[u"oversized"_s].toInt(), 2);
        QCOMPARE(source.status()[u"parse_errors"_s].toInt(), 1);
        const SyslogNetParseError &error = source.parser().recentErrors().back();
        QCOMPARE(error.peer, std::string("127.0.0.1"));
        QCOMPARE(error.message, std::string("<13>Nov 23 10:15:31 web2 su: not 5424"));
        QVERIFY(error.reason.find("VERSION") != std::string::npos);
        const QJsonObject peer = source.status()[u"peers"_s].toArray()[0].toObject();
        QCOMPARE(peer[u"errors"_s].toInt(), 1);
        QCOMPARE(peer[u"dropped"_s].toInt(), 2);
    }

    // UDP senders cannot be told to wait: while the pipeline is paused, what arrives is read,
    // dropped and counted (not left to overflow the socket uncounted).
    void dropsWhilePipelinePaused() {
        SyslogUdpSource source(loopback(), SyslogContext {});
        Collected collected;
        collect(source, collected);
        source.start();
        QUdpSocket client;
        source.setBackedUp(true);
        for (int i = 0; i < 5; ++i)
            send(client, source.port(), "<13>1 - h a - - - paused " + QByteArray::number(i));
        QTRY_COMPARE(source.status()[u"dropped_while_paused"_s].toInt(), 5);
        QCOMPARE(source.counters().dropped, 5u);
        QVERIFY(collected.messages.isEmpty());
        source.setBackedUp(false);
        send(client, source.port(), "<13>1 - h a - - - flowing");
        QTRY_COMPARE(collected.messages.size(), 1);
        QCOMPARE(collected.messages[0], QByteArray("flowing"));
        QVERIFY(source.status()[u"pipeline_paused"_s].toBool() == false);
    }

    // Bursts are read in bounded turns; nothing is lost between them.
    void burstsAreReadInBoundedTurns() {
        SyslogUdpConfig config = loopback();
        config.receiveBufferBytes = 4 * 1024 * 1024;
        SyslogUdpSource source(config, SyslogContext {});
        Collected collected;
        collect(source, collected);
        source.start();
        QUdpSocket client;
        constexpr int kBursts = 20;
        constexpr int kPerBurst = 100;
        for (int burst = 0; burst < kBursts; ++burst) {
            for (int i = 0; i < kPerBurst; ++i)
                send(client, source.port(), "<13>1 - h a - - - " + QByteArray::number(burst * kPerBurst + i));
            QTRY_COMPARE(collected.messages.size(), (burst + 1) * kPerBurst);
        }
        QVERIFY(collected.largestDelivery <= SyslogUdpSource::kMaxDatagramsPerTurn);
        for (int i = 0; i < kBursts * kPerBurst; ++i)
            QCOMPARE(collected.messages[i], QByteArray::number(i));
    }

    void bindFailureIsReported() {
        SyslogUdpSource first(loopback(), SyslogContext {});
        first.start();
        QVERIFY(first.isListening());
        SyslogUdpConfig taken = loopback();
        taken.listen.port = first.port();
        SyslogUdpSource second(taken, SyslogContext {});
        second.start();
        QVERIFY(!second.isListening());
        QVERIFY2(second.lastError().find("Address already in use") != std::string::npos, second.lastError().c_str());
        QCOMPARE(second.status()[u"listening"_s].toBool(), false);
        QVERIFY(!second.status()[u"error"_s].toString().isEmpty());
    }

    void stopClosesTheSocket() {
        SyslogUdpSource source(loopback(), SyslogContext {});
        source.start();
        QVERIFY(source.isListening());
        const quint16 port = source.port();
        source.stop();
        QVERIFY(!source.isListening());
        QUdpSocket rebind;
        QVERIFY(rebind.bind(QHostAddress::LocalHost, port)); // the port is free again
    }
};

QTEST_GUILESS_MAIN(TestSyslogUdpSource)
#include "tst_syslogudpsource.moc"
