// SPDX-License-Identifier: Apache-2.0
// JournaldSource on real journal files, written at test time by systemd-journal-remote.
#include "journalwriter.h"
#include "sentinel/collect/journald/journaldsource.h"

#include <QDir>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace vanopticon::testsupport;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kBaseUs = 1'700'000'000'000'000; // 2023-11-14T22:13:20Z

QByteArray bytes(std::string_view text) {
    return QByteArray(text.data(), qsizetype(text.size()));
}

QByteArray fieldOf(const Event &event, std::string_view name) {
    const std::optional<FieldId> id = FieldRegistry::instance().find(name);
    return id ? bytes(event.value(*id)) : QByteArray();
}

// A message from a program, with what journald records about the process that wrote it.
QByteArray entry(int second, const QByteArray &identifier, const QByteArray &message, JournalFields extra = {}) {
    JournalFields fields {{"MESSAGE", message}, {"PRIORITY", "6"}, {"_HOSTNAME", "web-01"},
        {"SYSLOG_IDENTIFIER", identifier}, {"_COMM", identifier}, {"_PID", "100"}};
    for (const auto &[name, value] : extra) {
        const auto same = std::find_if(fields.begin(), fields.end(), [&](const auto &f) { return f.first == name; });
        if (same != fields.end())
            same->second = value;
        else
            fields.append({name, value});
    }
    return exportEntry(kBaseUs + std::int64_t(second) * 1'000'000, fields);
}

struct Collected {
    QList<QByteArray> messages;
    std::vector<EventBatch> batches;
    std::optional<std::string> checkpoint;
};

void collect(JournaldSource &source, Collected &collected) {
    source.setSink([&collected](Delivery &&delivery) {
        for (const Event &event : delivery.events.events())
            collected.messages.append(fieldOf(event, "message"));
        if (delivery.checkpoint)
            collected.checkpoint = delivery.checkpoint;
        collected.batches.push_back(std::move(delivery.events));
    });
}

JournaldConfig configFor(const QTemporaryDir &dir, StartAt startAt, std::chrono::milliseconds poll = 50ms) {
    JournaldConfig config;
    config.directory = dir.path().toStdString();
    config.startAt = startAt;
    config.pollInterval = poll;
    return config;
}

SyslogContext context() {
    SyslogContext context;
    context.hostName = "collector";
    return context;
}

} // namespace

class TestJournaldSource : public QObject {
    Q_OBJECT
private:
    QString journalIn(const QTemporaryDir &dir) const { return dir.filePath(u"test.journal"_s); }

private Q_SLOTS:
    void initTestCase() {
        // Without the writer these tests cannot run; that is a failure, not a pass.
        QVERIFY2(!journalRemotePath().isEmpty(),
            "systemd-journal-remote is needed to write test journals (Debian package systemd-journal-remote)");
    }

