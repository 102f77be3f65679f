// SPDX-License-Identifier: Apache-2.0
#include "sentinel/respond/ipnetwork.h"

#include <QTest>

using namespace vanopticon;
using namespace vanopticon::sentinel;

class TestIpNetwork : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void addresses_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("canonical"); // empty: refused
        QTest::addRow("v4") << QByteArray("192.0.2.1") << QStringLiteral("192.0.2.1");
        QTest::addRow("v6 long form") << QByteArray("2001:0db8:0000:0000:0000:0000:0000:0001")
                                      << QStringLiteral("2001:db8::1");
        QTest::addRow("v6 upper case") << QByteArray("2001:DB8::A") << QStringLiteral("2001:db8::a");
        QTest::addRow("v4 mapped") << QByteArray("::ffff:192.0.2.1") << QStringLiteral("::ffff:192.0.2.1");
        QTest::addRow("empty") << QByteArray() << QString();
        QTest::addRow("short v4") << QByteArray("127.1") << QString();
        QTest::addRow("octal-looking v4") << QByteArray("010.0.0.1") << QString();
        QTest::addRow("with prefix") << QByteArray("192.0.2.1/32") << QString();
        QTest::addRow("leading space") << QByteArray(" 192.0.2.1") << QString();
        QTest::addRow("embedded NUL") << QByteArray("192.0.2.1\0junk", 14) << QString();
        QTest::addRow("scope id") << QByteArray("fe80::1%eth0") << QString();
        QTest::addRow("command text") << QByteArray("192.0.2.1 } ; flush ruleset") << QString();
        QTest::addRow("hostname") << QByteArray("example.org") << QString();
        QTest::addRow("too long") << QByteArray(100, '1') << QString();
    }
    void addresses() {
        QFETCH(QByteArray, text);
        QFETCH(QString, canonical);
        auto address = IpAddress::parse(std::string_view(text.constData(), static_cast<std::size_t>(text.size())));
        if (canonical.isEmpty()) {
            QVERIFY(!address.ok());
            return;
        }
        QVERIFY(address.ok());
        QCOMPARE(QString::fromStdString(address->toString()), canonical);
    }

    void mappedAddressesBecomeIpv4() {
        const IpAddress mapped = IpAddress::parse("::ffff:192.0.2.1").value();
        QVERIFY(!mapped.isV4());
        QVERIFY(mapped.unmapped().isV4());
        QCOMPARE(mapped.unmapped().toString(), std::string("192.0.2.1"));
        QVERIFY(mapped.unmapped() == IpAddress::parse("192.0.2.1").value());
        const IpAddress plain = IpAddress::parse("2001:db8::1").value();
        QVERIFY(plain.unmapped() == plain);
    }

    void addressKinds() {
        QVERIFY(IpAddress::parse("0.0.0.0")->isUnspecified());
        QVERIFY(IpAddress::parse("::")->isUnspecified());
        QVERIFY(IpAddress::parse("224.0.0.1")->isMulticast());
        QVERIFY(IpAddress::parse("ff02::1")->isMulticast());
        QVERIFY(IpAddress::parse("255.255.255.255")->isBroadcast());
        const IpAddress host = IpAddress::parse("192.0.2.1").value();
        QVERIFY(!host.isUnspecified() && !host.isMulticast() && !host.isBroadcast());
    }

    void networks_data() {
        QTest::addColumn<QString>("network");
        QTest::addColumn<QString>("address");
        QTest::addColumn<bool>("contained");
        QTest::addRow("v4 inside") << "10.0.0.0/8"
                                   << "10.255.1.2" << true;
        QTest::addRow("v4 outside") << "10.0.0.0/8"
                                    << "11.0.0.1" << false;
        QTest::addRow("v4 odd prefix inside") << "192.0.2.128/25"
                                              << "192.0.2.200" << true;
        QTest::addRow("v4 odd prefix outside") << "192.0.2.128/25"
                                               << "192.0.2.127" << false;
        QTest::addRow("v4 host") << "192.0.2.1"
                                 << "192.0.2.1" << true;
        QTest::addRow("v4 host other") << "192.0.2.1"
                                       << "192.0.2.2" << false;
        QTest::addRow("v4 everything") << "0.0.0.0/0"
                                       << "198.51.100.1" << true;
        QTest::addRow("v6 inside") << "2001:db8::/32"
                                   << "2001:db8:ffff::1" << true;
        QTest::addRow("v6 outside") << "2001:db8::/32"
                                    << "2001:db9::1" << false;
        QTest::addRow("v6 loopback") << "::1/128"
                                     << "::1" << true;
        QTest::addRow("families differ") << "0.0.0.0/0"
                                         << "::1" << false;
        QTest::addRow("families differ v6") << "::/0"
                                            << "127.0.0.1" << false;
    }
    void networks() {
        QFETCH(QString, network);
        QFETCH(QString, address);
        QFETCH(bool, contained);
        auto parsed = IpNetwork::parse(network.toStdString());
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        QCOMPARE(parsed->contains(IpAddress::parse(address.toStdString()).value()), contained);
    }

    void badNetworks_data() {
        QTest::addColumn<QString>("network");
        QTest::addColumn<QString>("message");
        QTest::addRow("host bits") << "10.1.2.3/8"
                                   << "has host bits set after the prefix (did you mean 10.0.0.0/8?)";
        QTest::addRow("v6 host bits") << "2001:db8::1/32"
                                      << "(did you mean 2001:db8::/32?)";
        QTest::addRow("prefix too long") << "10.0.0.0/33"
                                         << "invalid prefix length (0 to 32)";
        QTest::addRow("v6 prefix too long") << "::/129"
                                            << "invalid prefix length (0 to 128)";
        QTest::addRow("empty prefix") << "10.0.0.0/"
                                      << "invalid prefix length";
        QTest::addRow("negative prefix") << "10.0.0.0/-1"
                                         << "invalid prefix length";
        QTest::addRow("prefix junk") << "10.0.0.0/8x"
                                     << "invalid prefix length";
        QTest::addRow("not an address") << "ten/8"
                                        << "is not a network";
    }
    void badNetworks() {
        QFETCH(QString, network);
        QFETCH(QString, message);
        auto parsed = IpNetwork::parse(network.toStdString());
        QVERIFY(!parsed.ok());
        QVERIFY2(QString::fromStdString(parsed.error().message).contains(message), parsed.error().message.c_str());
    }

    void networkText() {
        QCOMPARE(IpNetwork::parse("2001:0db8::/32")->toString(), std::string("2001:db8::/32"));
        QCOMPARE(IpNetwork::parse("192.0.2.1")->toString(), std::string("192.0.2.1/32"));
    }
};

QTEST_GUILESS_MAIN(TestIpNetwork)
#include "tst_ipnetwork.moc"
