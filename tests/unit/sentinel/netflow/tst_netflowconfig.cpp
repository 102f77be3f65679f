// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/netflow/netflowconfig.h"

#include <QTest>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace std::chrono_literals;

namespace {

Result<NetflowConfig> parse(const QByteArray &yaml) {
    auto root = config::Section::loadString(yaml.toStdString(), "sentinel.yaml");
    if (!root)
        return root.error();
    auto entries = root->child("collector").child("sources").elements();
    if (!entries)
        return entries.error();
    if (entries->size() != 1)
        return makeError("expected one entry");
    return parseNetflowConfig(entries->front());
}

const QByteArray kHead = "collector:\n  sources:\n    - type: netflow\n";

} // namespace

class TestNetflowConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fullEntry() {
        auto config = parse(kHead
            + "      listen: 0.0.0.0:2055\n"
              "      max_templates: 10000\n"
              "      pending_data: {max_packets: 1000, max_age: 60s}\n");
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QCOMPARE(config->address, std::string("0.0.0.0"));
        QCOMPARE(config->port, 2055);
        QCOMPARE(config->limits.maxTemplates, std::size_t(10000));
        QCOMPARE(config->limits.pending.maxPackets, std::size_t(1000));
        QCOMPARE(config->limits.pending.maxAgeNs, std::int64_t(60'000'000'000));
        QCOMPARE(config->listen(), std::string("0.0.0.0:2055"));
    }

    void everySetting() {
        auto config = parse(kHead
            + "      listen: \"[::1]:4739\"\n"
              "      max_templates: 50\n"
              "      max_exporters: 7\n"
              "      receive_buffer: 4MB\n"
              "      pending_data:\n"
              "        max_packets: 0\n"
              "        max_age: 5m\n"
              "        max_bytes: 1MB\n");
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QCOMPARE(config->address, std::string("::1"));
        QCOMPARE(config->port, 4739);
        QCOMPARE(config->listen(), std::string("[::1]:4739"));
        QCOMPARE(config->limits.maxTemplates, std::size_t(50));
        QCOMPARE(config->limits.maxExporters, std::size_t(7));
        QCOMPARE(config->receiveBufferBytes, std::uint64_t(4) << 20);
        QCOMPARE(config->limits.pending.maxPackets, std::size_t(0));
        QCOMPARE(config->limits.pending.maxAgeNs, std::int64_t(300'000'000'000));
        QCOMPARE(config->limits.pending.maxBytes, std::size_t(1) << 20);
    }

    void defaults() {
        auto config = parse(kHead + "      listen: 127.0.0.1:9995\n");
        QVERIFY(config.ok());
        const NetflowLimits defaults;
        QCOMPARE(config->limits.maxTemplates, defaults.maxTemplates);
        QCOMPARE(config->limits.maxExporters, defaults.maxExporters);
        QCOMPARE(config->limits.pending.maxPackets, defaults.pending.maxPackets);
        QCOMPARE(config->limits.pending.maxBytes, defaults.pending.maxBytes);
        QCOMPARE(config->limits.pending.maxAgeNs, defaults.pending.maxAgeNs);
        QCOMPARE(config->receiveBufferBytes, std::uint64_t(0));
    }

    void errors_data() {
        QTest::addColumn<QByteArray>("settings");
        QTest::addColumn<QByteArray>("message");
        QTest::addRow("listen missing") << QByteArray("      max_templates: 5\n")
                                        << QByteArray("sentinel.yaml:3:7: collector.sources[0]: missing required "
                                                      "setting 'listen'");
        QTest::addRow("unknown setting")
            << QByteArray("      listen: 0.0.0.0:2055\n      max_template: 5\n")
            << QByteArray("sentinel.yaml:5:7: collector.sources[0]: unknown setting 'max_template' (expected one of: "
                          "type, listen, max_templates, pending_data, max_exporters, receive_buffer)");
        QTest::addRow("unknown pending setting")
            << QByteArray("      listen: 0.0.0.0:2055\n      pending_data: {max_packet: 5}\n")
            << QByteArray("sentinel.yaml:5:22: collector.sources[0].pending_data: unknown setting 'max_packet' "
                          "(expected one of: max_packets, max_age, max_bytes)");
        QTest::addRow("no port") << QByteArray("      listen: 0.0.0.0\n")
                                 << QByteArray("sentinel.yaml:4:15: collector.sources[0].listen: expected IPv4:port or "
                                               "[IPv6]:port, got '0.0.0.0'");
        QTest::addRow("host name") << QByteArray("      listen: collector.example:2055\n")
                                   << QByteArray("sentinel.yaml:4:15: collector.sources[0].listen: 'collector.example' "
                                                 "is not an IP address");
        QTest::addRow("port 0") << QByteArray("      listen: 0.0.0.0:0\n")
                                << QByteArray("sentinel.yaml:4:15: collector.sources[0].listen: '0' is not a port (1 "
                                              "to 65535)");
        QTest::addRow("port too large") << QByteArray("      listen: 0.0.0.0:70000\n")
                                        << QByteArray("sentinel.yaml:4:15: collector.sources[0].listen: '70000' is not "
                                                      "a port (1 to 65535)");
        QTest::addRow("IPv6 without brackets")
            << QByteArray("      listen: \"::1:2055\"\n")
            << QByteArray("sentinel.yaml:4:15: collector.sources[0].listen: expected IPv4:port or [IPv6]:port, got "
                          "'::1:2055'");
        QTest::addRow("IPv4 in brackets") << QByteArray("      listen: \"[127.0.0.1]:2055\"\n")
                                          << QByteArray("sentinel.yaml:4:15: collector.sources[0].listen: only IPv6 "
                                                        "addresses are written in brackets, got '[127.0.0.1]:2055'");
        QTest::addRow("max_templates 0") << QByteArray("      listen: 0.0.0.0:2055\n      max_templates: 0\n")
                                         << QByteArray("sentinel.yaml:5:22: collector.sources[0].max_templates: must "
                                                       "be between 1 and 1000000");
        QTest::addRow("max_age 0s") << QByteArray("      listen: 0.0.0.0:2055\n      pending_data: {max_age: 0s}\n")
                                    << QByteArray("sentinel.yaml:5:31: collector.sources[0].pending_data.max_age: must "
                                                  "be between 1s and 1h");
        QTest::addRow("max_packets negative")
            << QByteArray("      listen: 0.0.0.0:2055\n      pending_data: {max_packets: -1}\n")
            << QByteArray("sentinel.yaml:5:35: collector.sources[0].pending_data.max_packets: must be between 0 and "
                          "100000");
        QTest::addRow("max_bytes too small")
            << QByteArray("      listen: 0.0.0.0:2055\n      pending_data: {max_bytes: 1KB}\n")
            << QByteArray("sentinel.yaml:5:33: collector.sources[0].pending_data.max_bytes: must be between 64KB and "
                          "1024MB");
        QTest::addRow("receive_buffer not a size")
            << QByteArray("      listen: 0.0.0.0:2055\n      receive_buffer: lots\n")
            << QByteArray("sentinel.yaml:5:23: collector.sources[0].receive_buffer: 'lots' is not a size (examples: "
                          "512KB, 64MB, 1GB)");
        QTest::addRow("pending_data a list")
            << QByteArray("      listen: 0.0.0.0:2055\n      pending_data: [1]\n")
            << QByteArray("sentinel.yaml:5:21: collector.sources[0].pending_data: "
                          "expected a mapping with max_packets, max_age and max_bytes");
    }
    void errors() {
        QFETCH(QByteArray, settings);
        QFETCH(QByteArray, message);
        auto config = parse(kHead + settings);
        QVERIFY(!config.ok());
        QCOMPARE(QByteArray::fromStdString(config.error().message), message);
    }

    void wrongType() {
        auto root = config::Section::loadString("- type: syslog\n  listen: 0.0.0.0:2055\n", "s.yaml");
        QVERIFY(root.ok());
        auto entries = root->elements();
        QVERIFY(entries.ok());
        auto config = parseNetflowConfig(entries->front());
        QVERIFY(!config.ok());
        QCOMPARE(config.error().message, std::string("s.yaml:1:9: [0].type: expected type netflow, got 'syslog'"));
    }
};

QTEST_GUILESS_MAIN(TestNetflowConfig)
#include "tst_netflowconfig.moc"
