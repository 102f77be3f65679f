// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/lineparser.h"

#include <QDateTime>
#include <QTest>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

using namespace vanopticon;
using namespace vanopticon::sentinel;

// Counts heap allocations, so the test can hold the parser to "nothing per line but the batch".
namespace {
std::atomic<std::size_t> g_allocations {0};
}

void *operator new(std::size_t size) {
    ++g_allocations;
    if (void *p = std::malloc(size == 0 ? 1 : size))
        return p;
    throw std::bad_alloc();
}

void operator delete(void *p) noexcept {
    std::free(p);
}

void operator delete(void *p, std::size_t) noexcept {
    std::free(p);
}

namespace {

constexpr std::int64_t kNowNs = 1'795'435'200'000'000'000; // 2026-11-23T12:00:00Z

SyslogContext testContext() {
    SyslogContext context;
    context.nowNs = kNowNs;
    context.utcOffsetSeconds = 0;
    context.hostName = "collector-host";
    return context;
}

QByteArray bytes(std::string_view text) {
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

QByteArray valueOf(const Event &event, FieldId id) {
    return event.has(id) ? bytes(event.value(id)) : QByteArray("<absent>");
}

} // namespace

class TestLineParser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        // The constant above is what it says.
        QCOMPARE(QDateTime::fromSecsSinceEpoch(kNowNs / 1'000'000'000, Qt::UTC).toString(Qt::ISODate),
            QStringLiteral("2026-11-23T12:00:00Z"));
    }

