// SPDX-License-Identifier: Apache-2.0
#include "shared/config/section.h"

#include <QTest>

using namespace vanopticon;
using namespace std::chrono_literals;

class TestConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void durations_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("milliseconds");
        QTest::addRow("ms") << "250ms" << qint64(250);
        QTest::addRow("s") << "60s" << qint64(60'000);
        QTest::addRow("bare") << "5" << qint64(5'000);
        QTest::addRow("m") << "5m" << qint64(300'000);
        QTest::addRow("h") << "1h" << qint64(3'600'000);
        QTest::addRow("d") << "7d" << qint64(604'800'000);
        QTest::addRow("bad unit") << "5y" << qint64(-1);
        QTest::addRow("no number") << "s" << qint64(-1);
        QTest::addRow("negative") << "-5s" << qint64(-1);
        QTest::addRow("overflow") << "99999999999999999999d" << qint64(-1);
    }
    void durations() {
        QFETCH(QString, text);
        QFETCH(qint64, milliseconds);
        auto parsed = config::parseDuration(text.toStdString());
        if (milliseconds < 0)
            QVERIFY(!parsed.ok());
        else
            QCOMPARE(parsed->count(), milliseconds);
    }

    void sizes() {
        QCOMPARE(*config::parseSize("512"), 512ull);
        QCOMPARE(*config::parseSize("64KB"), 65536ull);
        QCOMPARE(*config::parseSize("10MB"), 10ull << 20);
        QCOMPARE(*config::parseSize("1GiB"), 1ull << 30);
        QVERIFY(!config::parseSize("10XB").ok());
    }

    void sectionsReportWhereAndWhat() {
        const std::string yaml = "collector:\n  sources:\n    - type: syslog\n      pth: /var/log/auth.log\n";
        auto root = config::Section::loadString(yaml, "sentinel.yaml");
        QVERIFY(root.ok());
        auto sources = root->child("collector").child("sources").elements();
        QVERIFY(sources.ok());
        QCOMPARE(sources->size(), std::size_t(1));
        const config::Section &source = sources->front();
        QCOMPARE(*source.requireString("type"), std::string("syslog"));
        auto check = source.allowOnly({"type", "path", "format"});
        QVERIFY(!check.ok());
        QCOMPARE(QString::fromStdString(check.error().message),
            QStringLiteral("sentinel.yaml:4:7: collector.sources[0]: unknown setting 'pth' (expected one of: "
                           "type, path, format)"));
        auto missing = source.requireString("path");
        QVERIFY(!missing.ok());
        QVERIFY(QString::fromStdString(missing.error().message).contains(u"missing required setting 'path'"));
    }

    void typedValues() {
        auto root = config::Section::loadString("a: yes\nb: 12\nc: 90s\nd: [x, y]\ne: 1.5\nf: nope\n", "t.yaml");
        QVERIFY(root.ok());
        QCOMPARE(*root->boolean("a", false), true);
        QCOMPARE(*root->boolean("missing", true), true);
        QCOMPARE(*root->integer("b", 0, 0, 100), 12);
        QVERIFY(!root->integer("b", 0, 0, 10).ok());
        QCOMPARE(*root->duration("c", 1s), std::chrono::milliseconds(90s));
        QCOMPARE(root->strings("d")->size(), std::size_t(2));
        QCOMPARE(*root->number("e", 0, 0, 2), 1.5);
        QVERIFY(!root->boolean("f", false).ok());
        QVERIFY(!root->integer("d", 0, 0, 1).ok());
    }

    void invalidYamlIsAnErrorNotACrash() {
        auto root = config::Section::loadString("a: [unclosed\n", "broken.yaml");
        QVERIFY(!root.ok());
        QVERIFY(QString::fromStdString(root.error().message).startsWith(u"broken.yaml:"));
        QVERIFY(!config::Section::loadFile("/nonexistent/file.yaml").ok());
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
