// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/filemon/inotifytree.h"

#include "unit/sentinel/filemon/filemontesting.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace vanopticon::testsupport;
using namespace Qt::StringLiterals;

namespace {

// inotify queues events during the system call that causes them, so after a change returns its
// events are there to read: no waiting.
QStringList drain(InotifyTree &tree, const QString &root) {
    std::vector<FileChange> changes;
    for (int i = 0; i < 100; ++i) {
        const auto status = tree.read(changes, 4);
        if (status == InotifyTree::ReadStatus::Failed)
            return {u"read failed: "_s + QString::fromStdString(tree.lastError())};
        if (status == InotifyTree::ReadStatus::Drained)
            break;
    }
    return describe(changes, root);
}

std::string path(const QString &text) {
    return text.toStdString();
}

bool changeMode(const QString &file, mode_t mode) {
    return ::chmod(QFile::encodeName(file).constData(), mode) == 0;
}

} // namespace

class TestInotifyTree : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_root = m_dir->filePath(u"watched"_s);
        QVERIFY(QDir().mkpath(m_root));
    }

    void cleanup() { m_dir.reset(); }

    void createModifyDeleteAndAttributes() {
        InotifyTree tree(configFor({m_root}));
        QVERIFY(tree.open().ok());
        tree.watchRoots();
        QCOMPARE(tree.watchCount(), std::size_t(1));
        QVERIFY(tree.missingRoots().empty());

        QVERIFY(writeFile(m_root + u"/a.conf"_s, "one\n"));
        QCOMPARE(drain(tree, m_root), QStringList({u"create a.conf"_s, u"modify a.conf"_s}));
        QVERIFY(writeFile(m_root + u"/a.conf"_s, "two\n"));
        QCOMPARE(drain(tree, m_root), QStringList({u"modify a.conf"_s}));
        QVERIFY(changeMode(m_root + u"/a.conf"_s, 0600));
        QCOMPARE(drain(tree, m_root), QStringList({u"attribute a.conf"_s}));
        QVERIFY(QFile::remove(m_root + u"/a.conf"_s));
        QCOMPARE(drain(tree, m_root), QStringList({u"delete a.conf"_s}));
        // Outside the watched paths, or opened and read without writing: nothing to report.
        QVERIFY(writeFile(m_dir->filePath(u"outside"_s), "x"));
        QFile file(m_root + u"/b"_s);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        QCOMPARE(drain(tree, m_root), QStringList({u"create b"_s, u"modify b"_s}));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray());
        file.close();
        QCOMPARE(drain(tree, m_root), QStringList());
        QVERIFY(tree.stats().events >= 7);
    }

    void renamesInsideIntoAndOutOf() {
        const QString outside = m_dir->filePath(u"outside"_s);
        QVERIFY(QDir().mkpath(outside));
        QVERIFY(writeFile(m_root + u"/old"_s, "x"));
        QVERIFY(writeFile(outside + u"/incoming"_s, "y"));
        InotifyTree tree(configFor({m_root}));
        QVERIFY(tree.open().ok());
        tree.watchRoots();

        QVERIFY(QFile::rename(m_root + u"/old"_s, m_root + u"/new"_s));
        QCOMPARE(drain(tree, m_root), QStringList({u"rename old -> new"_s}));
        QVERIFY(QFile::rename(outside + u"/incoming"_s, m_root + u"/incoming"_s));
        QCOMPARE(drain(tree, m_root), QStringList({u"rename -> incoming"_s}));
        QVERIFY(QFile::rename(m_root + u"/new"_s, outside + u"/gone"_s));
        QCOMPARE(drain(tree, m_root), QStringList({u"rename new ->"_s}));
    }

    void newDirectoriesAreWatchedAndRemovedOnesForgotten() {
        InotifyTree tree(configFor({m_root}));
        QVERIFY(tree.open().ok());
        tree.watchRoots();
        QVERIFY(QDir().mkpath(m_root + u"/sub"_s));
        QCOMPARE(drain(tree, m_root), QStringList({u"create dir sub"_s}));
        QVERIFY(tree.isWatched(path(m_root + u"/sub"_s)));
        QCOMPARE(tree.watchCount(), std::size_t(2));
        QVERIFY(writeFile(m_root + u"/sub/file"_s, "x"));
        QCOMPARE(drain(tree, m_root), QStringList({u"create sub/file"_s, u"modify sub/file"_s}));

        // A whole tree made before its top is watched: what is in it is reported, and watched.
        QVERIFY(QDir().mkpath(m_root + u"/deep/a/b"_s));
        QVERIFY(writeFile(m_root + u"/deep/a/b/file"_s, "x"));
        const QStringList deep = drain(tree, m_root);
        QCOMPARE(deep.first(), u"create dir deep"_s);
        QVERIFY2(deep.contains(u"create dir deep/a"_s), qPrintable(deep.join(u", ")));
        QVERIFY2(deep.contains(u"create dir deep/a/b"_s), qPrintable(deep.join(u", ")));
        QVERIFY2(deep.contains(u"create deep/a/b/file"_s), qPrintable(deep.join(u", ")));
        QVERIFY(tree.isWatched(path(m_root + u"/deep/a/b"_s)));
        QCOMPARE(tree.watchCount(), std::size_t(5));
        QVERIFY(writeFile(m_root + u"/deep/a/b/later"_s, "x"));
        QCOMPARE(drain(tree, m_root), QStringList({u"create deep/a/b/later"_s, u"modify deep/a/b/later"_s}));

        // Removed: reported once (by its parent), and its watches forgotten.
        QVERIFY(QDir(m_root + u"/deep"_s).removeRecursively());
        const QStringList removed = drain(tree, m_root);
        QVERIFY2(removed.contains(u"delete dir deep"_s), qPrintable(removed.join(u", ")));
        QVERIFY2(removed.contains(u"delete deep/a/b/file"_s), qPrintable(removed.join(u", ")));
        QCOMPARE(removed.count(u"delete dir deep"_s), 1);
        QVERIFY(!tree.isWatched(path(m_root + u"/deep"_s)));
        QVERIFY(!tree.isWatched(path(m_root + u"/deep/a/b"_s)));
        QCOMPARE(tree.watchCount(), std::size_t(2));
        QCOMPARE(tree.stats().directoriesAdded, std::uint64_t(5));
        QCOMPARE(tree.stats().directoriesRemoved, std::uint64_t(3));
    }

    void whatANewDirectoryHoldsIsReportedWithinABound() {
        InotifyTree tree(configFor({m_root}));
        QVERIFY(tree.open().ok());
        tree.watchRoots();
        const QString big = m_root + u"/big"_s;
        QVERIFY(QDir().mkpath(big));
        const std::size_t extra = 5;
        for (std::size_t i = 0; i < InotifyTree::kMaxScanReports + extra; ++i) {
            const int fd = ::open(QFile::encodeName(big + u"/f"_s + QString::number(i)).constData(),
                O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
            QVERIFY(fd >= 0);
            ::close(fd);
        }
        const QStringList changes = drain(tree, m_root);
        QCOMPARE(changes.size(), qsizetype(1 + InotifyTree::kMaxScanReports));
        QCOMPARE(changes.first(), u"create dir big"_s);
        QCOMPARE(tree.stats().scanTruncated, std::uint64_t(extra));
        QVERIFY(tree.isWatched(path(big)));
        QVERIFY(writeFile(big + u"/later"_s, "x"));
        QCOMPARE(drain(tree, m_root), QStringList({u"create big/later"_s, u"modify big/later"_s}));
    }

    void movedDirectoriesFollowTheirName() {
        const QString outside = m_dir->filePath(u"outside"_s);
        QVERIFY(QDir().mkpath(outside + u"/tree/inner"_s));
        QVERIFY(QDir().mkpath(m_root + u"/sub/inner"_s));
        InotifyTree tree(configFor({m_root}));
        QVERIFY(tree.open().ok());
        tree.watchRoots();
        QCOMPARE(tree.watchCount(), std::size_t(3));

        QVERIFY(QDir().rename(m_root + u"/sub"_s, m_root + u"/renamed"_s));
        QCOMPARE(drain(tree, m_root), QStringList({u"rename dir sub -> renamed"_s}));
        QVERIFY(tree.isWatched(path(m_root + u"/renamed/inner"_s)));
        QVERIFY(!tree.isWatched(path(m_root + u"/sub/inner"_s)));
        QVERIFY(writeFile(m_root + u"/renamed/inner/f"_s, "x"));
        QCOMPARE(drain(tree, m_root), QStringList({u"create renamed/inner/f"_s, u"modify renamed/inner/f"_s}));

        // Out of the watched paths: forgotten, and what happens there is not reported.
        QVERIFY(QDir().rename(m_root + u"/renamed"_s, outside + u"/away"_s));
        QCOMPARE(drain(tree, m_root), QStringList({u"rename dir renamed ->"_s}));
        QCOMPARE(tree.watchCount(), std::size_t(1));
        QVERIFY(writeFile(outside + u"/away/inner/g"_s, "x"));
        QCOMPARE(drain(tree, m_root), QStringList());

        // Into them: watched, with what is below it.
        QVERIFY(QDir().rename(outside + u"/tree"_s, m_root + u"/tree"_s));
        QCOMPARE(drain(tree, m_root), QStringList({u"rename dir -> tree"_s}));
        QVERIFY(tree.isWatched(path(m_root + u"/tree/inner"_s)));
        QVERIFY(writeFile(m_root + u"/tree/inner/h"_s, "x"));
        QCOMPARE(drain(tree, m_root), QStringList({u"create tree/inner/h"_s, u"modify tree/inner/h"_s}));
    }

    void excludedNamesAndPaths() {
        QVERIFY(QDir().mkpath(m_root + u"/cache/deeper"_s));
        FileMonitorConfig config = configFor({m_root});
        config.exclude = {"*.swp", path(m_root + u"/cache"_s), path(m_root + u"/*/skipped"_s)};
        InotifyTree tree(config);
        QVERIFY(tree.open().ok());
        tree.watchRoots();
        QVERIFY(!tree.isWatched(path(m_root + u"/cache"_s)));
        QCOMPARE(tree.watchCount(), std::size_t(1));

        QVERIFY(writeFile(m_root + u"/.file.swp"_s, "x"));
        QVERIFY(writeFile(m_root + u"/cache/deeper/f"_s, "x"));
        QVERIFY(writeFile(m_root + u"/kept"_s, "x"));
        QCOMPARE(drain(tree, m_root), QStringList({u"create kept"_s, u"modify kept"_s}));
        QVERIFY(QDir().mkpath(m_root + u"/sub/skipped"_s));
        QCOMPARE(drain(tree, m_root), QStringList({u"create dir sub"_s}));
        QVERIFY(!tree.isWatched(path(m_root + u"/sub/skipped"_s)));
        QVERIFY(writeFile(m_root + u"/sub/skipped/f"_s, "x"));
        QVERIFY(writeFile(m_root + u"/sub/f.swp"_s, "x"));
        QCOMPARE(drain(tree, m_root), QStringList());
        // A rename to an excluded name is still a change of a watched file.
        QVERIFY(QFile::rename(m_root + u"/kept"_s, m_root + u"/kept.swp"_s));
        QCOMPARE(drain(tree, m_root), QStringList({u"rename kept -> kept.swp"_s}));
        QVERIFY(tree.stats().excluded >= 5);
    }

    void notRecursive() {
        QVERIFY(QDir().mkpath(m_root + u"/sub"_s));
        FileMonitorConfig config = configFor({m_root});
        config.recursive = false;
        InotifyTree tree(config);
        QVERIFY(tree.open().ok());
        tree.watchRoots();
        QCOMPARE(tree.watchCount(), std::size_t(1));
        QVERIFY(writeFile(m_root + u"/sub/f"_s, "x"));
        QVERIFY(QDir().mkpath(m_root + u"/other"_s));
        QVERIFY(writeFile(m_root + u"/other/f"_s, "x"));
        QCOMPARE(drain(tree, m_root), QStringList({u"create dir other"_s}));
        QCOMPARE(tree.watchCount(), std::size_t(1));
    }

    void singleFilesAndPathsThatAppearLater() {
        const QString file = m_root + u"/authorized_keys"_s;
        const QString later = m_root + u"/later"_s;
        InotifyTree tree(configFor({file, later}));
        QVERIFY(tree.open().ok());
        tree.watchRoots();
        // Neither exists: both are looked for through the directory they will appear in.
        QCOMPARE(tree.missingRoots().size(), std::size_t(0));
        QVERIFY(writeFile(m_root + u"/unrelated"_s, "x"));
        QVERIFY(writeFile(file, "ssh-ed25519 AAAA"));
        QCOMPARE(drain(tree, m_root), QStringList({u"create authorized_keys"_s, u"modify authorized_keys"_s}));
        QVERIFY(changeMode(file, 0644));
        QVERIFY(changeMode(m_root + u"/unrelated"_s, 0644));
        QCOMPARE(drain(tree, m_root), QStringList({u"attribute authorized_keys"_s}));

        // The other one appears as a directory: it is watched as one, recursively, from then on.
        QVERIFY(QDir().mkpath(later));
        QCOMPARE(drain(tree, m_root), QStringList({u"create dir later"_s}));
        QVERIFY(tree.isWatched(path(later)));
        QVERIFY(QDir().mkpath(later + u"/sub"_s));
        QVERIFY(writeFile(later + u"/sub/x"_s, "x"));
        const QStringList inside = drain(tree, m_root);
        QVERIFY2(inside.startsWith(u"create dir later/sub"_s), qPrintable(inside.join(u", ")));
        QVERIFY2(inside.contains(u"create later/sub/x"_s), qPrintable(inside.join(u", ")));
        QVERIFY(QFile::remove(file));
        QCOMPARE(drain(tree, m_root), QStringList({u"delete authorized_keys"_s}));
        // Gone again: reported once (by the directory it is in), and still looked for there.
        QVERIFY(QDir(later).removeRecursively());
        const QStringList gone = drain(tree, m_root);
        QCOMPARE(gone.count(u"delete dir later"_s), 1);
        QVERIFY(tree.missingRoots().empty());
        QCOMPARE(tree.watchCount(), std::size_t(1));
    }

    void nestedPathsAreReportedOnce() {
        QVERIFY(QDir().mkpath(m_root + u"/sub"_s));
        InotifyTree tree(configFor({m_root, m_root + u"/sub"_s}));
        QVERIFY(tree.open().ok());
        tree.watchRoots();
        QCOMPARE(tree.watchCount(), std::size_t(2));
        QVERIFY(changeMode(m_root + u"/sub"_s, 0700));
        QCOMPARE(drain(tree, m_root), QStringList({u"attribute dir sub"_s}));
        QVERIFY(QDir().rename(m_root + u"/sub"_s, m_root + u"/moved"_s));
        QCOMPARE(drain(tree, m_root), QStringList({u"rename dir sub -> moved"_s}));
        QVERIFY(tree.isWatched(path(m_root + u"/moved"_s)));
        QVERIFY(QDir().rmdir(m_root + u"/moved"_s));
        QCOMPARE(drain(tree, m_root), QStringList({u"delete dir moved"_s}));
        QCOMPARE(tree.watchCount(), std::size_t(1));
    }

    void missingParentsAreLookedForAgain() {
        const QString missing = m_dir->filePath(u"not/yet"_s);
        InotifyTree tree(configFor({missing}));
        QVERIFY(tree.open().ok());
        tree.watchRoots();
        QCOMPARE(tree.missingRoots(), std::vector<std::string>({path(missing)}));
        QVERIFY(QDir().mkpath(missing));
        tree.watchRoots(); // what the source does every kRootRetryInterval
        QVERIFY(tree.missingRoots().empty());
        QVERIFY(writeFile(missing + u"/f"_s, "x"));
        QCOMPARE(drain(tree, missing), QStringList({u"create f"_s, u"modify f"_s}));
        // The configured directory itself goes: reported, and looked for again.
        QVERIFY(QDir(missing).removeRecursively());
        QCOMPARE(drain(tree, missing), QStringList({u"delete f"_s, u"delete dir "_s + missing}));
        QCOMPARE(tree.missingRoots(), std::vector<std::string>({path(missing)}));
        QCOMPARE(tree.watchCount(), std::size_t(0));
    }

    void watchLimitIsCountedAndReported() {
        for (const char *name : {"a", "b", "c", "d"})
            QVERIFY(QDir().mkpath(m_root + u'/' + QLatin1StringView(name)));
        FileMonitorConfig config = configFor({m_root});
        config.maxWatches = 3;
        InotifyTree tree(config);
        QVERIFY(tree.open().ok());
        tree.watchRoots();
        QCOMPARE(tree.watchCount(), std::size_t(3));
        QCOMPARE(tree.stats().watchLimitHits, std::uint64_t(2));
        QVERIFY2(tree.lastError().starts_with("max_watches (3) reached: "), tree.lastError().c_str());
        // A new directory is reported, though not watched.
        QVERIFY(QDir().mkpath(m_root + u"/e"_s));
        QCOMPARE(drain(tree, m_root), QStringList({u"create dir e"_s}));
        QCOMPARE(tree.watchCount(), std::size_t(3));
        QCOMPARE(tree.stats().watchLimitHits, std::uint64_t(3));
        // Room again once one goes.
        int watched = 0;
        for (const char *name : {"a", "b", "c", "d"}) {
            if (tree.isWatched(path(m_root + u'/' + QLatin1StringView(name)))) {
                QVERIFY(QDir().rmdir(m_root + u'/' + QLatin1StringView(name)));
                ++watched;
                break;
            }
        }
        QCOMPARE(watched, 1);
        drain(tree, m_root);
        QCOMPARE(tree.watchCount(), std::size_t(2));
        QVERIFY(QDir().mkpath(m_root + u"/f"_s));
        drain(tree, m_root);
        QVERIFY(tree.isWatched(path(m_root + u"/f"_s)));
    }

    void overflowIsCountedAndTheTreeWalkedAgain() {
        // The kernel queues at most max_queued_events per instance; one more and the rest is lost
        // with a single IN_Q_OVERFLOW.
        QFile limitFile(u"/proc/sys/fs/inotify/max_queued_events"_s);
        QVERIFY(limitFile.open(QIODevice::ReadOnly));
        bool parsed = false;
        const int limit = limitFile.readAll().trimmed().toInt(&parsed);
        QVERIFY(parsed && limit > 0);
        QVERIFY2(limit <= (1 << 20), "fs.inotify.max_queued_events is too large to fill in a unit test");

        QVERIFY(QDir().mkpath(m_root + u"/going"_s));
        InotifyTree tree(configFor({m_root}));
        QVERIFY(tree.open().ok());
        tree.watchRoots();
        QCOMPARE(tree.watchCount(), std::size_t(2));
        QVERIFY(writeFile(m_root + u"/a"_s, "x"));
        QVERIFY(writeFile(m_root + u"/b"_s, "x"));
        const QByteArray a = QFile::encodeName(m_root + u"/a"_s);
        const QByteArray b = QFile::encodeName(m_root + u"/b"_s);
        // Alternating files: identical consecutive events would be merged into one.
        for (int i = 0; i < limit / 2 + 8; ++i) {
            QVERIFY(::chmod(a.constData(), (i & 1) != 0 ? 0600 : 0644) == 0);
            QVERIFY(::chmod(b.constData(), (i & 1) != 0 ? 0600 : 0644) == 0);
        }
        // Lost with the overflow: a new directory and a removed one.
        QVERIFY(QDir().mkpath(m_root + u"/new/inner"_s));
        QVERIFY(QDir().rmdir(m_root + u"/going"_s));

        std::vector<FileChange> changes;
        while (tree.read(changes, 4) == InotifyTree::ReadStatus::More) { }
        QCOMPARE(tree.stats().overflows, std::uint64_t(1));
        QVERIFY(tree.needsResynchronize());
        // Every event queued before the overflow is read (each one a change here).
        QVERIFY2(changes.size() <= std::size_t(limit) && changes.size() + 16 > std::size_t(limit),
            qPrintable(QString::number(changes.size())));
        QVERIFY(!tree.isWatched(path(m_root + u"/new"_s)));
        tree.resynchronize();
        QVERIFY(!tree.needsResynchronize());
        QVERIFY(tree.isWatched(path(m_root + u"/new/inner"_s)));
        QVERIFY(!tree.isWatched(path(m_root + u"/going"_s)));
        QCOMPARE(tree.watchCount(), std::size_t(3));
        // The IN_IGNORED of the removed directory may still be queued: drained, it changes nothing.
        drain(tree, m_root);
        QVERIFY(writeFile(m_root + u"/new/inner/f"_s, "x"));
        QCOMPARE(drain(tree, m_root), QStringList({u"create new/inner/f"_s, u"modify new/inner/f"_s}));
    }

private:
    static FileMonitorConfig configFor(const QStringList &paths) {
        FileMonitorConfig config;
        for (const QString &path : paths)
            config.paths.push_back(path.toStdString());
        return config;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_root;
};

QTEST_GUILESS_MAIN(TestInotifyTree)
#include "tst_inotifytree.moc"
