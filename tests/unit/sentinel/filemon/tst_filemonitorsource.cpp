// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/filemon/filemonitorsource.h"

#include "unit/sentinel/filemon/filemontesting.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace vanopticon::testsupport;
using namespace Qt::StringLiterals;

namespace {

using Fields = QHash<QString, QString>;

constexpr std::int64_t kNowNs = 1'700'000'000'123'456'789;

// SHA-256 of "abc" (FIPS 180-2).
const QString kAbcSha256 = u"SHA256=BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"_s;

struct Collected {
    QList<Fields> events;
    QList<std::int64_t> timestamps;
    int deliveries = 0;

    QList<Fields> of(const QString &type) const {
        QList<Fields> found;
        for (const Fields &event : events) {
            if (event[u"event_type"_s] == type)
                found.append(event);
        }
        return found;
    }
    // "create a", "modify a", "rename a -> b" … in order, for the files under `root`.
    QStringList summary(const QString &root) const {
        QStringList out;
        const auto relative
            = [&root](const QString &path) { return path.startsWith(root + u'/') ? path.mid(root.size() + 1) : path; };
        for (const Fields &event : events) {
            QString text = event[u"event_type"_s].mid(5);
            if (event[u"event_type"_s] == u"file_rename"_s)
                text += u' ' + relative(event[u"SourceFilename"_s]) + u" ->";
            text += u' ' + relative(event[u"TargetFilename"_s]);
            out << text.trimmed();
        }
        return out;
    }
};

void collect(FileMonitorSource &source, Collected &collected) {
    source.setSink([&collected](Delivery &&delivery) {
        ++collected.deliveries;
        QVERIFY(!delivery.checkpoint.has_value()); // nothing to resume from: changes happen now
        for (const Event &event : delivery.events.events()) {
            collected.events.append(fieldsOf(event));
            collected.timestamps.append(event.timestampNs);
        }
    });
}

bool changeMode(const QString &file, mode_t mode) {
    return ::chmod(QFile::encodeName(file).constData(), mode) == 0;
}

} // namespace