    void sshdLogins_data() {
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QByteArray>("eventType");
        QTest::addColumn<QByteArray>("user");
        QTest::addColumn<QByteArray>("sourceIp");
        QTest::addColumn<QByteArray>("sourcePort");
        QTest::addColumn<QByteArray>("authMethod");
        QTest::addColumn<QByteArray>("reason");

        const QByteArray absent("<absent>");
        QTest::addRow("failed password") << QByteArray("Failed password for root from 203.0.113.7 port 52144 ssh2")
                                         << QByteArray("auth_failed") << QByteArray("root") << QByteArray("203.0.113.7")
                                         << QByteArray("52144") << QByteArray("password") << QByteArray("bad_password");
        QTest::addRow("failed password, invalid user")
            << QByteArray("Failed password for invalid user admin from 203.0.113.7 port 52144 ssh2")
            << QByteArray("auth_failed") << QByteArray("admin") << QByteArray("203.0.113.7") << QByteArray("52144")
            << QByteArray("password") << QByteArray("invalid_user");
        QTest::addRow("failed publickey")
            << QByteArray("Failed publickey for root from 192.0.2.10 port 40000 ssh2: RSA SHA256:abcDEF123+/xyz")
            << QByteArray("auth_failed") << QByteArray("root") << QByteArray("192.0.2.10") << QByteArray("40000")
            << QByteArray("publickey") << QByteArray("bad_publickey");
        QTest::addRow("failed keyboard-interactive/pam")
            << QByteArray("Failed keyboard-interactive/pam for invalid user test from 192.0.2.11 port 2222 ssh2")
            << QByteArray("auth_failed") << QByteArray("test") << QByteArray("192.0.2.11") << QByteArray("2222")
            << QByteArray("keyboard-interactive/pam") << QByteArray("invalid_user");
        QTest::addRow("failed keyboard-interactive/pam, known user")
            << QByteArray("Failed keyboard-interactive/pam for bob from 192.0.2.11 port 2222 ssh2")
            << QByteArray("auth_failed") << QByteArray("bob") << QByteArray("192.0.2.11") << QByteArray("2222")
            << QByteArray("keyboard-interactive/pam") << QByteArray("bad_keyboard_interactive");
        QTest::addRow("failed none, invalid user")
            << QByteArray("Failed none for invalid user guest from 198.51.100.99 port 1022 ssh2")
            << QByteArray("auth_failed") << QByteArray("guest") << QByteArray("198.51.100.99") << QByteArray("1022")
            << QByteArray("none") << QByteArray("invalid_user");
        QTest::addRow("failed none, known user")
            << QByteArray("Failed none for root from 198.51.100.99 port 1022 ssh2") << QByteArray("auth_failed")
            << QByteArray("root") << QByteArray("198.51.100.99") << QByteArray("1022") << QByteArray("none")
            << QByteArray("no_credentials");
        QTest::addRow("accepted password")
            << QByteArray("Accepted password for alice from 198.51.100.4 port 50022 ssh2") << QByteArray("auth_success")
            << QByteArray("alice") << QByteArray("198.51.100.4") << QByteArray("50022") << QByteArray("password")
            << absent;
        QTest::addRow("accepted publickey")
            << QByteArray("Accepted publickey for alice from 198.51.100.4 port 50022 ssh2: ED25519 "
                          "SHA256:Gx4rmE2lRXq9YvOdVeMcYJzFzgw3GzX5rCnJc0q4Xbk")
            << QByteArray("auth_success") << QByteArray("alice") << QByteArray("198.51.100.4") << QByteArray("50022")
            << QByteArray("publickey") << absent;
        QTest::addRow("invalid user") << QByteArray("Invalid user admin from 203.0.113.7 port 41234")
                                      << QByteArray("auth_failed") << QByteArray("admin") << QByteArray("203.0.113.7")
                                      << QByteArray("41234") << absent << QByteArray("invalid_user");
        QTest::addRow("invalid user, OpenSSH before 7.5 (no port)")
            << QByteArray("Invalid user admin from 203.0.113.7") << QByteArray("auth_failed") << QByteArray("admin")
            << QByteArray("203.0.113.7") << absent << absent << QByteArray("invalid_user");
        QTest::addRow("invalid user, [preauth]")
            << QByteArray("Invalid user oracle from 203.0.113.8 port 1 [preauth]") << QByteArray("auth_failed")
            << QByteArray("oracle") << QByteArray("203.0.113.8") << QByteArray("1") << absent
            << QByteArray("invalid_user");
        QTest::addRow("ipv6") << QByteArray("Failed password for root from 2001:db8::5 port 22 ssh2")
                              << QByteArray("auth_failed") << QByteArray("root") << QByteArray("2001:db8::5")
                              << QByteArray("22") << QByteArray("password") << QByteArray("bad_password");
        QTest::addRow("ipv6 link-local with zone")
            << QByteArray("Accepted publickey for ops from fe80::1%eth0 port 50100 ssh2") << QByteArray("auth_success")
            << QByteArray("ops") << QByteArray("fe80::1%eth0") << QByteArray("50100") << QByteArray("publickey")
            << absent;
        QTest::addRow("ipv4-mapped ipv6")
            << QByteArray("Failed password for root from ::ffff:192.0.2.1 port 22 ssh2") << QByteArray("auth_failed")
            << QByteArray("root") << QByteArray("::ffff:192.0.2.1") << QByteArray("22") << QByteArray("password")
            << QByteArray("bad_password");
        QTest::addRow("user name forging a second address")
            << QByteArray("Failed password for invalid user a from 1.2.3.4 port 1 ssh2 from 9.9.9.9 port 2 ssh2")
            << QByteArray("auth_failed") << QByteArray("a from 1.2.3.4 port 1 ssh2") << QByteArray("9.9.9.9")
            << QByteArray("2") << QByteArray("password") << QByteArray("invalid_user");
        QTest::addRow("user name forging an accepted login")
            << QByteArray("Invalid user x from 6.6.6.6 port 6 from 203.0.113.50 port 4444") << QByteArray("auth_failed")
            << QByteArray("x from 6.6.6.6 port 6") << QByteArray("203.0.113.50") << QByteArray("4444") << absent
            << QByteArray("invalid_user");
        QTest::addRow("empty invalid user name")
            << QByteArray("Invalid user  from 203.0.113.7 port 41234") << QByteArray("auth_failed") << QByteArray("")
            << QByteArray("203.0.113.7") << QByteArray("41234") << absent << QByteArray("invalid_user");
        QTest::addRow("empty invalid user name, failed none")
            << QByteArray("Failed none for invalid user  from 203.0.113.7 port 41234 ssh2") << QByteArray("auth_failed")
            << QByteArray("") << QByteArray("203.0.113.7") << QByteArray("41234") << QByteArray("none")
            << QByteArray("invalid_user");
        QTest::addRow("odd bytes in the user name")
            << QByteArray(
                   "Failed password for invalid user \x1b[31m\xc3\xa4'; DROP TABLE--\xff from 192.0.2.1 port 9 ssh2")
            << QByteArray("auth_failed") << QByteArray("\x1b[31m\xc3\xa4'; DROP TABLE--\xff") << QByteArray("192.0.2.1")
            << QByteArray("9") << QByteArray("password") << QByteArray("invalid_user");
    }
    void sshdLogins() {
        QFETCH(QByteArray, message);
        QFETCH(QByteArray, eventType);
        QFETCH(QByteArray, user);
        QFETCH(QByteArray, sourceIp);
        QFETCH(QByteArray, sourcePort);
        QFETCH(QByteArray, authMethod);
        QFETCH(QByteArray, reason);

        for (const char *app : {"sshd", "sshd-session"}) {
            const QByteArray line = QByteArray("<38>Nov 23 10:15:30 web1 ") + app + "[3141]: " + message;
            LineParser parser(LineFormat::Rfc3164, testContext());
            EventBatch batch;
            QVERIFY(parser.parse(std::string_view(line.constData(), line.size()), batch));
            QCOMPARE(batch.size(), std::size_t(1));
            const Event &event = batch.events().front();
            QCOMPARE(valueOf(event, field::EventType), eventType);
            QCOMPARE(valueOf(event, field::Category), QByteArray("authentication"));
            QCOMPARE(valueOf(event, field::Service), QByteArray("sshd"));
            QCOMPARE(valueOf(event, field::Host), QByteArray("web1"));
            QCOMPARE(valueOf(event, field::User), user);
            QCOMPARE(valueOf(event, field::SourceIp), sourceIp);
            QCOMPARE(valueOf(event, field::SourcePort), sourcePort);
            QCOMPARE(valueOf(event, field::AuthMethod), authMethod);
            QCOMPARE(valueOf(event, internField("reason")), reason);
            QCOMPARE(valueOf(event, field::Message), message);
            QCOMPARE(valueOf(event, field::Raw), line);
            QCOMPARE(valueOf(event, field::SourceType), QByteArray("syslog"));
            QCOMPARE(valueOf(event, field::ProcessName), QByteArray(app));
            QCOMPARE(valueOf(event, field::ProcessId), QByteArray("3141"));
            QCOMPARE(toString(event.severity), toString(eventType == "auth_success" ? Severity::Info : Severity::Low));
            QCOMPARE(event.timestampNs, kNowNs - (3600 + 44 * 60 + 30) * 1'000'000'000LL);
            QCOMPARE(parser.classifierStats().authEvents, std::uint64_t(1));
            QCOMPARE(parser.classifierStats().sshdMalformed, std::uint64_t(0));
        }
    }

    // Lines that look like logins but are not sshd's, or not well-formed, become generic events.
    void notLogins_data() {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<bool>("malformed");
        QTest::addRow("another program writing sshd's words")
            << QByteArray("Nov 23 10:15:30 web1 myapp[1]: Accepted password for root from 1.2.3.4 port 22 ssh2")
            << false;
        QTest::addRow("a tag that only contains sshd")
            << QByteArray("Nov 23 10:15:30 web1 sshd-evil[1]: Accepted password for root from 1.2.3.4 port 22 ssh2")
            << false;
        QTest::addRow("other sshd message")
            << QByteArray("Nov 23 10:15:30 web1 sshd[1]: Connection closed by 203.0.113.7 port 52144 [preauth]")
            << false;
        QTest::addRow("pam line") << QByteArray("Nov 23 10:15:30 web1 sshd[1]: pam_unix(sshd:auth): authentication "
                                                "failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7")
                                  << false;
        QTest::addRow("failed to …") << QByteArray("Nov 23 10:15:30 web1 sshd[1]: Failed to release session") << false;
        QTest::addRow("address is not one")
            << QByteArray("Nov 23 10:15:30 web1 sshd[1]: Failed password for root from 999.1.1.1 port 22 ssh2") << true;
        QTest::addRow("host name instead of address")
            << QByteArray("Nov 23 10:15:30 web1 sshd[1]: Failed password for root from evil.example port 22 ssh2")
            << true;
        QTest::addRow("port out of range")
            << QByteArray("Nov 23 10:15:30 web1 sshd[1]: Failed password for root from 1.2.3.4 port 70000 ssh2")
            << true;
        QTest::addRow("port zero") << QByteArray(
            "Nov 23 10:15:30 web1 sshd[1]: Failed password for root from 1.2.3.4 port 0 ssh2")
                                   << true;
        QTest::addRow("no from") << QByteArray("Nov 23 10:15:30 web1 sshd[1]: Failed password for root") << true;
        QTest::addRow("trailing junk") << QByteArray(
            "Nov 23 10:15:30 web1 sshd[1]: Accepted password for root from 1.2.3.4 port 22 junk")
                                       << true;
        QTest::addRow("address with a NUL")
            << QByteArray("Nov 23 10:15:30 web1 sshd[1]: Failed password for root from 1.2.3.4\0x port 22 ssh2", 83)
            << true;
        QTest::addRow("zone on an ipv4 address")
            << QByteArray("Nov 23 10:15:30 web1 sshd[1]: Failed password for root from 1.2.3.4%eth0 port 22 ssh2")
            << true;
    }
    void notLogins() {
        QFETCH(QByteArray, line);
        QFETCH(bool, malformed);
        LineParser parser(LineFormat::Rfc3164, testContext());
        EventBatch batch;
        QVERIFY(parser.parse(std::string_view(line.constData(), line.size()), batch));
        const Event &event = batch.events().front();
        QCOMPARE(valueOf(event, field::EventType), QByteArray("syslog"));
        QCOMPARE(valueOf(event, field::Category), QByteArray("system"));
        QVERIFY(!event.has(field::SourceIp) && !event.has(field::User));
        QCOMPARE(valueOf(event, field::Raw), line);
        QCOMPARE(parser.classifierStats().authEvents, std::uint64_t(0));
        QCOMPARE(parser.classifierStats().sshdMalformed, std::uint64_t(malformed ? 1 : 0));
    }

    void genericSeverityFromPri_data() {
        QTest::addColumn<int>("syslogSeverity"); // -1: no PRI
        QTest::addColumn<Severity>("severity");
        QTest::addRow("emerg") << 0 << Severity::High;
        QTest::addRow("alert") << 1 << Severity::High;
        QTest::addRow("crit") << 2 << Severity::High;
        QTest::addRow("err") << 3 << Severity::High;
        QTest::addRow("warning") << 4 << Severity::Medium;
        QTest::addRow("notice") << 5 << Severity::Low;
        QTest::addRow("info") << 6 << Severity::Info;
        QTest::addRow("debug") << 7 << Severity::Info;
        QTest::addRow("no pri") << -1 << Severity::Info;
    }
    void genericSeverityFromPri() {
        QFETCH(int, syslogSeverity);
        QFETCH(Severity, severity);
        const int facility = 3; // daemon
        const std::string pri
            = syslogSeverity < 0 ? std::string() : "<" + std::to_string(facility * 8 + syslogSeverity) + ">";
        const std::string line = pri + "2026-11-23T10:15:30Z web1 systemd[1]: Started Session 42 of user alice.";
        LineParser parser(LineFormat::Rfc3164, testContext());
        EventBatch batch;
        QVERIFY(parser.parse(line, batch));
        const Event &event = batch.events().front();
        QCOMPARE(toString(event.severity), toString(severity));
        QCOMPARE(valueOf(event, field::EventType), QByteArray("syslog"));
        QCOMPARE(valueOf(event, field::Category), QByteArray("system"));
        QCOMPARE(valueOf(event, field::Service), QByteArray("systemd"));
        QCOMPARE(valueOf(event, field::ProcessName), QByteArray("systemd"));
        QCOMPARE(valueOf(event, field::ProcessId), QByteArray("1"));
        QCOMPARE(valueOf(event, field::Host), QByteArray("web1"));
        QCOMPARE(valueOf(event, field::Message), QByteArray("Started Session 42 of user alice."));
        QCOMPARE(valueOf(event, field::SourceType), QByteArray("syslog"));
        QCOMPARE(event.timestampNs, kNowNs - (3600 + 44 * 60 + 30) * 1'000'000'000LL);
    }

    void hostFromContextWhenTheLineHasNone() {
        LineParser parser(LineFormat::Rfc3164, testContext());
        EventBatch batch;
        QVERIFY(parser.parse("Nov 23 10:15:30 sshd[7]: Failed password for root from 203.0.113.7 port 1 ssh2", batch));
        QCOMPARE(valueOf(batch.events()[0], field::Host), QByteArray("collector-host"));
        QCOMPARE(valueOf(batch.events()[0], field::EventType), QByteArray("auth_failed"));
        // A line without a tag has no process and no service.
        QVERIFY(parser.parse("<14>Aug 30 23:00:05 X4711", batch));
        QCOMPARE(valueOf(batch.events()[1], field::Host), QByteArray("X4711"));
        QVERIFY(!batch.events()[1].has(field::Service) && !batch.events()[1].has(field::ProcessName));
        QCOMPARE(valueOf(batch.events()[1], field::Message), QByteArray(""));
    }

    void valuesLiveInTheBatch() {
        LineParser parser(LineFormat::Rfc3164, testContext());
        EventBatch batch;
        {
            std::string line
                = "Nov 23 10:15:30 web1 sshd[7]: Accepted password for alice from 198.51.100.4 port 5 ssh2";
            QVERIFY(parser.parse(line, batch));
            line.assign(line.size(), 'X'); // the event must not point into the caller's buffer
        }
        for (int i = 0; i < 2000; ++i)
            QVERIFY(parser.parse("Nov 23 10:15:30 web1 cron[1]: tick " + std::to_string(i), batch));
        QCOMPARE(valueOf(batch.events()[0], field::User), QByteArray("alice"));
        QCOMPARE(valueOf(batch.events()[0], field::SourceIp), QByteArray("198.51.100.4"));
        QCOMPARE(valueOf(batch.events()[2000], field::Message), QByteArray("tick 1999"));
        QCOMPARE(parser.stats().lines, std::uint64_t(2001));
        QCOMPARE(parser.stats().events, std::uint64_t(2001));
    }

    void failuresAreCountedAndKept() {
        LineParser parser(LineFormat::Rfc3164, testContext());
        EventBatch batch;
        for (int i = 0; i < 150; ++i)
            QVERIFY(!parser.parse("<" + std::to_string(200 + i) + ">Nov 23 10:15:30 web1 x: y", batch));
        QVERIFY(!parser.parse("", batch));
        const std::string huge = "<999>" + std::string(10'000, 'A');
        QVERIFY(!parser.parse(huge, batch));
        QVERIFY(parser.parse("Nov 23 10:15:30 web1 x: fine", batch));

        QCOMPARE(batch.size(), std::size_t(1));
        QCOMPARE(parser.stats().lines, std::uint64_t(153));
        QCOMPARE(parser.stats().failed, std::uint64_t(152));
        QCOMPARE(parser.stats().events, std::uint64_t(1));
        const auto &errors = parser.recentErrors();
        QCOMPARE(errors.size(), LineParser::kMaxRecentErrors);
        QCOMPARE(QByteArray::fromStdString(errors.front().line), QByteArray("<252>Nov 23 10:15:30 web1 x: y"));
        QCOMPARE(QString::fromStdString(errors.front().reason), QStringLiteral("PRI out of range (0 to 191)"));
        QCOMPARE(errors.front().atNs, kNowNs);
        QCOMPARE(QString::fromStdString(errors[98].reason), QStringLiteral("empty line"));
        QCOMPARE(errors.back().line.size(), LineParser::kMaxErrorLineBytes);
        QCOMPARE(errors.back().lineBytes, huge.size());
        QVERIFY(QString::fromStdString(errors.back().reason).contains(u"PRI"));
    }

    void clockDecidesTheYear() {
        LineParser parser(LineFormat::Rfc3164, testContext());
        EventBatch batch;
        QVERIFY(parser.parse("Dec 31 23:59:59 web1 x: y", batch));
        // 2025-12-31T23:59:59Z: on 2026-11-23 a December date is last year's.
        QCOMPARE(batch.events()[0].timestampNs, std::int64_t(1'767'225'599) * 1'000'000'000);
        parser.setClock(kNowNs + std::int64_t(40) * 86'400 * 1'000'000'000, 3600); // 2027-01-02, UTC+1
        QVERIFY(parser.parse("Dec 31 23:59:59 web1 x: y", batch));
        QCOMPARE(batch.events()[1].timestampNs, (std::int64_t(1'798'761'599) - 3600) * 1'000'000'000);
        QCOMPARE(parser.context().utcOffsetSeconds, 3600);
    }

    void noAllocationPerLine() {
        LineParser parser(LineFormat::Rfc3164, testContext());
        EventBatch batch;
        constexpr int kLines = 2000;
        batch.events().reserve(kLines);
        const std::string auth = "2026-11-23T10:15:30.123456+01:00 web1 sshd[1234]: Failed password for invalid user "
                                 "admin from 203.0.113.7 port 52144 ssh2";
        const std::string generic = "<30>Nov 23 10:15:30 web1 systemd[1]: Started Session 42 of user alice.";
        const std::size_t before = g_allocations.load();
        for (int i = 0; i < kLines; ++i)
            QVERIFY(parser.parse(i % 2 == 0 ? auth : generic, batch));
        const std::size_t allocations = g_allocations.load() - before;
        // Only the arena's 64 KiB blocks: roughly one per 200 events here.
        QVERIFY2(allocations * 50 < kLines, qPrintable(QString::number(allocations)));
        QCOMPARE(parser.classifierStats().authEvents, std::uint64_t(kLines / 2));
    }

    void formatNames() {
        QCOMPARE(parseLineFormat("rfc3164"), std::optional<LineFormat>(LineFormat::Rfc3164));
        QCOMPARE(parseLineFormat("auto"), std::optional<LineFormat>(LineFormat::Auto));
        QVERIFY(!parseLineFormat("RFC3164").has_value());
        QVERIFY(!parseLineFormat("xml").has_value());
        for (std::size_t i = 0; i < kLineFormatCount; ++i) {
            const auto format = static_cast<LineFormat>(i);
            QCOMPARE(parseLineFormat(toString(format)), std::optional<LineFormat>(format));
            QVERIFY(supportedLineFormats().find(toString(format)) != std::string_view::npos);
        }
    }
};

QTEST_GUILESS_MAIN(TestLineParser)
#include "tst_lineparser.moc"