    void readsEntriesAsEvents() {
        QTemporaryDir dir;
        const QString written = appendToJournal(journalIn(dir),
            entry(1, "sshd", "Failed password for root from 198.51.100.9 port 2222 ssh2",
                {{"_SYSTEMD_UNIT", "ssh.service"}, {"_UID", "0"}, {"_EXE", "/usr/sbin/sshd"},
                    {"_CMDLINE", "sshd: root [priv]"}})
                + entry(2, "backup", "disk almost full", {{"PRIORITY", "3"}})
                + exportEntry(kBaseUs + 3'000'000, {{"MESSAGE", "no identifier"}, {"_COMM", "cron"}}));
        QVERIFY2(written.isEmpty(), qPrintable(written));

        JournaldSource source(configFor(dir, StartAt::Beginning), context());
        Collected collected;
        collect(source, collected);
        source.start();
        QTRY_COMPARE(collected.messages.size(), 3);
        QVERIFY(source.isOpen());
        QVERIFY(collected.checkpoint.has_value() && collected.checkpoint->starts_with("s="));

        std::vector<const Event *> events;
        for (const EventBatch &batch : collected.batches) {
            for (const Event &event : batch.events())
                events.push_back(&event);
        }
        const Event &login = *events[0];
        QCOMPARE(login.timestampNs, (kBaseUs + 1'000'000) * 1000);
        QCOMPARE(fieldOf(login, "event_type"), QByteArray("auth_failed"));
        QCOMPARE(fieldOf(login, "User"), QByteArray("root"));
        QCOMPARE(fieldOf(login, "SourceIp"), QByteArray("198.51.100.9"));
        QCOMPARE(fieldOf(login, "SourcePort"), QByteArray("2222"));
        QCOMPARE(fieldOf(login, "host"), QByteArray("web-01"));
        QCOMPARE(fieldOf(login, "source_type"), QByteArray("journald"));
        QCOMPARE(fieldOf(login, "_SYSTEMD_UNIT"), QByteArray("ssh.service"));
        QCOMPARE(fieldOf(login, "_UID"), QByteArray("0"));
        QCOMPARE(fieldOf(login, "Image"), QByteArray("/usr/sbin/sshd"));
        QCOMPARE(fieldOf(login, "CommandLine"), QByteArray("sshd: root [priv]"));
        QCOMPARE(fieldOf(login, "ProcessId"), QByteArray("100"));

        const Event &error = *events[1];
        QCOMPARE(fieldOf(error, "event_type"), QByteArray("syslog"));
        QCOMPARE(fieldOf(error, "service"), QByteArray("backup"));
        QCOMPARE(int(error.severity), int(Severity::High)); // PRIORITY 3 (err)

        const Event &cron = *events[2];
        QCOMPARE(fieldOf(cron, "service"), QByteArray("cron"));
        QCOMPARE(fieldOf(cron, "host"), QByteArray("collector"));

        const QJsonObject status = source.status();
        QCOMPARE(status[u"in"_s].toInt(), 3);
        QCOMPARE(status[u"out"_s].toInt(), 3);
        QCOMPARE(status[u"auth_events"_s].toInt(), 1);
        QCOMPARE(status[u"error"_s].toString(), QString());
    }

    // New entries are picked up through the journal's descriptor: the poll timer is an hour.
    void followsNewEntries() {
        QTemporaryDir dir;
        QVERIFY(appendToJournal(journalIn(dir), entry(1, "app", "first")).isEmpty());
        JournaldSource source(configFor(dir, StartAt::Beginning, 1h), context());
        Collected collected;
        collect(source, collected);
        source.start();
        QTRY_COMPARE(collected.messages.size(), 1);
        QVERIFY(appendToJournal(journalIn(dir), entry(2, "app", "second") + entry(3, "app", "third")).isEmpty());
        QTRY_COMPARE(collected.messages.size(), 3);
        QCOMPARE(collected.messages, (QList<QByteArray> {"first", "second", "third"}));
    }

    // A journal file that appears after start (a directory that had none) is found too.
    void picksUpNewJournalFiles() {
        QTemporaryDir dir;
        JournaldSource source(configFor(dir, StartAt::Beginning), context());
        Collected collected;
        collect(source, collected);
        source.start();
        QTest::qWait(100);
        QCOMPARE(collected.messages.size(), 0);
        QVERIFY(appendToJournal(journalIn(dir), entry(1, "app", "late")).isEmpty());
        QTRY_COMPARE(collected.messages, QList<QByteArray> {"late"});
    }

    void startAtEndSkipsWhatIsThere() {
        QTemporaryDir dir;
        QVERIFY(appendToJournal(journalIn(dir), entry(1, "app", "old 1") + entry(2, "app", "old 2")).isEmpty());
        JournaldSource source(configFor(dir, StartAt::End), context());
        Collected collected;
        collect(source, collected);
        source.start();
        QTest::qWait(200);
        QCOMPARE(collected.messages.size(), 0);
        QVERIFY(appendToJournal(journalIn(dir), entry(3, "app", "new")).isEmpty());
        QTRY_COMPARE(collected.messages, QList<QByteArray> {"new"});

        // The end of an empty journal, too.
        QTemporaryDir empty;
        JournaldSource fromEmpty(configFor(empty, StartAt::End), context());
        Collected later;
        collect(fromEmpty, later);
        fromEmpty.start();
        QTest::qWait(100);
        QVERIFY(appendToJournal(journalIn(empty), entry(4, "app", "first ever")).isEmpty());
        QTRY_COMPARE(later.messages, QList<QByteArray> {"first ever"});
    }

