// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/syslognet/syslognetconfig.h"
#include "support/testcertificates.h"

#include <QTest>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

namespace {

// The first entry of collector.sources in `yaml`.
Result<config::Section> entryOf(const QByteArray &yaml) {
    auto root = config::Section::loadString(yaml.toStdString(), "sentinel.yaml");
    if (!root)
        return root.error();
    auto entries = root->child("collector").child("sources").elements();
    if (!entries)
        return entries.error();
    if (entries->empty())
        return makeError("no entry");
    return entries->front();
}

QByteArray entry(const QByteArray &type, const QByteArray &settings) {
    return "collector:\n  sources:\n    - type: " + type + "\n" + settings;
}

QString errorOf(const QByteArray &yaml) {
    auto section = entryOf(yaml);
    if (!section)
        return QString::fromStdString(section.error().message);
    const std::string type = section->child("type").scalar().ok() ? *section->child("type").scalar() : "";
    if (type == "syslog_udp") {
        auto config = parseSyslogUdpConfig(*section);
        return config ? QString() : QString::fromStdString(config.error().message);
    }
    auto config = parseSyslogTcpConfig(*section);
    return config ? QString() : QString::fromStdString(config.error().message);
}

} // namespace

class TestSyslogNetConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_certificates.create(), qPrintable(m_certificates.error())); }

    void udpDefaults() {
        auto section = entryOf(entry("syslog_udp", "      listen: 0.0.0.0:514\n"));
        QVERIFY(section.ok());
        auto config = parseSyslogUdpConfig(*section);
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QCOMPARE(config->listen.address, QHostAddress(u"0.0.0.0"_s));
        QCOMPARE(config->listen.port, std::uint16_t(514));
        QCOMPARE(config->listen.toString(), std::string("0.0.0.0:514"));
        QVERIFY(config->format == SyslogNetFormat::Auto);
        QCOMPARE(config->maxMessageBytes, std::size_t(64 * 1024));
        QCOMPARE(config->receiveBufferBytes, std::size_t(0));
    }

    void udpFull() {
        auto section = entryOf(entry("syslog_udp",
            "      listen: '[::1]:5514'\n      format: rfc3164\n      max_message_size: 8KB\n      receive_buffer: "
            "4MB\n"));
        QVERIFY(section.ok());
        auto config = parseSyslogUdpConfig(*section);
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QCOMPARE(config->listen.address, QHostAddress(u"::1"_s));
        QCOMPARE(config->listen.port, std::uint16_t(5514));
        QCOMPARE(config->listen.toString(), std::string("[::1]:5514"));
        QVERIFY(config->format == SyslogNetFormat::Rfc3164);
        QCOMPARE(config->maxMessageBytes, std::size_t(8192));
        QCOMPARE(config->receiveBufferBytes, std::size_t(4 * 1024 * 1024));
    }

    void tcpDefaults() {
        auto section = entryOf(entry("syslog_tcp", "      listen: 127.0.0.1:0\n"));
        QVERIFY(section.ok());
        auto config = parseSyslogTcpConfig(*section);
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QCOMPARE(config->listen.port, std::uint16_t(0));
        QVERIFY(config->format == SyslogNetFormat::Auto);
        QCOMPARE(config->maxMessageBytes, std::size_t(64 * 1024));
        QCOMPARE(config->maxConnections, std::size_t(256));
        QCOMPARE(config->idleTimeout, std::chrono::milliseconds(std::chrono::minutes(5)));
        QVERIFY(!config->tls.has_value());
    }

    void tcpWithTls() {
        const QByteArray settings
            = "      listen: 0.0.0.0:6514\n      format: rfc5424\n      max_message_size: 1MB\n"
              "      max_connections: 10\n      idle_timeout: 30s\n      tls:\n        certificate: "
            + m_certificates.path(u"server.pem"_s).toUtf8()
            + "\n        private_key: " + m_certificates.path(u"server.key"_s).toUtf8() + "\n        ca: "
            + m_certificates.path(u"ca.pem"_s).toUtf8() + "\n        require_client_certificate: true\n";
        auto section = entryOf(entry("syslog_tcp", settings));
        QVERIFY(section.ok());
        auto config = parseSyslogTcpConfig(*section);
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QVERIFY(config->format == SyslogNetFormat::Rfc5424);
        QCOMPARE(config->maxMessageBytes, std::size_t(1024 * 1024));
        QCOMPARE(config->maxConnections, std::size_t(10));
        QCOMPARE(config->idleTimeout, std::chrono::milliseconds(30'000));
        QVERIFY(config->tls.has_value());
        QCOMPARE(config->tls->certificateChain.size(), 1);
        QCOMPARE(config->tls->certificateChain.front().subjectInfo(QSslCertificate::CommonName),
            QStringList {u"localhost"_s});
        QVERIFY(!config->tls->privateKey.isNull());
        QCOMPARE(config->tls->privateKey.algorithm(), QSsl::Ec);
        QCOMPARE(config->tls->caCertificates.size(), 1);
        QVERIFY(config->tls->requireClientCertificate);
        QCOMPARE(QString::fromStdString(config->tls->certificatePath), m_certificates.path(u"server.pem"_s));
    }

    void errors_data() {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("message");
        const QByteArray tls = "      listen: 0.0.0.0:6514\n      tls:\n";
        const QByteArray certificate = "        certificate: " + m_certificates.path(u"server.pem"_s).toUtf8() + "\n";
        const QByteArray key = "        private_key: " + m_certificates.path(u"server.key"_s).toUtf8() + "\n";
        QTest::addRow("unknown setting")
            << entry("syslog_udp", "      listen: 0.0.0.0:514\n      max_connections: 5\n")
            << "sentinel.yaml:5:7: collector.sources[0]: unknown setting 'max_connections' (expected one of: type, "
               "listen, format, max_message_size, receive_buffer)";
        QTest::addRow("tls over udp") << entry("syslog_udp", "      listen: 0.0.0.0:514\n      tls: {}\n")
                                      << "sentinel.yaml:5:7: collector.sources[0]: unknown setting 'tls' (expected one "
                                         "of: type, listen, format, max_message_size, receive_buffer)";
        QTest::addRow("missing listen") << entry("syslog_tcp", "      format: auto\n")
                                        << "sentinel.yaml:3:7: collector.sources[0]: missing required setting 'listen'";
        QTest::addRow("listen without port")
            << entry("syslog_udp", "      listen: 0.0.0.0\n")
            << "sentinel.yaml:4:15: collector.sources[0].listen: expected address:port (e.g. 0.0.0.0:514 or "
               "[::]:514), got '0.0.0.0'";
        QTest::addRow("listen on a name")
            << entry("syslog_udp", "      listen: localhost:514\n")
            << "sentinel.yaml:4:15: collector.sources[0].listen: 'localhost' is not an IP address (expected "
               "address:port (e.g. 0.0.0.0:514 or [::]:514), got 'localhost:514')";
        QTest::addRow("ipv6 without brackets")
            << entry("syslog_udp", "      listen: '::1:514'\n")
            << "sentinel.yaml:4:15: collector.sources[0].listen: write an IPv6 address in brackets, e.g. [::]:514; "
               "got '::1:514'";
        QTest::addRow("ipv4 in brackets")
            << entry("syslog_udp", "      listen: '[127.0.0.1]:514'\n")
            << "sentinel.yaml:4:15: collector.sources[0].listen: '127.0.0.1' is not an IP address (expected "
               "address:port (e.g. 0.0.0.0:514 or [::]:514), got '[127.0.0.1]:514')";
        QTest::addRow("port too large") << entry("syslog_tcp", "      listen: 0.0.0.0:65536\n")
                                        << "sentinel.yaml:4:15: collector.sources[0].listen: '65536' is not a port (0 "
                                           "to 65535)";
        QTest::addRow("port not a number") << entry("syslog_tcp", "      listen: 0.0.0.0:syslog\n")
                                           << "sentinel.yaml:4:15: collector.sources[0].listen: 'syslog' is not a port "
                                              "(0 to 65535)";
        QTest::addRow("unknown format") << entry("syslog_tcp", "      listen: 0.0.0.0:1\n      format: json\n")
                                        << "sentinel.yaml:5:15: collector.sources[0].format: expected auto, rfc5424 "
                                           "or rfc3164, got 'json'";
        QTest::addRow("message size too small")
            << entry("syslog_tcp", "      listen: 0.0.0.0:1\n      max_message_size: 100\n")
            << "sentinel.yaml:5:25: collector.sources[0].max_message_size: must be between 480 and 16777216 bytes";
        QTest::addRow("udp message size beyond a datagram")
            << entry("syslog_udp", "      listen: 0.0.0.0:1\n      max_message_size: 1MB\n")
            << "sentinel.yaml:5:25: collector.sources[0].max_message_size: must be between 480 and 65507 bytes";
        QTest::addRow("message size not a size")
            << entry("syslog_udp", "      listen: 0.0.0.0:1\n      max_message_size: big\n")
            << "sentinel.yaml:5:25: collector.sources[0].max_message_size: 'big' is not a size (examples: 512KB, "
               "64MB, 1GB)";
        QTest::addRow("no connections") << entry("syslog_tcp", "      listen: 0.0.0.0:1\n      max_connections: 0\n")
                                        << "sentinel.yaml:5:24: collector.sources[0].max_connections: must be between "
                                           "1 and 65536";
        QTest::addRow("idle timeout too short")
            << entry("syslog_tcp", "      listen: 0.0.0.0:1\n      idle_timeout: 100ms\n")
            << "sentinel.yaml:5:21: collector.sources[0].idle_timeout: must be between 1s and 1d";
        QTest::addRow("wrong type") << entry("syslog", "      listen: 0.0.0.0:1\n")
                                    << "sentinel.yaml:3:13: collector.sources[0].type: expected type syslog_tcp, got "
                                       "'syslog'";
        QTest::addRow("tls without key") << entry("syslog_tcp", tls + certificate)
                                         << "sentinel.yaml:6:9: collector.sources[0].tls: missing required setting "
                                            "'private_key'";
        QTest::addRow("tls unknown setting")
            << entry("syslog_tcp", tls + certificate + key + "        verify: yes\n")
            << "sentinel.yaml:8:9: collector.sources[0].tls: unknown setting 'verify' (expected one of: certificate, "
               "private_key, ca, require_client_certificate)";
        QTest::addRow("tls certificate missing")
            << entry("syslog_tcp", tls + "        certificate: /nonexistent/cert.pem\n" + key)
            << "sentinel.yaml:6:22: collector.sources[0].tls.certificate: cannot read /nonexistent/cert.pem: No such "
               "file or directory";
        QTest::addRow("tls certificate relative")
            << entry("syslog_tcp", tls + "        certificate: cert.pem\n" + key)
            << "sentinel.yaml:6:22: collector.sources[0].tls.certificate: expected an absolute path, got 'cert.pem'";
        QTest::addRow("tls key is a certificate")
            << entry("syslog_tcp",
                   tls + certificate + "        private_key: " + m_certificates.path(u"server.pem"_s).toUtf8() + "\n")
            << QString(
                   u"sentinel.yaml:7:22: collector.sources[0].tls.private_key: no unencrypted RSA, EC or DSA private "
                   "key in PEM form in "_s
                   + m_certificates.path(u"server.pem"_s));
        QTest::addRow("tls certificate is a key")
            << entry("syslog_tcp",
                   tls + "        certificate: " + m_certificates.path(u"server.key"_s).toUtf8() + "\n" + key)
            << QString(u"sentinel.yaml:6:22: collector.sources[0].tls.certificate: no PEM certificate in "_s
                   + m_certificates.path(u"server.key"_s));
        QTest::addRow("tls key of another certificate")
            << entry("syslog_tcp",
                   tls + certificate + "        private_key: " + m_certificates.path(u"client.key"_s).toUtf8() + "\n")
            << QString(u"sentinel.yaml:7:22: collector.sources[0].tls.private_key: the key in "_s
                   + m_certificates.path(u"client.key"_s) + u" is not the one of the certificate in "_s
                   + m_certificates.path(u"server.pem"_s));
        QTest::addRow("client certificates required without a ca")
            << entry("syslog_tcp", tls + certificate + key + "        require_client_certificate: true\n")
            << "sentinel.yaml:8:37: collector.sources[0].tls.require_client_certificate: client certificates can only "
               "be required with a `ca` to check them against";
    }
    void errors() {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, message);
        QCOMPARE(errorOf(yaml), message);
    }

private:
    TestCertificates m_certificates;
};

QTEST_GUILESS_MAIN(TestSyslogNetConfig)
#include "tst_syslognetconfig.moc"
