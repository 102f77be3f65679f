// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/process/processmonitorconfig.h"

#include <QTest>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace std::chrono_literals;

namespace {

Result<ProcessMonitorConfig> parse(const QByteArray &entry) {
    auto root = config::Section::loadString("collector:\n  sources:\n" + entry.toStdString(), "sentinel.yaml");
    if (!root)
        return root.error();
    auto entries = root->child("collector").child("sources").elements();
    if (!entries)
        return entries.error();
    return parseProcessMonitorConfig(entries->front());
}

} // namespace

class TestProcessMonitorConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void defaults() {
        auto config = parse("    - type: process_monitor\n");
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QVERIFY(config->method == ProcessMonitorMethod::Auto);
        QCOMPARE(config->pollInterval, std::chrono::milliseconds(1s));
        QCOMPARE(config->maxCommandLineBytes, std::size_t(8192));
        QCOMPARE(config->maxProcesses, std::size_t(32768));
    }

    void everySetting() {
        auto config = parse("    - type: process_monitor\n"
                            "      method: proc\n"
                            "      poll_interval: 250ms\n"
                            "      max_command_line: 2KB\n"
                            "      max_processes: 4096\n"
                            "      receive_buffer: 1MB\n");
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QVERIFY(config->method == ProcessMonitorMethod::Proc);
        QCOMPARE(config->pollInterval, std::chrono::milliseconds(250));
        QCOMPARE(config->maxCommandLineBytes, std::size_t(2048));
        QCOMPARE(config->maxProcesses, std::size_t(4096));
        QCOMPARE(config->receiveBufferBytes, std::size_t(1 << 20));
        QVERIFY(parse("    - type: process_monitor\n      method: netlink\n")->method == ProcessMonitorMethod::Netlink);
    }

    void errors_data() {
        QTest::addColumn<QByteArray>("entry");
        QTest::addColumn<QString>("message");
        const QByteArray head = "    - type: process_monitor\n";
        QTest::addRow("unknown setting")
            << head + "      interval: 1s\n"
            << "sentinel.yaml:4:7: collector.sources[0]: unknown setting 'interval' (expected one of: type, method, "
               "poll_interval, max_command_line, max_processes, receive_buffer)";
        QTest::addRow("method") << head + "      method: ebpf\n"
                                << "sentinel.yaml:4:15: collector.sources[0].method: expected auto, netlink or proc, "
                                   "got 'ebpf'";
        QTest::addRow("interval too short") << head + "      poll_interval: 1ms\n"
                                            << "sentinel.yaml:4:22: collector.sources[0].poll_interval: must be "
                                               "between 10ms and 1h";
        QTest::addRow("command line too small") << head + "      max_command_line: 10\n"
                                                << "sentinel.yaml:4:25: collector.sources[0].max_command_line: must "
                                                   "be between 256 and 1MB";
        QTest::addRow("bad size") << head + "      max_command_line: lots\n"
                                  << "sentinel.yaml:4:25: collector.sources[0].max_command_line: ";
        QTest::addRow("processes") << head + "      max_processes: 10\n"
                                   << "sentinel.yaml:4:22: collector.sources[0].max_processes: must be between 1024 "
                                      "and 4194304";
        QTest::addRow("type") << QByteArray("    - type: syslog\n")
                              << "sentinel.yaml:3:13: collector.sources[0].type: expected type process_monitor, got "
                                 "'syslog'";
    }

    void errors() {
        QFETCH(QByteArray, entry);
        QFETCH(QString, message);
        auto config = parse(entry);
        QVERIFY(!config.ok());
        QVERIFY2(QString::fromStdString(config.error().message).startsWith(message), config.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestProcessMonitorConfig)
#include "tst_processmonitorconfig.moc"
