// SPDX-License-Identifier: Apache-2.0
// The server configuration: the `sigma:` block (defaults, paths relative to the file, Sigma
// off), the ingestion queue's limit, and clear refusals.
#include "daemon/serverconfig.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace vanopticon;
using namespace vanopticon::daemon;

class TestServerConfig : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    Result<ServerConfig> load(const QByteArray &sigmaBlock) {
        QFile file(m_dir.filePath(u"server.yaml"_s));
        if (!file.open(QIODevice::WriteOnly))
            return makeError("cannot write the config");
        file.write("server:\n  data_dir: data\n" + sigmaBlock);
        file.close();
        Options options;
        options.configPath = file.fileName();
        return loadServerConfig(options);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(QDir(m_dir.path()).mkpath(u"rules/windows"_s)); }

    void withoutABlockTheShippedRulesRun() {
        auto config = load({});
        QVERIFY2(config, config ? "" : config.error().message.c_str());
        QCOMPARE(config->sigma.rulePaths.size(), std::size_t(1));
        QVERIFY(QString::fromStdString(config->sigma.rulePaths[0]).endsWith(u"/sigma/rules"_s));
        QVERIFY(QString::fromStdString(config->sigma.logsources).endsWith(u"/sigma/logsources.yaml"_s));
        QVERIFY(config->sigma.placeholders.empty());
        QCOMPARE(config->sigma.keywordFields, (std::vector<std::string> {"message", "raw"}));
        QVERIFY(config->sigma.watch);
    }

    void pathsAreRelativeToTheFile() {
        auto config = load("  sigma:\n    rules: [rules, rules/windows]\n    logsources: map.yaml\n"
                           "    placeholders: values.yaml\n    keyword_fields: message\n    watch: false\n");
        QVERIFY2(config, config ? "" : config.error().message.c_str());
        const std::vector<std::string> expected {QDir(m_dir.path()).filePath(u"rules"_s).toStdString(),
            QDir(m_dir.path()).filePath(u"rules/windows"_s).toStdString()};
        QCOMPARE(config->sigma.rulePaths, expected);
        QCOMPARE(config->sigma.logsources, QDir(m_dir.path()).filePath(u"map.yaml"_s).toStdString());
        QCOMPARE(config->sigma.placeholders, QDir(m_dir.path()).filePath(u"values.yaml"_s).toStdString());
        QCOMPARE(config->sigma.keywordFields, std::vector<std::string> {"message"});
        QVERIFY(!config->sigma.watch);
    }

    void anEmptyListTurnsSigmaOff() {
        auto config = load("  sigma:\n    rules: []\n");
        QVERIFY(config);
        QVERIFY(config->sigma.rulePaths.empty());
    }

    void theIngestionQueueLimit() {
        auto defaults = load({});
        QVERIFY(defaults);
        QCOMPARE(defaults->maxQueuedEvents, std::size_t(10'000));
        auto configured = load("  max_queued_events: 2500\n");
        QVERIFY2(configured, configured ? "" : configured.error().message.c_str());
        QCOMPARE(configured->maxQueuedEvents, std::size_t(2500));
    }

    void refusals_data() {
        QTest::addColumn<QByteArray>("block");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing directory") << QByteArray("  sigma:\n    rules: [no-such-dir]\n")
                                           << u"server.sigma.rules: no such file or directory: "_s;
        QTest::newRow("unknown key") << QByteArray("  sigma:\n    rule: [rules]\n") << u"unknown setting 'rule'"_s;
        QTest::newRow("watch not a boolean")
            << QByteArray("  sigma:\n    rules: [rules]\n    watch: sometimes\n") << u"expected true or false"_s;
        QTest::newRow("not a mapping") << QByteArray("  sigma: yes\n") << u"expected a mapping of settings"_s;
        QTest::newRow("queue too small") << QByteArray("  max_queued_events: 10\n")
                                         << u"server.max_queued_events: must be between 100 and 1000000"_s;
        QTest::newRow("queue not a number")
            << QByteArray("  max_queued_events: lots\n") << u"expected a whole number, got 'lots'"_s;
    }

    void refusals() {
        QFETCH(QByteArray, block);
        QFETCH(QString, message);
        auto config = load(block);
        QVERIFY(!config);
        const QString text = QString::fromStdString(config.error().message);
        QVERIFY2(text.contains(message), qPrintable(text));
        QVERIFY2(text.contains(u"server.yaml"_s), qPrintable(text));
    }
};

QTEST_GUILESS_MAIN(TestServerConfig)
#include "tst_serverconfig.moc"
