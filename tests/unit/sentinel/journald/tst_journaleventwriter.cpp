// SPDX-License-Identifier: Apache-2.0
// Journal entries → events (no journal needed: entries are built here), the UTF-8 helpers and the
// `type: journald` configuration.
#include "sentinel/collect/journald/journaldconfig.h"
#include "sentinel/collect/journald/journaleventwriter.h"
#include "sentinel/collect/journald/utf8text.h"

#include <QTest>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

QByteArray bytes(std::string_view text) {
    return QByteArray(text.data(), qsizetype(text.size()));
}

QByteArray fieldOf(const Event &event, std::string_view name) {
    const std::optional<FieldId> id = FieldRegistry::instance().find(name);
    return id ? bytes(event.value(*id)) : QByteArray();
}

bool hasField(const Event &event, std::string_view name) {
    const std::optional<FieldId> id = FieldRegistry::instance().find(name);
    return id && event.has(*id);
}

JournalEntry sshdFailure() {
    JournalEntry entry;
    entry.realtimeUs = 1'700'000'000'123'456;
    entry.message = "Failed password for invalid user admin from 203.0.113.7 port 52144 ssh2";
    entry.priority = "6";
    entry.hostname = "web-01";
    entry.syslogIdentifier = "sshd";
    entry.comm = "sshd";
    entry.pid = "4242";
    entry.systemdUnit = "ssh.service";
    entry.uid = "0";
    entry.exe = "/usr/sbin/sshd";
    entry.cmdline = "sshd: admin [priv]";
    return entry;
}

Result<JournaldConfig> parse(const QByteArray &entryYaml) {
    auto root = config::Section::loadString(
        QByteArray("collector:\n  sources:\n    - " + entryYaml).toStdString(), "sentinel.yaml");
    if (!root)
        return root.error();
    auto entries = root->child("collector").child("sources").elements();
    if (!entries)
        return entries.error();
    return parseJournaldConfig(entries->front());
}

} // namespace

