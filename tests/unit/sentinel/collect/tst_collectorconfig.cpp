// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/sourceconfig.h"
#include "sentinel/collect/sourcefactory.h"

#include <QTest>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace std::chrono_literals;

namespace {

// The syslog entries of a collector block, each parsed on its own.
Result<std::vector<SourceConfig>> parseEntries(const QByteArray &yaml) {
    auto root = config::Section::loadString(yaml.toStdString(), "sentinel.yaml");
    if (!root)
        return root.error();
    auto entries = root->child("collector").child("sources").elements();
    if (!entries)
        return entries.error();
    std::vector<SourceConfig> configs;
    for (const config::Section &entry : *entries) {
        auto config = parseSyslogFileConfig(entry);
        if (!config)
            return config.error();
        configs.push_back(std::move(*config));
    }
    return configs;
}

// The whole collector block, as the sentinel builds it.
Result<std::vector<std::unique_ptr<Source>>> create(const QByteArray &yaml) {
    auto root = config::Section::loadString(yaml.toStdString(), "sentinel.yaml");
    if (!root)
        return root.error();
    return createSources(root->child("collector"), SyslogContext {});
}

} // namespace

class TestCollectorConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fullEntries() {
        auto sources = parseEntries("collector:\n"
                                    "  sources:\n"
                                    "    - type: syslog\n"
                                    "      path: /var/log/auth.log\n"
                                    "      format: rfc3164\n"
                                    "      start_at: end\n"
                                    "      poll_interval: 1s\n"
                                    "    - type: syslog\n"
                                    "      path: /var/log/syslog\n"
                                    "      format: rfc3164\n");
        QVERIFY2(sources.ok(), sources.ok() ? "" : sources.error().message.c_str());
        QCOMPARE(sources->size(), std::size_t(2));
        const SourceConfig &auth = (*sources)[0];
        QCOMPARE(auth.path, std::string("/var/log/auth.log"));
        QVERIFY(auth.format == LineFormat::Rfc3164);
        QVERIFY(auth.startAt == StartAt::End);
        QCOMPARE(auth.pollInterval, std::chrono::milliseconds(1s));
        const SourceConfig &syslog = (*sources)[1];
        QCOMPARE(syslog.path, std::string("/var/log/syslog"));
        QVERIFY(syslog.startAt == StartAt::Beginning); // the default: nothing written is skipped
        QCOMPARE(syslog.pollInterval, std::chrono::milliseconds(250ms));
    }

    void absentOrEmpty() {
        QCOMPARE(create("other: 1\n")->size(), std::size_t(0));
        QCOMPARE(create("collector:\n  sources: []\n")->size(), std::size_t(0));
    }

    void errors_data() {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("message");
        const QByteArray head = "collector:\n  sources:\n    - type: syslog\n      path: /var/log/auth.log\n";
        QTest::addRow("unknown setting") << head + "      format: rfc3164\n      pth: /x\n"
                                         << "sentinel.yaml:6:7: collector.sources[0]: unknown setting 'pth' (expected "
                                            "one of: type, path, format, start_at, poll_interval)";
        QTest::addRow("other type")
            << QByteArray("collector:\n  sources:\n    - type: registry\n      path: /x\n      format: rfc3164\n")
            << "sentinel.yaml:3:13: collector.sources[0].type: unknown source type 'registry' (supported: syslog, "
               "syslog_udp, syslog_tcp, journald, evtx, netflow, process_monitor, file_monitor, metrics)";
        QTest::addRow("other format")
            << head + "      format: xml\n"
            << "sentinel.yaml:5:15: collector.sources[0].format: unsupported format 'xml' for type syslog "
               "(supported: auto, rfc3164, rfc5424, json, cef, leef, keyvalue, auditd)";
        QTest::addRow("bad start_at") << head + "      format: rfc3164\n      start_at: middle\n"
                                      << "sentinel.yaml:6:17: collector.sources[0].start_at: expected beginning or "
                                         "end, got 'middle'";
        QTest::addRow("bad poll_interval unit")
            << head + "      format: rfc3164\n      poll_interval: 5y\n"
            << "sentinel.yaml:6:22: collector.sources[0].poll_interval: '5y' has an unknown unit (use ms, s, m, h or "
               "d)";
        QTest::addRow("poll_interval too short") << head + "      format: rfc3164\n      poll_interval: 1ms\n"
                                                 << "sentinel.yaml:6:22: collector.sources[0].poll_interval: must be "
                                                    "between 10ms and 1h";
        QTest::addRow("missing path") << QByteArray(
            "collector:\n  sources:\n    - type: syslog\n      format: rfc3164\n")
                                      << "sentinel.yaml:3:7: collector.sources[0]: missing required setting 'path'";
        QTest::addRow("missing format") << head
                                        << "sentinel.yaml:3:7: collector.sources[0]: missing required setting 'format'";
        QTest::addRow("missing type") << QByteArray("collector:\n  sources:\n    - path: /x\n      format: rfc3164\n")
                                      << "sentinel.yaml:3:7: collector.sources[0]: missing required setting 'type'";
        QTest::addRow("relative path")
            << QByteArray("collector:\n  sources:\n    - type: syslog\n      path: var/log/auth.log\n      format: "
                          "rfc3164\n")
            << "sentinel.yaml:4:13: collector.sources[0].path: expected an absolute path, got 'var/log/auth.log'";
        QTest::addRow("same file twice")
            << head
                + "      format: rfc3164\n    - type: syslog\n      path: /var/log/auth.log\n      format: "
                  "rfc3164\n"
            << "sentinel.yaml:6:7: collector.sources[1]: 'syslog:/var/log/auth.log' is already collected by "
               "collector.sources[0]";
        QTest::addRow("sources not a list") << QByteArray("collector:\n  sources: /var/log/auth.log\n")
                                            << "sentinel.yaml:2:12: collector.sources: expected a list";
        QTest::addRow("entry not a mapping")
            << QByteArray("collector:\n  sources:\n    - /var/log/auth.log\n")
            << "sentinel.yaml:3:7: collector.sources[0]: expected a mapping with a type and its settings";
        QTest::addRow("unknown collector setting")
            << QByteArray("collector:\n  source: []\n")
            << "sentinel.yaml:2:3: collector: unknown setting 'source' (expected one of: sources)";
        QTest::addRow("path given as a list")
            << QByteArray("collector:\n  sources:\n    - type: syslog\n      path: [/a, /b]\n      format: rfc3164\n")
            << "sentinel.yaml:4:13: collector.sources[0].path: expected a single value";
    }
    void errors() {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, message);
        auto sources = create(yaml);
        QVERIFY(!sources.ok());
        QCOMPARE(QString::fromStdString(sources.error().message), message);
    }
};

QTEST_GUILESS_MAIN(TestCollectorConfig)
#include "tst_collectorconfig.moc"
