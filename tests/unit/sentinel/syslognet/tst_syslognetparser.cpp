// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/syslognet/syslognetparser.h"
#include "sentinel/collect/syslognet/syslogpeertable.h"

#include <QDateTime>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <arpa/inet.h>
#include <cstring>
#include <netinet/in.h>

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

sockaddr_storage ipv4(const char *address) {
    sockaddr_storage storage {};
    sockaddr_in v4 {};
    v4.sin_family = AF_INET;
    ::inet_pton(AF_INET, address, &v4.sin_addr);
    std::memcpy(&storage, &v4, sizeof v4);
    return storage;
}

sockaddr_storage ipv6(const char *address) {
    sockaddr_storage storage {};
    sockaddr_in6 v6 {};
    v6.sin6_family = AF_INET6;
    ::inet_pton(AF_INET6, address, &v6.sin6_addr);
    std::memcpy(&storage, &v6, sizeof v6);
    return storage;
}

const sockaddr &asSockaddr(const sockaddr_storage &storage) {
    return *reinterpret_cast<const sockaddr *>(&storage);
}

} // namespace

class TestSyslogNetParser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void formats_data() {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<bool>("parses");
        QTest::addColumn<QByteArray>("eventType");
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<QByteArray>("service");
        QTest::addColumn<QByteArray>("reason"); // of a refusal
        const QByteArray rfc5424 = "<38>1 2026-11-23T10:15:30Z web1 sshd 77 - - Failed password for root from "
                                   "203.0.113.7 port 52144 ssh2";
        const QByteArray rfc3164 = "<38>Nov 23 10:15:30 web2 sshd[77]: Accepted publickey for alice from 198.51.100.4 "
                                   "port 50022 ssh2";
        QTest::addRow("auto: 5424") << "auto" << rfc5424 << true << QByteArray("auth_failed") << QByteArray("web1")
                                    << QByteArray("sshd") << QByteArray();
        QTest::addRow("auto: 3164") << "auto" << rfc3164 << true << QByteArray("auth_success") << QByteArray("web2")
                                    << QByteArray("sshd") << QByteArray();
        QTest::addRow("auto: 5424 with LF and CR LF ends")
            << "auto" << rfc5424 + "\r\n\n"
            << true << QByteArray("auth_failed") << QByteArray("web1") << QByteArray("sshd") << QByteArray();
        QTest::addRow("auto: broken 5424 is refused, not read as 3164")
            << "auto" << QByteArray("<13>1 2026-13-01T00:00:00Z h a - - - x") << false << QByteArray() << QByteArray()
            << QByteArray() << QByteArray("malformed TIMESTAMP");
        QTest::addRow("rfc5424: a 3164 line is refused")
            << "rfc5424" << rfc3164 << false << QByteArray() << QByteArray() << QByteArray()
            << QByteArray("malformed VERSION");
        QTest::addRow("rfc3164: read the 3164 way") << "rfc3164" << rfc3164 << true << QByteArray("auth_success")
                                                    << QByteArray("web2") << QByteArray("sshd") << QByteArray();
        QTest::addRow("rfc3164: refusal") << "rfc3164" << QByteArray("<999>x") << false << QByteArray() << QByteArray()
                                          << QByteArray() << QByteArray("PRI out of range");
        QTest::addRow("no host name in the message: the sender's address")
            << "auto" << QByteArray("<13>1 - - app - - - hello") << true << QByteArray("syslog")
            << QByteArray("192.0.2.7") << QByteArray("app") << QByteArray();
        QTest::addRow("3164 without host name") << "auto" << QByteArray("<13>su: hello") << true << QByteArray("syslog")
                                                << QByteArray("192.0.2.7") << QByteArray("su") << QByteArray();
        QTest::addRow("empty datagram") << "auto" << QByteArray("\n") << false << QByteArray() << QByteArray()
                                        << QByteArray() << QByteArray("empty");
    }
    void formats() {
        QFETCH(QString, format);
        QFETCH(QByteArray, message);
        QFETCH(bool, parses);
        QFETCH(QByteArray, eventType);
        QFETCH(QByteArray, host);
        QFETCH(QByteArray, service);
        QFETCH(QByteArray, reason);
        const auto parsedFormat = parseSyslogNetFormat(format.toStdString());
        QVERIFY(parsedFormat.has_value());
        QCOMPARE(toString(*parsedFormat), std::string_view(format.toStdString()));
        SyslogNetParser parser(*parsedFormat, kNowNs, 0);
        EventBatch batch;
        QCOMPARE(parser.parse(std::string_view(message.constData(), std::size_t(message.size())), "192.0.2.7", batch),
            parses);
        QCOMPARE(parser.stats().messages, std::uint64_t(1));
        if (!parses) {
            QVERIFY(batch.empty());
            QCOMPARE(parser.stats().failed, std::uint64_t(1));
            const SyslogNetParseError &error = parser.recentErrors().back();
            QVERIFY2(QByteArray::fromStdString(error.reason).contains(reason), error.reason.c_str());
            QCOMPARE(error.peer, std::string("192.0.2.7"));
            QCOMPARE(error.atNs, kNowNs);
            return;
        }
        QCOMPARE(batch.size(), std::size_t(1));
        const Event &event = batch.events()[0];
        QCOMPARE(valueOf(event, "event_type"), eventType);
        QCOMPARE(valueOf(event, "host"), host);
        QCOMPARE(valueOf(event, "service"), service);
        QCOMPARE(valueOf(event, "log_source_ip"), QByteArray("192.0.2.7"));
        QVERIFY(!valueOf(event, "raw").endsWith('\n') && !valueOf(event, "raw").endsWith('\r'));
        QCOMPARE(parser.stats().rfc5424 + parser.stats().rfc3164, std::uint64_t(1));
    }

    // The log source's address never overwrites the attacker's in an sshd event.
    void senderIsNotTheAttacker() {
        SyslogNetParser parser(SyslogNetFormat::Auto, kNowNs, 0);
        EventBatch batch;
        QVERIFY(parser.parse("<38>Nov 23 10:15:30 web2 sshd[77]: Failed password for root from 203.0.113.7 port 1 ssh2",
            "10.0.0.5", batch));
        QCOMPARE(valueOf(batch.events()[0], "SourceIp"), QByteArray("203.0.113.7"));
        QCOMPARE(valueOf(batch.events()[0], "log_source_ip"), QByteArray("10.0.0.5"));
        QCOMPARE(parser.rfc3164Classified().authEvents, std::uint64_t(1));
    }

    // RFC 3164 lines are read in this host's zone at the parser's clock; "now" dates the undated.
    void clock() {
        SyslogNetParser parser(SyslogNetFormat::Auto, kNowNs, 0);
        parser.setClock(kNowNs + 1'000'000'000, 3600);
        EventBatch batch;
        QVERIFY(parser.parse("<13>Nov 23 10:00:00 h t: x", "192.0.2.1", batch));
        QVERIFY(parser.parse("<13>1 - h t - - - x", "192.0.2.1", batch));
        QCOMPARE(batch.events()[0].timestampNs, kNowNs - 3 * 3600 * 1'000'000'000ll); // 10:00 at +01:00 is 09:00Z
        QCOMPARE(batch.events()[1].timestampNs, kNowNs + 1'000'000'000);
        QVERIFY(localUtcOffsetSeconds(kNowNs) > -86400 && localUtcOffsetSeconds(kNowNs) < 86400);
        QVERIFY(std::abs(systemNowNs() - QDateTime::currentMSecsSinceEpoch() * 1'000'000) < 5'000'000'000);
    }

    // Failures are kept, the latest 100, each cut at 4 KB with its full length noted.
    void recentErrorsAreBounded() {
        SyslogNetParser parser(SyslogNetFormat::Rfc5424, kNowNs, 0);
        EventBatch batch;
        for (int i = 0; i < 150; ++i)
            QVERIFY(!parser.parse("garbage " + std::to_string(i), "192.0.2.1", batch));
        const std::string huge(10'000, 'x');
        QVERIFY(!parser.parse(huge, "192.0.2.1", batch));
        QCOMPARE(parser.stats().failed, std::uint64_t(151));
        QCOMPARE(parser.recentErrors().size(), SyslogNetParser::kMaxRecentErrors);
        QCOMPARE(parser.recentErrors().front().message, std::string("garbage 51"));
        QCOMPARE(parser.recentErrors().back().message.size(), SyslogNetParser::kMaxErrorMessageBytes);
        QCOMPARE(parser.recentErrors().back().messageBytes, huge.size());
        QVERIFY(batch.empty());
    }

    void formatNames() {
        QVERIFY(!parseSyslogNetFormat("RFC5424").has_value());
        QVERIFY(!parseSyslogNetFormat("json").has_value());
    }

    void peersByAddress() {
        SyslogPeerTable peers;
        SyslogPeerCounters &a = peers.peer(asSockaddr(ipv4("192.0.2.7")));
        ++a.messages;
        // IPv4 from a dual-stack socket and from a QHostAddress is the same peer.
        QCOMPARE(&peers.peer(asSockaddr(ipv6("::ffff:192.0.2.7"))), &a);
        QCOMPARE(&peers.peer(QHostAddress(u"192.0.2.7"_s)), &a);
        QCOMPARE(&peers.peer(QHostAddress(u"::ffff:192.0.2.7"_s)), &a);
        QCOMPARE(a.address, std::string("192.0.2.7"));
        SyslogPeerCounters &b = peers.peer(QHostAddress(u"2001:db8::1"_s));
        QCOMPARE(&peers.peer(asSockaddr(ipv6("2001:db8::1"))), &b);
        QCOMPARE(b.address, std::string("2001:db8::1"));
        b.messages = 5;
        QCOMPARE(peers.size(), std::size_t(2));
        const QJsonArray busiest = peers.busiest(10);
        QCOMPARE(busiest.size(), 2);
        QCOMPARE(busiest[0].toObject()[u"address"_s].toString(), u"2001:db8::1"_s);
        QCOMPARE(busiest[0].toObject()[u"messages"_s].toInt(), 5);
        QCOMPARE(peers.busiest(1).size(), 1);
    }

    // A flood of spoofed source addresses: the table stops at kMaxPeers, the rest share "other".
    void peerTableIsBounded() {
        SyslogPeerTable peers;
        for (std::uint32_t i = 0; i < SyslogPeerTable::kMaxPeers + 500; ++i) {
            const QHostAddress address(0x0A000000u + i);
            ++peers.peer(address).messages;
        }
        QCOMPARE(peers.size(), SyslogPeerTable::kMaxPeers);
        QCOMPARE(peers.other().messages, std::uint64_t(500));
        QCOMPARE(&peers.peer(QHostAddress(u"10.0.0.0"_s)) == &peers.other(), false); // known ones stay known
        const QJsonArray busiest = peers.busiest(3);
        QCOMPARE(busiest.size(), 4);
        QCOMPARE(busiest[3].toObject()[u"address"_s].toString(), u"other"_s);
    }
};

QTEST_GUILESS_MAIN(TestSyslogNetParser)
#include "tst_syslognetparser.moc"