class TestJournalEventWriter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // An sshd login attempt from the journal is the same event as from auth.log.
    void sshdLoginIsTyped() {
        JournalEventWriter writer;
        EventBatch batch;
        writer.append(sshdFailure(), "collector", batch);
        QCOMPARE(batch.size(), std::size_t(1));
        const Event &event = batch.events().front();
        QCOMPARE(event.timestampNs, std::int64_t(1'700'000'000'123'456'000));
        QCOMPARE(int(event.severity), int(Severity::Low));
        QCOMPARE(fieldOf(event, "event_type"), QByteArray("auth_failed"));
        QCOMPARE(fieldOf(event, "category"), QByteArray("authentication"));
        QCOMPARE(fieldOf(event, "service"), QByteArray("sshd"));
        QCOMPARE(fieldOf(event, "User"), QByteArray("admin"));
        QCOMPARE(fieldOf(event, "SourceIp"), QByteArray("203.0.113.7"));
        QCOMPARE(fieldOf(event, "SourcePort"), QByteArray("52144"));
        QCOMPARE(fieldOf(event, "reason"), QByteArray("invalid_user"));
        QCOMPARE(fieldOf(event, "host"), QByteArray("web-01"));
        QCOMPARE(fieldOf(event, "source_type"), QByteArray("journald"));
        QCOMPARE(fieldOf(event, "ProcessName"), QByteArray("sshd"));
        QCOMPARE(fieldOf(event, "ProcessId"), QByteArray("4242"));
        QCOMPARE(fieldOf(event, "_SYSTEMD_UNIT"), QByteArray("ssh.service"));
        QCOMPARE(fieldOf(event, "_UID"), QByteArray("0"));
        QCOMPARE(fieldOf(event, "Image"), QByteArray("/usr/sbin/sshd"));
        QCOMPARE(fieldOf(event, "CommandLine"), QByteArray("sshd: admin [priv]"));
        QCOMPARE(fieldOf(event, "raw"),
            QByteArray("web-01 sshd[4242]: Failed password for invalid user admin from 203.0.113.7 port 52144 ssh2"));
        QCOMPARE(writer.classifierStats().authEvents, 1u);
    }

    void severityFromPriority_data() {
        QTest::addColumn<QByteArray>("priority");
        QTest::addColumn<int>("severity");
        QTest::addRow("emerg") << QByteArray("0") << int(Severity::High);
        QTest::addRow("err") << QByteArray("3") << int(Severity::High);
        QTest::addRow("warning") << QByteArray("4") << int(Severity::Medium);
        QTest::addRow("notice") << QByteArray("5") << int(Severity::Low);
        QTest::addRow("info") << QByteArray("6") << int(Severity::Info);
        QTest::addRow("debug") << QByteArray("7") << int(Severity::Info);
        QTest::addRow("absent") << QByteArray() << int(Severity::Info);
        QTest::addRow("out of range") << QByteArray("9") << int(Severity::Info);
        QTest::addRow("two digits") << QByteArray("03") << int(Severity::Info);
    }

    void severityFromPriority() {
        QFETCH(QByteArray, priority);
        QFETCH(int, severity);
        JournalEntry entry;
        entry.message = "disk almost full";
        entry.syslogIdentifier = "monitor";
        entry.priority = std::string_view(priority.constData(), std::size_t(priority.size()));
        JournalEventWriter writer;
        EventBatch batch;
        writer.append(entry, "collector", batch);
        const Event &event = batch.events().front();
        QCOMPARE(int(event.severity), severity);
        QCOMPARE(fieldOf(event, "event_type"), QByteArray("syslog"));
        QCOMPARE(fieldOf(event, "service"), QByteArray("monitor"));
        QCOMPARE(fieldOf(event, "host"), QByteArray("collector")); // no _HOSTNAME: the fallback
        QCOMPARE(fieldOf(event, "raw"), QByteArray("collector monitor: disk almost full"));
        QVERIFY(!hasField(event, "_SYSTEMD_UNIT"));
        QVERIFY(!hasField(event, "Image"));
    }

    void programFromCommWithoutIdentifier() {
        JournalEntry entry;
        entry.message = "started";
        entry.comm = "cron";
        entry.pid = "12";
        JournalEventWriter writer;
        EventBatch batch;
        writer.append(entry, "h", batch);
        QCOMPARE(fieldOf(batch.events().front(), "service"), QByteArray("cron"));
        QCOMPARE(fieldOf(batch.events().front(), "raw"), QByteArray("h cron[12]: started"));
    }

    // `logger -t sshd "Failed password …"` claims to be sshd; journald saw logger write it.
    void spoofedSshdIsNotBelieved() {
        JournalEntry entry = sshdFailure();
        entry.comm = "logger";
        entry.exe = "/usr/bin/logger";
        JournalEventWriter writer;
        EventBatch batch;
        writer.append(entry, "h", batch);
        const Event &event = batch.events().front();
        QCOMPARE(fieldOf(event, "event_type"), QByteArray("syslog"));
        QCOMPARE(fieldOf(event, "service"), QByteArray("logger"));
        QVERIFY(!hasField(event, "SourceIp"));
        QCOMPARE(writer.stats().spoofedIdentifiers, 1u);
        QCOMPARE(writer.classifierStats().authEvents, 0u);

        entry.comm = "sshd-session"; // OpenSSH 9.8 and later
        writer.append(entry, "h", batch);
        QCOMPARE(fieldOf(batch.events().back(), "event_type"), QByteArray("auth_failed"));
        QCOMPARE(writer.stats().spoofedIdentifiers, 1u);
    }

    // The same for the account and privilege tools: `logger -t sudo …` is not sudo.
    void spoofedSudoIsNotBelieved() {
        JournalEntry entry;
        entry.message = "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/sh";
        entry.syslogIdentifier = "sudo";
        entry.comm = "logger";
        JournalEventWriter writer;
        EventBatch batch;
        writer.append(entry, "h", batch);
        QCOMPARE(fieldOf(batch.events().back(), "event_type"), QByteArray("syslog"));
        QCOMPARE(writer.stats().spoofedIdentifiers, 1u);

        entry.comm = "sudo";
        writer.append(entry, "h", batch);
        QCOMPARE(fieldOf(batch.events().back(), "event_type"), QByteArray("sudo_command"));
        QCOMPARE(writer.stats().spoofedIdentifiers, 1u);
    }

    void binaryFieldsBecomeUtf8() {
        static constexpr char kMessage[] = "bad \xC3\x28 byte, NUL \0 and \xFF end";
        static constexpr char kExpected[] = "bad \xEF\xBF\xBD( byte, NUL \0 and \xEF\xBF\xBD end";
        const std::string message(kMessage, sizeof kMessage - 1);
        JournalEntry entry;
        entry.message = message;
        entry.syslogIdentifier = "app\xFE";
        entry.fieldsCut = 1;
        JournalEventWriter writer;
        EventBatch batch;
        writer.append(entry, "h", batch);
        const Event &event = batch.events().front();
        QCOMPARE(fieldOf(event, "message"), QByteArray(kExpected, sizeof kExpected - 1));
        QCOMPARE(fieldOf(event, "service"), QByteArray("app\xEF\xBF\xBD"));
        QCOMPARE(writer.stats().binaryFields, 2u);
        QCOMPARE(writer.stats().fieldsCut, 1u);
    }

    void utf8Helpers_data() {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("valid");
        QTest::addRow("ascii") << QByteArray("plain") << QByteArray("plain");
        QTest::addRow("multi-byte") << QByteArray("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x94\x92")
                                    << QByteArray("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x94\x92");
        QTest::addRow("overlong") << QByteArray("\xC0\xAF") << QByteArray("\xEF\xBF\xBD\xEF\xBF\xBD");
        QTest::addRow("surrogate") << QByteArray("\xED\xA0\x80") << QByteArray("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
        QTest::addRow("above U+10FFFF") << QByteArray("\xF4\x90\x80\x80")
                                        << QByteArray("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
        QTest::addRow("truncated") << QByteArray("ok\xE2\x82") << QByteArray("ok\xEF\xBF\xBD\xEF\xBF\xBD");
    }

    void utf8Helpers() {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, valid);
        std::string scratch;
        bool replaced = false;
        const std::string_view out
            = toValidUtf8(std::string_view(input.constData(), std::size_t(input.size())), scratch, replaced);
        QCOMPARE(bytes(out), valid);
        QCOMPARE(replaced, input != valid);
    }

    void cutKeepsWholeCharacters() {
        const std::string_view text = "ab\xE2\x82\xAC"
                                      "cd";
        QCOMPARE(bytes(cutUtf8(text, 10)),
            QByteArray("ab\xE2\x82\xAC"
                       "cd"));
        QCOMPARE(bytes(cutUtf8(text, 5)), QByteArray("ab\xE2\x82\xAC"));
        QCOMPARE(bytes(cutUtf8(text, 4)), QByteArray("ab"));
        QCOMPARE(bytes(cutUtf8(text, 3)), QByteArray("ab"));
        QCOMPARE(bytes(cutUtf8(text, 2)), QByteArray("ab"));
    }

    void config() {
        auto config = parse("type: journald\n");
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QVERIFY(config->directory.empty());
        QVERIFY(config->startAt == StartAt::End);
        QCOMPARE(config->pollInterval, std::chrono::milliseconds(1s));
        QCOMPARE(config->sourceName(), std::string("journald:system"));

        config
            = parse("type: journald\n      directory: /var/log/journal/\n      units: [ssh.service, "
                    "cron.service]\n      identifiers: sudo\n      start_at: beginning\n      poll_interval: 250ms\n");
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QCOMPARE(config->directory, std::string("/var/log/journal"));
        QCOMPARE(config->units, (std::vector<std::string> {"ssh.service", "cron.service"}));
        QCOMPARE(config->identifiers, std::vector<std::string> {"sudo"});
        QVERIFY(config->startAt == StartAt::Beginning);
        QCOMPARE(config->pollInterval, std::chrono::milliseconds(250ms));
        QCOMPARE(config->sourceName(),
            std::string("journald:/var/log/journal units=ssh.service,cron.service identifiers=sudo"));
    }

    void configErrors_data() {
        QTest::addColumn<QByteArray>("entry");
        QTest::addColumn<QString>("message");
        QTest::addRow("unknown setting")
            << QByteArray("type: journald\n      unit: ssh.service\n")
            << u"sentinel.yaml:4:7: collector.sources[0]: unknown setting 'unit' (expected one of: type, directory, "
               "units, identifiers, start_at, poll_interval)"_s;
        QTest::addRow("relative directory") << QByteArray("type: journald\n      directory: journal\n")
                                            << u"sentinel.yaml:4:18: collector.sources[0].directory: expected an "
                                               "absolute path, got 'journal'"_s;
        QTest::addRow("empty directory") << QByteArray("type: journald\n      directory: \"\"\n")
                                         << u"sentinel.yaml:4:18: collector.sources[0].directory: expected an absolute "
                                            "path, got ''"_s;
        QTest::addRow("bad start_at") << QByteArray("type: journald\n      start_at: now\n")
                                      << u"sentinel.yaml:4:17: collector.sources[0].start_at: expected beginning or "
                                         "end, got 'now'"_s;
        QTest::addRow("poll too fast") << QByteArray("type: journald\n      poll_interval: 1ms\n")
                                       << u"sentinel.yaml:4:22: collector.sources[0].poll_interval: must be between "
                                          "10ms and 1h"_s;
        QTest::addRow("empty unit") << QByteArray("type: journald\n      units: [\"\"]\n")
                                    << u"sentinel.yaml:4:14: collector.sources[0].units: values must be 1 to 256 bytes "
                                       "long"_s;
        QTest::addRow("unit with a line break")
            << QByteArray("type: journald\n      identifiers: [\"a\\nb\"]\n")
            << u"sentinel.yaml:4:20: collector.sources[0].identifiers: 'a\nb' contains a NUL byte or a line break"_s;
        QTest::addRow("other type") << QByteArray("type: syslog\n")
                                    << u"sentinel.yaml:3:13: collector.sources[0].type: expected type journald, got "
                                       "'syslog'"_s;
    }

    void configErrors() {
        QFETCH(QByteArray, entry);
        QFETCH(QString, message);
        const auto config = parse(entry);
        QVERIFY(!config.ok());
        QCOMPARE(QString::fromStdString(config.error().message), message);
    }
};

QTEST_GUILESS_MAIN(TestJournalEventWriter)
#include "tst_journaleventwriter.moc"
