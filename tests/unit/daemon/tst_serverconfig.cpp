// SPDX-License-Identifier: Apache-2.0
// The server configuration: the `sigma:` block (defaults, paths relative to the file, Sigma
// off), the ingestion queue's limit, the listener's `tls:` block, and clear refusals.
#include "daemon/serverconfig.h"
#include "support/testcertificates.h"

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
    TestCertificates m_certificates;

    QByteArray pem(const QString &name) const { return m_certificates.path(name).toUtf8(); }
    QByteArray tlsBlock(const QString &certificate, const QString &key) const {
        return "  tls:\n    certificate: " + pem(certificate) + "\n    private_key: " + pem(key) + "\n";
    }

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
    void initTestCase() {
        QVERIFY(QDir(m_dir.path()).mkpath(u"rules/windows"_s));
        QVERIFY2(m_certificates.create(), qPrintable(m_certificates.error()));
    }

    // The configuration shipped for a Debian host loads as it is, and names the shipped sentinel
    // configuration for the local sentinel (tst_transmitterconfig loads that one).
    void theShippedConfigurationLoads() {
        Options options;
        options.configPath = QStringLiteral(VANOPTICON_SOURCE_DIR "/resources/config/server.yaml");
        auto config = loadServerConfig(options);
        QVERIFY2(config, config ? "" : config.error().message.c_str());
        QVERIFY(config->localSentinelConfig.endsWith(u"/resources/config/sentinel.yaml"_s));
        QCOMPARE(config->maxQueuedEvents, std::size_t(10'000));
    }

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

    void withoutTlsTheListenerIsPlain() {
        auto config = load({});
        QVERIFY(config);
        QVERIFY(!config->tls);
    }

    // The files are read when the configuration is; client certificates asked for and required.
    void tlsWithClientCertificates() {
        auto config = load(tlsBlock(u"server.pem"_s, u"server.key"_s) + "    ca: " + pem(u"ca.pem"_s)
            + "\n    require_client_certificate: true\n");
        QVERIFY2(config, config ? "" : config.error().message.c_str());
        QVERIFY(config->tls);
        QCOMPARE(QString::fromStdString(config->tls->certificatePath), m_certificates.path(u"server.pem"_s));
        QCOMPARE(config->tls->caCertificates.size(), 1);
        const QSslConfiguration ssl = config->tls->sslConfiguration();
        QCOMPARE(ssl.peerVerifyMode(), QSslSocket::VerifyPeer);
        QCOMPARE(ssl.localCertificate(), config->tls->certificateChain.front());
        QCOMPARE(ssl.protocol(), QSsl::TlsV1_2OrLater);

        auto serverOnly = load(tlsBlock(u"server.pem"_s, u"server.key"_s));
        QVERIFY2(serverOnly, serverOnly ? "" : serverOnly.error().message.c_str());
        QCOMPARE(serverOnly->tls->sslConfiguration().peerVerifyMode(), QSslSocket::VerifyNone);

        // The in-process sentinel connects over wss:// as well (tst_tlsdelivery).
        auto withLocalSentinel = load("  local_sentinel: sentinel.yaml\n" + tlsBlock(u"server.pem"_s, u"server.key"_s));
        QVERIFY2(withLocalSentinel, withLocalSentinel ? "" : withLocalSentinel.error().message.c_str());
        QVERIFY(withLocalSentinel->localSentinelConfig.endsWith(u"/sentinel.yaml"_s));
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
        QTest::newRow("tls not a mapping") << QByteArray("  tls: yes\n") << u"server.tls: expected a mapping"_s;
        QTest::newRow("tls without a key") << QByteArray("  tls:\n    certificate: " + pem(u"server.pem"_s) + "\n")
                                           << u"server.tls: missing required setting 'private_key'"_s;
        QTest::newRow("tls relative path")
            << QByteArray("  tls:\n    certificate: server.pem\n    private_key: server.key\n")
            << u"server.tls.certificate: expected an absolute path, got 'server.pem'"_s;
        QTest::newRow("tls missing file")
            << tlsBlock(u"none.pem"_s, u"server.key"_s) << u"server.tls.certificate: cannot read "_s;
        QTest::newRow("tls key of another certificate")
            << tlsBlock(u"server.pem"_s, u"client.key"_s) << u"is not the one of the certificate in"_s;
        QTest::newRow("tls requires without a ca")
            << QByteArray(tlsBlock(u"server.pem"_s, u"server.key"_s) + "    require_client_certificate: true\n")
            << u"server.tls.require_client_certificate: client certificates can only be required with a `ca`"_s;
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
