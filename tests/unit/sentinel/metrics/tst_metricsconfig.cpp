// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/metrics/metricsconfig.h"

#include <QTest>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace std::chrono_literals;

namespace {

Result<MetricsConfig> parse(const QByteArray &entry) {
    auto root = config::Section::loadString("collector:\n  sources:\n" + entry.toStdString(), "sentinel.yaml");
    if (!root)
        return root.error();
    auto entries = root->child("collector").child("sources").elements();
    if (!entries)
        return entries.error();
    return parseMetricsConfig(entries->front());
}

} // namespace

class TestMetricsConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void defaults() {
        auto config = parse("    - type: metrics\n");
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QCOMPARE(config->interval, std::chrono::milliseconds(10s));
        QVERIFY(config->mounts.empty());
        QVERIFY(config->disks.empty());
        QVERIFY(config->interfaces.empty());
    }

    void everySetting() {
        auto config = parse("    - type: metrics\n"
                            "      interval: 1m\n"
                            "      mounts: [/, /var/log/, /srv/data-1]\n"
                            "      disks: [\"sd*\", \"nvme*n1\"]\n"
                            "      interfaces: [\"eth*\"]\n");
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QCOMPARE(config->interval, std::chrono::milliseconds(1min));
        QCOMPARE(config->mounts.size(), std::size_t(3));
        QCOMPARE(config->mounts[0].path, std::string("/"));
        QCOMPARE(config->mounts[0].name, std::string("root"));
        QCOMPARE(config->mounts[1].path, std::string("/var/log"));
        QCOMPARE(config->mounts[1].name, std::string("var_log"));
        QCOMPARE(config->mounts[2].name, std::string("srv_data-1"));
        QCOMPARE(config->disks, std::vector<std::string>({"sd*", "nvme*n1"}));
        QCOMPARE(config->interfaces, std::vector<std::string>({"eth*"}));
        // One value is a list of one.
        QCOMPARE(parse("    - type: metrics\n      mounts: /var\n")->mounts.size(), std::size_t(1));
        QCOMPARE(parse("    - type: metrics\n      interval: 1s\n")->interval, std::chrono::milliseconds(1s));
        QCOMPARE(parse("    - type: metrics\n      interval: 1h\n")->interval, std::chrono::milliseconds(1h));
    }

    void fieldNames_data() {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("field");
        QTest::addRow("plain") << QByteArray("eth0") << QByteArray("eth0");
        QTest::addRow("vlan") << QByteArray("eth0.100") << QByteArray("eth0_100");
        QTest::addRow("dash kept") << QByteArray("dm-0") << QByteArray("dm-0");
        QTest::addRow("slash and colon") << QByteArray("a/b:c") << QByteArray("a_b_c");
        QTest::addRow("utf-8 bytes") << QByteArray("\xc3\xbc") << QByteArray("__");
    }

    void fieldNames() {
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, field);
        QCOMPARE(QByteArray::fromStdString(metricsFieldName(name.toStdString())), field);
    }

    void errors_data() {
        QTest::addColumn<QByteArray>("entry");
        QTest::addColumn<QString>("message");
        const QByteArray head = "    - type: metrics\n";
        QTest::addRow("unknown setting") << head + "      poll_interval: 1s\n"
                                         << "sentinel.yaml:4:7: collector.sources[0]: unknown setting 'poll_interval' "
                                            "(expected one of: type, interval, mounts, disks, interfaces)";
        QTest::addRow("interval too short") << head + "      interval: 500ms\n"
                                            << "sentinel.yaml:4:17: collector.sources[0].interval: must be between "
                                               "1s and 1h";
        QTest::addRow("interval too long") << head + "      interval: 2h\n"
                                           << "sentinel.yaml:4:17: collector.sources[0].interval: must be between 1s "
                                              "and 1h";
        QTest::addRow("bad interval") << head + "      interval: often\n"
                                      << "sentinel.yaml:4:17: collector.sources[0].interval: ";
        QTest::addRow("relative mount") << head + "      mounts: [var]\n"
                                        << "sentinel.yaml:4:15: collector.sources[0].mounts: expected an absolute "
                                           "path, got 'var'";
        QTest::addRow("same field name") << head + "      mounts: [/var/log, /var_log]\n"
                                         << "sentinel.yaml:4:15: collector.sources[0].mounts: '/var_log' and "
                                            "'/var/log' would both be reported as fs.var_log";
        QTest::addRow("mount twice") << head + "      mounts: [/var, /var/]\n"
                                     << "sentinel.yaml:4:15: collector.sources[0].mounts: '/var' and '/var' would "
                                        "both be reported as fs.var";
        QTest::addRow("disk path") << head + "      disks: [/dev/sda]\n"
                                   << "sentinel.yaml:4:14: collector.sources[0].disks: expected device name "
                                      "patterns, got '/dev/sda'";
        QTest::addRow("empty interface") << head + "      interfaces: [\"\"]\n"
                                         << "sentinel.yaml:4:19: collector.sources[0].interfaces: expected device "
                                            "name patterns, got ''";
        QByteArray many = head + "      interfaces: [";
        for (int i = 0; i < 65; ++i)
            many += (i > 0 ? ", eth" : "eth") + QByteArray::number(i);
        many += "]\n";
        QTest::addRow("too many") << many << "sentinel.yaml:4:19: collector.sources[0].interfaces: at most 64 entries";
        QTest::addRow("not a list") << head + "      mounts: {var: log}\n"
                                    << "sentinel.yaml:4:15: collector.sources[0].mounts: ";
        QTest::addRow("type") << QByteArray("    - type: syslog\n")
                              << "sentinel.yaml:3:13: collector.sources[0].type: expected type metrics, got 'syslog'";
    }

    void errors() {
        QFETCH(QByteArray, entry);
        QFETCH(QString, message);
        auto config = parse(entry);
        QVERIFY(!config.ok());
        QVERIFY2(QString::fromStdString(config.error().message).startsWith(message), config.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestMetricsConfig)
#include "tst_metricsconfig.moc"
