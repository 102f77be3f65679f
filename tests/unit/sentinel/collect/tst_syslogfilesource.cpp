// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/syslogfilesource.h"

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

namespace {

void append(const QString &path, const QByteArray &lines) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::Append));
    file.write(lines);
}

SourceConfig globConfig(const QTemporaryDir &dir) {
    SourceConfig config;
    config.path = dir.filePath(u"*.log"_s).toStdString();
    config.format = LineFormat::Rfc3164;
    config.startAt = StartAt::Beginning;
    config.pollInterval = std::chrono::milliseconds(20);
    return config;
}

struct Collected {
    QStringList users;
    std::optional<std::string> checkpoint;
};

void collect(SyslogFileSource &source, Collected &collected) {
    source.setSink([&collected](Delivery &&delivery) {
        for (const Event &event : delivery.events.events())
            collected.users.append(
                QString::fromUtf8(event.value(field::User).data(), qsizetype(event.value(field::User).size())));
        if (delivery.checkpoint)
            collected.checkpoint = delivery.checkpoint;
    });
}

QByteArray failure(const char *user) {
    return QByteArray("Nov 23 10:00:00 web-01 sshd[1]: Failed password for ") + user
        + " from 203.0.113.7 port 22 ssh2\n";
}

} // namespace

class TestSyslogFileSource : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void globTailsEveryMatchAndPicksUpNewFiles() {
        QTemporaryDir dir;
        append(dir.filePath(u"a.log"_s), failure("alice"));
        append(dir.filePath(u"b.log"_s), failure("bob"));
        append(dir.filePath(u"ignored.txt"_s), failure("nobody"));
        SyslogFileSource source(globConfig(dir), SyslogContext {});
        Collected collected;
        collect(source, collected);
        source.start();
        QTRY_COMPARE(collected.users.size(), 2);
        QVERIFY(collected.users.contains(u"alice"_s) && collected.users.contains(u"bob"_s));

        append(dir.filePath(u"c.log"_s), failure("carol")); // appears after start
        QTRY_VERIFY_WITH_TIMEOUT(collected.users.contains(u"carol"_s), 15000);
        append(dir.filePath(u"a.log"_s), failure("alice2"));
        QTRY_VERIFY(collected.users.contains(u"alice2"_s));
        QVERIFY(!collected.users.contains(u"nobody"_s));
        QCOMPARE(source.status()[u"files"_s].toArray().size(), 3);
    }

    void resumesEveryFileFromItsCheckpoint() {
        QTemporaryDir dir;
        append(dir.filePath(u"a.log"_s), failure("one"));
        append(dir.filePath(u"b.log"_s), failure("two"));
        std::string checkpoint;
        {
            SyslogFileSource first(globConfig(dir), SyslogContext {});
            Collected collected;
            collect(first, collected);
            first.start();
            QTRY_COMPARE(collected.users.size(), 2);
            QVERIFY(collected.checkpoint.has_value());
            checkpoint = *collected.checkpoint;
        }
        append(dir.filePath(u"a.log"_s), failure("three"));
        append(dir.filePath(u"b.log"_s), failure("four"));
        SyslogFileSource second(globConfig(dir), SyslogContext {});
        QVERIFY(second.resume(checkpoint).ok());
        Collected collected;
        collect(second, collected);
        second.start();
        QTRY_COMPARE(collected.users.size(), 2);
        QTest::qWait(100);
        collected.users.sort();
        QCOMPARE(collected.users, QStringList({u"four"_s, u"three"_s})); // nothing repeated, nothing lost
    }

    void refusesAnUnreadableCheckpoint() {
        QTemporaryDir dir;
        SyslogFileSource source(globConfig(dir), SyslogContext {});
        QVERIFY(!source.resume("not json").ok());
        QVERIFY(!source.resume(R"({"/x.log":"1:2"})").ok());
        QVERIFY(source.resume(R"({"/x.log":"1:2:3"})").ok());
    }

    void parseFailuresAreCountedAsSourceErrors() {
        QTemporaryDir dir;
        append(dir.filePath(u"a.log"_s), "<999>garbage\n" + failure("ok"));
        SyslogFileSource source(globConfig(dir), SyslogContext {});
        Collected collected;
        collect(source, collected);
        source.start();
        QTRY_COMPARE(collected.users.size(), 1);
        QCOMPARE(source.counters().in, 2u);
        QCOMPARE(source.counters().errors, 1u);
        QCOMPARE(source.status()[u"parse_errors"_s].toInt(), 1);
    }
};

QTEST_GUILESS_MAIN(TestSyslogFileSource)
#include "tst_syslogfilesource.moc"
