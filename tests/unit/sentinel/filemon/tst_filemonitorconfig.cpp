// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/filemon/filemonitorconfig.h"

#include <QTest>

using namespace vanopticon;
using namespace vanopticon::sentinel;

namespace {

Result<FileMonitorConfig> parse(const QByteArray &entry) {
    auto root = config::Section::loadString("collector:\n  sources:\n" + entry.toStdString(), "sentinel.yaml");
    if (!root)
        return root.error();
    auto entries = root->child("collector").child("sources").elements();
    if (!entries)
        return entries.error();
    return parseFileMonitorConfig(entries->front());
}

} // namespace

class TestFileMonitorConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void defaults() {
        auto config = parse("    - type: file_monitor\n      paths: [/etc]\n");
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QCOMPARE(config->paths, std::vector<std::string>({"/etc"}));
        QVERIFY(config->exclude.empty());
        QVERIFY(config->recursive);
        QCOMPARE(config->events, kAllFileChanges);
        QVERIFY(!config->hashSha256);
        QCOMPARE(config->maxHashBytes, std::uint64_t(64) << 20);
        QCOMPARE(config->maxWatches, std::size_t(65536));
    }

    void everySetting() {
        auto config = parse("    - type: file_monitor\n"
                            "      paths: [/etc/, \"/usr//local/./bin\", /root/.ssh/authorized_keys, /]\n"
                            "      exclude: [\"*.swp\", /etc/ssl/certs]\n"
                            "      recursive: false\n"
                            "      events: [create, modify, rename]\n"
                            "      hash: sha256\n"
                            "      max_hash_size: 1MB\n"
                            "      max_watches: 100\n");
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QCOMPARE(
            config->paths, std::vector<std::string>({"/etc", "/usr/local/bin", "/root/.ssh/authorized_keys", "/"}));
        QCOMPARE(config->exclude, std::vector<std::string>({"*.swp", "/etc/ssl/certs"}));
        QVERIFY(!config->recursive);
        QVERIFY(config->reports(FileChangeKind::Create));
        QVERIFY(config->reports(FileChangeKind::Modify));
        QVERIFY(config->reports(FileChangeKind::Rename));
        QVERIFY(!config->reports(FileChangeKind::Delete));
        QVERIFY(!config->reports(FileChangeKind::Attribute));
        QVERIFY(config->hashSha256);
        QCOMPARE(config->maxHashBytes, std::uint64_t(1) << 20);
        QCOMPARE(config->maxWatches, std::size_t(100));
        QVERIFY(!parse("    - type: file_monitor\n      paths: [/etc]\n      hash: none\n")->hashSha256);
    }

    void errors_data() {
        QTest::addColumn<QByteArray>("entry");
        QTest::addColumn<QString>("message");
        const QByteArray head = "    - type: file_monitor\n";
        const QByteArray paths = "      paths: [/etc]\n";
        QTest::addRow("unknown setting") << head + paths + "      path: /etc\n"
                                         << "sentinel.yaml:5:7: collector.sources[0]: unknown setting 'path' (expected "
                                            "one of: type, paths, exclude, recursive, events, hash, max_hash_size, "
                                            "max_watches)";
        QTest::addRow("no paths") << head
                                  << "sentinel.yaml:3:7: collector.sources[0]: missing required setting 'paths'";
        QTest::addRow("empty paths") << head + "      paths: []\n"
                                     << "sentinel.yaml:4:14: collector.sources[0].paths: expected at least one path";
        QTest::addRow("relative") << head + "      paths: [etc]\n"
                                  << "sentinel.yaml:4:14: collector.sources[0].paths: expected an absolute path, "
                                     "got 'etc'";
        QTest::addRow("dot dot") << head + "      paths: [/etc/../root]\n"
                                 << "sentinel.yaml:4:14: collector.sources[0].paths: '..' is not allowed in a watched "
                                    "path: '/etc/../root'";
        QTest::addRow("twice") << head + "      paths: [/etc, /etc/]\n"
                               << "sentinel.yaml:4:14: collector.sources[0].paths: '/etc' is listed twice";
        QTest::addRow("paths not a list") << head + "      paths: {a: b}\n"
                                          << "sentinel.yaml:4:14: collector.sources[0].paths: ";
        QTest::addRow("empty exclude") << head + paths + "      exclude: [\"\"]\n"
                                       << "sentinel.yaml:5:16: collector.sources[0].exclude: expected non-empty glob "
                                          "patterns";
        QTest::addRow("recursive") << head + paths + "      recursive: maybe\n"
                                   << "sentinel.yaml:5:18: collector.sources[0].recursive: ";
        QTest::addRow("event") << head + paths + "      events: [create, open]\n"
                               << "sentinel.yaml:5:15: collector.sources[0].events: unknown event 'open' (expected "
                                  "create, modify, delete, rename or attribute)";
        QTest::addRow("no events") << head + paths + "      events: []\n"
                                   << "sentinel.yaml:5:15: collector.sources[0].events: expected at least one event";
        QTest::addRow("hash") << head + paths + "      hash: md5\n"
                              << "sentinel.yaml:5:13: collector.sources[0].hash: expected none or sha256, got 'md5'";
        QTest::addRow("hash size") << head + paths + "      max_hash_size: 2GB\n"
                                   << "sentinel.yaml:5:22: collector.sources[0].max_hash_size: must be between 1 "
                                      "byte and 1GB";
        QTest::addRow("bad hash size") << head + paths + "      max_hash_size: big\n"
                                       << "sentinel.yaml:5:22: collector.sources[0].max_hash_size: ";
        QTest::addRow("watches") << head + paths + "      max_watches: 0\n"
                                 << "sentinel.yaml:5:20: collector.sources[0].max_watches: ";
        QTest::addRow("type") << QByteArray("    - type: syslog\n") + paths
                              << "sentinel.yaml:3:13: collector.sources[0].type: expected type file_monitor, got "
                                 "'syslog'";
        QTest::addRow("not a mapping") << QByteArray("    - file_monitor\n")
                                       << "sentinel.yaml:3:7: collector.sources[0]: expected a mapping";
    }

    void errors() {
        QFETCH(QByteArray, entry);
        QFETCH(QString, message);
        auto config = parse(entry);
        QVERIFY(!config.ok());
        QVERIFY2(QString::fromStdString(config.error().message).startsWith(message), config.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestFileMonitorConfig)
#include "tst_filemonitorconfig.moc"