    void resumesAfterItsCursor() {
        QTemporaryDir dir;
        QVERIFY(appendToJournal(journalIn(dir), entry(1, "app", "one") + entry(2, "app", "two")).isEmpty());
        std::string checkpoint;
        {
            JournaldSource first(configFor(dir, StartAt::Beginning), context());
            Collected collected;
            collect(first, collected);
            first.start();
            QTRY_COMPARE(collected.messages.size(), 2);
            checkpoint = *collected.checkpoint;
        }
        QVERIFY(appendToJournal(journalIn(dir), entry(3, "app", "three") + entry(4, "app", "four")).isEmpty());
        // The saved cursor wins over start_at, in either direction.
        for (const StartAt startAt : {StartAt::Beginning, StartAt::End}) {
            JournaldSource second(configFor(dir, startAt), context());
            QVERIFY(second.resume(checkpoint).ok());
            Collected collected;
            collect(second, collected);
            second.start();
            QTRY_COMPARE(collected.messages.size(), 2);
            QTest::qWait(100);
            QCOMPARE(collected.messages, (QList<QByteArray> {"three", "four"})); // nothing repeated, nothing lost
        }
    }

    void refusesAnUnreadableCheckpoint() {
        QTemporaryDir dir;
        JournaldSource source(configFor(dir, StartAt::Beginning), context());
        QVERIFY(!source.resume("not a cursor").ok());
        QVERIFY(!source.resume("s=1\n").ok());
        QVERIFY(!source.resume(std::string(2000, 'a')).ok());
        QVERIFY(source.resume("s=7eab1b251c474f79ab01a3c7a47deb6b;i=1;b=0123;m=3e8;t=60a24181e4000;x=9218ddb6").ok());
    }

    // A cursor the journal does not know (another machine's): read from start_at instead.
    void unknownCursorFallsBackToStartAt() {
        QTemporaryDir dir;
        QVERIFY(appendToJournal(journalIn(dir), entry(1, "app", "kept")).isEmpty());
        JournaldSource source(configFor(dir, StartAt::Beginning), context());
        QVERIFY(source.resume("s=ffffffffffffffffffffffffffffffff;i=99;b=ffffffffffffffffffffffffffffffff;m=1;t=1;x=1")
                    .ok());
        Collected collected;
        collect(source, collected);
        source.start();
        QTRY_COMPARE(collected.messages, QList<QByteArray> {"kept"});
    }

    void filtersByUnitOrProgram() {
        QTemporaryDir dir;
        QVERIFY(appendToJournal(journalIn(dir),
            entry(1, "sshd", "from ssh", {{"_SYSTEMD_UNIT", "ssh.service"}})
                + entry(2, "sudo", "from sudo", {{"_SYSTEMD_UNIT", "session-1.scope"}})
                + entry(3, "cron", "from cron", {{"_SYSTEMD_UNIT", "cron.service"}})
                + entry(4, "other", "other in ssh.service", {{"_SYSTEMD_UNIT", "ssh.service"}}))
                    .isEmpty());
        JournaldConfig config = configFor(dir, StartAt::Beginning);
        config.units = {"ssh.service"};
        config.identifiers = {"sudo"};
        JournaldSource source(config, context());
        Collected collected;
        collect(source, collected);
        source.start();
        QTRY_COMPARE(collected.messages.size(), 3);
        QTest::qWait(100);
        QCOMPARE(collected.messages, (QList<QByteArray> {"from ssh", "from sudo", "other in ssh.service"}));

        config.units.clear(); // programs only
        JournaldSource programs(config, context());
        Collected sudoOnly;
        collect(programs, sudoOnly);
        programs.start();
        QTRY_COMPARE(sudoOnly.messages, QList<QByteArray> {"from sudo"});
    }