class TestFileMonitorSource : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_root = m_dir->filePath(u"watched"_s);
        QVERIFY(QDir().mkpath(m_root));
    }

    void cleanup() { m_dir.reset(); }

    void changesAreSigmaFileEvents() {
        FileMonitorConfig config = configFor(m_root);
        config.hashSha256 = true;
        FileMonitorSource source(config, [] { return kNowNs; });
        QVERIFY(!source.canPause());
        QCOMPARE(source.name(), "file_monitor:" + m_root.toStdString());
        Collected collected;
        collect(source, collected);
        source.start();
        QVERIFY2(source.isRunning(), source.lastError().c_str());

        const QString file = m_root + u"/cron.d"_s;
        QVERIFY(writeFile(file, "abc"));
        QTRY_COMPARE(collected.events.size(), 2);
        const Fields created = collected.events[0];
        QCOMPARE(created[u"event_type"_s], u"file_create"_s);
        QCOMPARE(created[u"category"_s], u"file"_s);
        QCOMPARE(created[u"source_type"_s], u"file_monitor"_s);
        QCOMPARE(created[u"TargetFilename"_s], file);
        QCOMPARE(created[u"IsDirectory"_s], u"false"_s);
        QCOMPARE(created[u"Hashes"_s], kAbcSha256);
        QCOMPARE(created[u"message"_s], u"file created: "_s + file);
        QVERIFY(!created.contains(u"SourceFilename"_s));
        const Fields modified = collected.events[1];
        QCOMPARE(modified[u"event_type"_s], u"file_modify"_s);
        QCOMPARE(modified[u"Hashes"_s], kAbcSha256);
        QCOMPARE(modified[u"message"_s], u"file modified: "_s + file);
        QCOMPARE(collected.timestamps, QList<std::int64_t>({kNowNs, kNowNs}));

        QVERIFY(QFile::rename(file, m_root + u"/renamed"_s));
        QTRY_COMPARE(collected.events.size(), 3);
        const Fields renamed = collected.events[2];
        QCOMPARE(renamed[u"event_type"_s], u"file_rename"_s);
        QCOMPARE(renamed[u"TargetFilename"_s], m_root + u"/renamed"_s);
        QCOMPARE(renamed[u"SourceFilename"_s], file);
        QCOMPARE(renamed[u"message"_s], u"file renamed: "_s + file + u" -> "_s + m_root + u"/renamed"_s);
        QVERIFY(!renamed.contains(u"Hashes"_s)); // only created and modified files are hashed

        QVERIFY(changeMode(m_root + u"/renamed"_s, 0600));
        QTRY_COMPARE(collected.events.size(), 4);
        QCOMPARE(collected.events[3][u"event_type"_s], u"file_attribute"_s);
        QCOMPARE(collected.events[3][u"message"_s], u"file attributes changed: "_s + m_root + u"/renamed"_s);

        QVERIFY(QDir().mkpath(m_root + u"/sub"_s));
        QTRY_COMPARE(collected.events.size(), 5);
        const Fields directory = collected.events[4];
        QCOMPARE(directory[u"event_type"_s], u"file_create"_s);
        QCOMPARE(directory[u"IsDirectory"_s], u"true"_s);
        QCOMPARE(directory[u"message"_s], u"directory created: "_s + m_root + u"/sub"_s);
        QVERIFY(!directory.contains(u"Hashes"_s));

        // The new directory is watched: a file in it is seen too.
        QVERIFY(writeFile(m_root + u"/sub/x"_s, "abc"));
        QVERIFY(QFile::remove(m_root + u"/renamed"_s));
        QTRY_COMPARE(collected.events.size(), 8);
        QCOMPARE(
            collected.summary(m_root).mid(5), QStringList({u"create sub/x"_s, u"modify sub/x"_s, u"delete renamed"_s}));
        QCOMPARE(collected.events[7][u"message"_s], u"file deleted: "_s + m_root + u"/renamed"_s);

        const QJsonObject status = source.status();
        QCOMPARE(status[u"in"_s].toInteger(), 8);
        QCOMPARE(status[u"out"_s].toInteger(), 8);
        QCOMPARE(status[u"created"_s].toInteger(), 3);
        QCOMPARE(status[u"modified"_s].toInteger(), 2);
        QCOMPARE(status[u"renamed"_s].toInteger(), 1);
        QCOMPARE(status[u"attribute_changes"_s].toInteger(), 1);
        QCOMPARE(status[u"deleted"_s].toInteger(), 1);
        QCOMPARE(status[u"hashed"_s].toInteger(), 4);
        QCOMPARE(status[u"watches"_s].toInteger(), 2);
        QCOMPARE(status[u"directories_added"_s].toInteger(), 2);
        QCOMPARE(status[u"running"_s].toBool(), true);
        QCOMPARE(status[u"paths"_s].toArray(), QJsonArray({m_root}));

        source.stop();
        QVERIFY(!source.isRunning());
        QVERIFY(writeFile(m_root + u"/after-stop"_s, "x"));
        QTest::qWait(20);
        QCOMPARE(collected.events.size(), 8);
        // Started again, it watches afresh.
        source.start();
        QVERIFY(source.isRunning());
        QVERIFY(writeFile(m_root + u"/sub/again"_s, "x"));
        QTRY_COMPARE(collected.events.size(), 10);
        QCOMPARE(collected.summary(m_root).mid(8), QStringList({u"create sub/again"_s, u"modify sub/again"_s}));
    }

    void onlyTheChosenEventsAndBoundedHashing() {
        FileMonitorConfig config = configFor(m_root);
        config.events = unsigned(FileChangeKind::Modify) | unsigned(FileChangeKind::Delete);
        config.hashSha256 = true;
        config.maxHashBytes = 3;
        FileMonitorSource source(config, [] { return kNowNs; });
        Collected collected;
        collect(source, collected);
        source.start();
        QVERIFY(source.isRunning());

        QVERIFY(writeFile(m_root + u"/small"_s, "abc"));
        QVERIFY(writeFile(m_root + u"/large"_s, "abcd"));
        QTRY_COMPARE(collected.events.size(), 2);
        QCOMPARE(collected.summary(m_root), QStringList({u"modify small"_s, u"modify large"_s}));
        QCOMPARE(collected.events[0][u"Hashes"_s], kAbcSha256);
        QVERIFY(!collected.events[1].contains(u"Hashes"_s)); // above max_hash_size
        // Gone before it could be read: still reported, without a hash.
        QVERIFY(writeFile(m_root + u"/brief"_s, "abc"));
        QVERIFY(QFile::remove(m_root + u"/brief"_s));
        QTRY_COMPARE(collected.events.size(), 4);
        QCOMPARE(collected.summary(m_root).mid(2), QStringList({u"modify brief"_s, u"delete brief"_s}));
        QVERIFY(!collected.events[2].contains(u"Hashes"_s));
        const QJsonObject status = source.status();
        QCOMPARE(status[u"in"_s].toInteger(), 7);
        QCOMPARE(status[u"out"_s].toInteger(), 4);
        QCOMPARE(status[u"not_reported"_s].toInteger(), 3); // the creates
        QCOMPARE(status[u"hashed"_s].toInteger(), 1);
        QCOMPARE(status[u"hash_too_large"_s].toInteger(), 1);
        QCOMPARE(status[u"hash_failures"_s].toInteger(), 1);
    }

    void backedUpDropsAndCountsButKeepsWatching() {
        FileMonitorSource source(configFor(m_root), [] { return kNowNs; });
        Collected collected;
        collect(source, collected);
        source.start();
        QVERIFY(source.isRunning());
        source.setBackedUp(true);
        QVERIFY(source.isBackedUp());
        QVERIFY(QDir().mkpath(m_root + u"/sub"_s));
        QVERIFY(writeFile(m_root + u"/dropped"_s, "x"));
        QTRY_COMPARE(source.status()[u"dropped"_s].toInteger(), 3);
        QCOMPARE(source.status()[u"dropped_events"_s].toInteger(), 3);
        QCOMPARE(collected.deliveries, 0);
        QVERIFY(source.tree().isWatched(QString(m_root + u"/sub"_s).toStdString()));

        source.setBackedUp(false);
        QVERIFY(writeFile(m_root + u"/sub/kept"_s, "x"));
        QTRY_COMPARE(collected.events.size(), 2);
        QCOMPARE(collected.summary(m_root), QStringList({u"create sub/kept"_s, u"modify sub/kept"_s}));
        QCOMPARE(source.status()[u"dropped"_s].toInteger(), 3);
    }

    void overflowIsCountedAndReported() {
        QFile limitFile(u"/proc/sys/fs/inotify/max_queued_events"_s);
        QVERIFY(limitFile.open(QIODevice::ReadOnly));
        bool parsed = false;
        const int limit = limitFile.readAll().trimmed().toInt(&parsed);
        QVERIFY(parsed && limit > 0 && limit <= (1 << 20));

        FileMonitorConfig config = configFor(m_root);
        config.events = unsigned(FileChangeKind::Create);
        FileMonitorSource source(config, [] { return kNowNs; });
        Collected collected;
        collect(source, collected);
        source.start();
        QVERIFY(source.isRunning());
        QVERIFY(writeFile(m_root + u"/a"_s, "x"));
        QVERIFY(writeFile(m_root + u"/b"_s, "x"));
        const QByteArray a = QFile::encodeName(m_root + u"/a"_s);
        const QByteArray b = QFile::encodeName(m_root + u"/b"_s);
        // More changes than the kernel queues, while the event loop is not running.
        for (int i = 0; i < limit / 2 + 8; ++i) {
            QVERIFY(::chmod(a.constData(), (i & 1) != 0 ? 0600 : 0644) == 0);
            QVERIFY(::chmod(b.constData(), (i & 1) != 0 ? 0600 : 0644) == 0);
        }
        QVERIFY(QDir().mkpath(m_root + u"/lost"_s)); // its event is lost: found again by the walk
        QTest::ignoreMessage(QtWarningMsg,
            QRegularExpression(u"^file_monitor:.*: the inotify queue overflowed \\(1 times so far\\): changes were "
                               "lost; walking the watched paths again$"_s));
        QTRY_COMPARE(source.status()[u"overflows"_s].toInteger(), 1);
        QTRY_VERIFY(source.tree().isWatched(QString(m_root + u"/lost"_s).toStdString()));
        // And it goes on.
        QVERIFY(writeFile(m_root + u"/lost/found"_s, "x"));
        QTRY_VERIFY(collected.summary(m_root).contains(u"create lost/found"_s));
        QCOMPARE(source.status()[u"overflows"_s].toInteger(), 1);
    }

    void limitsAndMissingPathsAreReported() {
        QVERIFY(QDir().mkpath(m_root + u"/sub"_s));
        const QString missing = m_dir->filePath(u"missing/dir"_s);
        FileMonitorConfig config = configFor(m_root);
        config.paths.push_back(missing.toStdString());
        config.maxWatches = 1;
        FileMonitorSource source(config, [] { return kNowNs; });
        QTest::ignoreMessage(QtWarningMsg,
            qPrintable(u"%1: %2 does not exist (yet); looking for it every 10s"_s.arg(
                QString::fromStdString(source.name()), missing)));
        QTest::ignoreMessage(QtWarningMsg,
            qPrintable(u"%1: max_watches (1) reached: %2 is not watched"_s.arg(
                QString::fromStdString(source.name()), m_root + u"/sub"_s)));
        source.start();
        QVERIFY(source.isRunning());
        const QJsonObject status = source.status();
        QCOMPARE(status[u"watches"_s].toInteger(), 1);
        QCOMPARE(status[u"watch_limit_reached"_s].toInteger(), 1);
        QCOMPARE(status[u"missing_paths"_s].toArray(), QJsonArray({missing}));
        QCOMPARE(status[u"error"_s].toString(), u"max_watches (1) reached: "_s + m_root + u"/sub is not watched"_s);
    }

private:
    static FileMonitorConfig configFor(const QString &path) {
        FileMonitorConfig config;
        config.paths.push_back(path.toStdString());
        return config;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_root;
};

QTEST_GUILESS_MAIN(TestFileMonitorSource)
#include "tst_filemonitorsource.moc"