    // Journal fields are bytes: binary MESSAGE fields (export format's binary form) and bytes
    // that are not UTF-8 arrive as valid UTF-8; a huge message is cut at its bound.
    void binaryAndOversizedFields() {
        QTemporaryDir dir;
        static constexpr char kBinary[] = "line one\nline two\0after NUL \xFF\xFE end";
        const QByteArray binary(kBinary, sizeof kBinary - 1);
        const QByteArray huge(int(JournalEntry::kMaxMessageBytes) + 5000, 'x');
        QVERIFY(appendToJournal(journalIn(dir), entry(1, "app", binary) + entry(2, "app", huge)).isEmpty());
        JournaldSource source(configFor(dir, StartAt::Beginning), context());
        Collected collected;
        collect(source, collected);
        source.start();
        QTRY_COMPARE(collected.messages.size(), 2);
        static constexpr char kValid[] = "line one\nline two\0after NUL \xEF\xBF\xBD\xEF\xBF\xBD end";
        QCOMPARE(collected.messages[0], QByteArray(kValid, sizeof kValid - 1));
        QCOMPARE(collected.messages[1].size(), qsizetype(JournalEntry::kMaxMessageBytes));
        const QJsonObject status = source.status();
        QCOMPARE(status[u"binary_fields"_s].toInt(), 1);
        QCOMPARE(status[u"fields_cut"_s].toInt(), 1);
    }

    void spoofedSshdIsNotBelieved() {
        QTemporaryDir dir;
        QVERIFY(appendToJournal(journalIn(dir),
            exportEntry(kBaseUs,
                {{"MESSAGE", "Failed password for root from 198.51.100.9 port 22 ssh2"}, {"SYSLOG_IDENTIFIER", "sshd"},
                    {"_COMM", "logger"}}))
                    .isEmpty());
        JournaldSource source(configFor(dir, StartAt::Beginning), context());
        Collected collected;
        collect(source, collected);
        source.start();
        QTRY_COMPARE(collected.messages.size(), 1);
        QCOMPARE(fieldOf(collected.batches.front().events().front(), "event_type"), QByteArray("syslog"));
        QCOMPARE(source.status()[u"spoofed_identifiers"_s].toInt(), 1);
    }

    void pausedSourceWaits() {
        QTemporaryDir dir;
        QVERIFY(appendToJournal(journalIn(dir), entry(1, "app", "before")).isEmpty());
        JournaldSource source(configFor(dir, StartAt::Beginning), context());
        Collected collected;
        collect(source, collected);
        source.start();
        QTRY_COMPARE(collected.messages.size(), 1);
        source.stop();
        QVERIFY(appendToJournal(journalIn(dir), entry(2, "app", "while paused")).isEmpty());
        QTest::qWait(300);
        QCOMPARE(collected.messages.size(), 1);
        QVERIFY(source.canPause());
        source.start();
        QTRY_COMPARE(collected.messages, (QList<QByteArray> {"before", "while paused"}));
    }

    // A directory that cannot be read yet is reported and retried; nothing crashes.
    void missingDirectoryIsRetried() {
        QTemporaryDir parent;
        const QString path = parent.filePath(u"later"_s);
        JournaldConfig config;
        config.directory = path.toStdString();
        config.startAt = StartAt::Beginning;
        config.pollInterval = 50ms;
        JournaldSource source(config, context());
        Collected collected;
        collect(source, collected);
        source.start();
        QVERIFY(!source.isOpen());
        QVERIFY(source.status()[u"error"_s].toString().contains(u"cannot open the journal"_s));
        QVERIFY(QDir().mkpath(path));
        QVERIFY(appendToJournal(path + u"/test.journal"_s, entry(1, "app", "found")).isEmpty());
        QTRY_COMPARE(collected.messages, QList<QByteArray> {"found"});
        QVERIFY(source.isOpen());
        QCOMPARE(source.status()[u"error"_s].toString(), QString());
    }
};

QTEST_GUILESS_MAIN(TestJournaldSource)
#include "tst_journaldsource.moc"
