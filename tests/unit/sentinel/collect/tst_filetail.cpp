// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/filetail.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

namespace {

struct Line {
    std::string text;
    FilePosition after;
};

std::vector<Line> pollLines(FileTail &tail, TailPollResult *result = nullptr) {
    std::vector<Line> lines;
    const TailPollResult polled = tail.poll([&lines](std::string_view line, const FilePosition &after) {
        lines.push_back({std::string(line), after});
    });
    if (result)
        *result = polled;
    return lines;
}

QStringList texts(const std::vector<Line> &lines) {
    QStringList out;
    for (const Line &line : lines)
        out << QString::fromStdString(line.text);
    return out;
}

QStringList pollTexts(FileTail &tail) {
    return texts(pollLines(tail));
}

void append(const QString &path, const QByteArray &data) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Append));
    QCOMPARE(file.write(data), data.size());
}

void rename(const QString &from, const QString &to) {
    QVERIFY(QFile::rename(from, to));
}

// Device and inode as stat() reports them, with an offset.
FilePosition positionIn(const QString &path, std::uint64_t offset) {
    struct stat st { };
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return {};
    return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino), offset};
}

} // namespace

class TestFileTail : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_path = m_dir->filePath(QStringLiteral("auth.log"));
    }

    void appendedLinesAreReadOnce() {
        append(m_path, "first\nsecond\n");
        FileTail tail(m_path.toStdString());
        const auto lines = pollLines(tail);
        QCOMPARE(texts(lines), QStringList({u"first"_s, u"second"_s}));
        QCOMPARE(lines[0].after, positionIn(m_path, 6));
        QCOMPARE(lines[1].after, positionIn(m_path, 13));
        QCOMPARE(pollTexts(tail), QStringList());
        append(m_path, "third\n");
        QCOMPARE(pollTexts(tail), QStringList({u"third"_s}));
        QCOMPARE(tail.position(), positionIn(m_path, 19));
        QCOMPARE(tail.stats().linesRead, std::uint64_t(3));
        QCOMPARE(tail.stats().bytesRead, std::uint64_t(19));
        QCOMPARE(tail.stats().errors, std::uint64_t(0));
    }

    void partialLineWaitsForItsNewline() {
        append(m_path, "complete\nparti");
        FileTail tail(m_path.toStdString());
        QCOMPARE(pollTexts(tail), QStringList({u"complete"_s}));
        QCOMPARE(tail.position(), positionIn(m_path, 9));
        append(m_path, "al li");
        QCOMPARE(pollTexts(tail), QStringList());
        QCOMPARE(tail.position(), positionIn(m_path, 9)); // nothing handed on, nothing to save
        append(m_path, "ne\n");
        QCOMPARE(pollTexts(tail), QStringList({u"partial line"_s}));
        QCOMPARE(tail.position(), positionIn(m_path, 22));
    }

    void crlfAndEmptyLines() {
        append(m_path, "dos\r\n\r\n\nunix\nsplit\r");
        FileTail tail(m_path.toStdString());
        QCOMPARE(pollTexts(tail), QStringList({u"dos"_s, u"unix"_s}));
        append(m_path, "\n");
        QCOMPARE(pollTexts(tail), QStringList({u"split"_s}));
        QCOMPARE(tail.stats().emptyLines, std::uint64_t(2));
        QCOMPARE(tail.position().offset, std::uint64_t(20));
    }

    void copytruncateStartsOver() {
        append(m_path, "one\ntwo\nthree\n");
        FileTail tail(m_path.toStdString());
        QCOMPARE(pollTexts(tail).size(), qsizetype(3));
        const FilePosition before = tail.position();
        QFile file(m_path);
        QVERIFY(file.resize(0)); // what logrotate's copytruncate does after copying
        append(m_path, "four\n");
        QCOMPARE(pollTexts(tail), QStringList({u"four"_s}));
        QCOMPARE(tail.stats().truncations, std::uint64_t(1));
        QCOMPARE(tail.position(), (FilePosition {before.device, before.inode, 5}));
        QCOMPARE(tail.stats().rotations, std::uint64_t(0));
    }

    void renameRotationFinishesTheOldFileFirst() {
        append(m_path, "a1\na2\n");
        FileTail tail(m_path.toStdString());
        QCOMPARE(pollTexts(tail), QStringList({u"a1"_s, u"a2"_s}));
        const FilePosition oldFile = tail.position();

        append(m_path, "a3\n");
        const QString rotated = m_path + u".1";
        rename(m_path, rotated);
        append(rotated, "a4\n"); // the writer has not reopened yet
        QCOMPARE(pollTexts(tail), QStringList({u"a3"_s, u"a4"_s}));

        append(m_path, QByteArray()); // logrotate's `create`: an empty new file
        append(rotated, "a5\n");
        QCOMPARE(pollTexts(tail), QStringList({u"a5"_s})); // still on the old file: the new one is empty
        QCOMPARE(tail.stats().rotations, std::uint64_t(0));

        append(rotated, "a6 without newline");
        append(m_path, "b1\nb2\n"); // the writer reopened
        const auto lines = pollLines(tail);
        QCOMPARE(texts(lines), QStringList({u"a6 without newline"_s, u"b1"_s, u"b2"_s}));
        QCOMPARE(lines[0].after, (FilePosition {oldFile.device, oldFile.inode, 33}));
        QCOMPARE(lines[2].after, positionIn(m_path, 6));
        QCOMPARE(tail.stats().rotations, std::uint64_t(1));

        append(rotated, "a7\n"); // too late: the old file has been left
        append(m_path, "b3\n");
        QCOMPARE(pollTexts(tail), QStringList({u"b3"_s}));
    }

    void deletedAndRecreated() {
        append(m_path, "old\n");
        FileTail tail(m_path.toStdString());
        QCOMPARE(pollTexts(tail), QStringList({u"old"_s}));
        QVERIFY(QFile::remove(m_path));
        QCOMPARE(pollTexts(tail), QStringList());
        append(m_path, "new\n");
        QCOMPARE(pollTexts(tail), QStringList({u"new"_s}));
        QCOMPARE(tail.stats().rotations, std::uint64_t(1));
    }

    void restartResumesExactlyAtTheSavedPosition() {
        append(m_path, "l1\nl2\nl3\n");
        FilePosition saved;
        {
            FileTail first(m_path.toStdString());
            const auto lines = pollLines(first);
            QCOMPARE(lines.size(), std::size_t(3));
            saved = lines[1].after; // the server acknowledged up to l2
        }
        append(m_path, "l4\n");
        FileTail second(m_path.toStdString());
        second.resumeFrom(saved);
        QCOMPARE(second.position(), saved);
        QCOMPARE(pollTexts(second), QStringList({u"l3"_s, u"l4"_s}));
        QCOMPARE(pollTexts(second), QStringList());
    }

    void restartAfterARotationWhileStopped() {
        append(m_path, "l1\nl2\n");
        FilePosition saved;
        {
            FileTail first(m_path.toStdString());
            QCOMPARE(pollTexts(first).size(), qsizetype(2));
            saved = first.position();
        }
        append(m_path, "l3\n");
        rename(m_path, m_path + u".1");
        append(m_path, "n1\n");
        FileTail second(m_path.toStdString(), FileTailOptions {StartAt::End});
        second.resumeFrom(saved);
        QCOMPARE(pollTexts(second), QStringList({u"l3"_s, u"n1"_s}));
        QCOMPARE(second.stats().rotations, std::uint64_t(1));
        QCOMPARE(second.position(), positionIn(m_path, 3));
    }

    void restartWhenTheSavedFileIsGone() {
        append(m_path, "l1\n");
        FilePosition saved;
        {
            FileTail first(m_path.toStdString());
            QCOMPARE(pollTexts(first).size(), qsizetype(1));
            saved = first.position();
        }
        // Rotated away where it cannot be found (archived elsewhere), then the path recreated.
        QVERIFY(QDir(m_dir->path()).mkdir(u"archive"_s));
        rename(m_path, m_dir->filePath(u"archive/auth.log.1"_s));
        append(m_path, "n1\nn2\n");
        FileTail second(m_path.toStdString(), FileTailOptions {StartAt::End});
        second.resumeFrom(saved);
        QCOMPARE(pollTexts(second), QStringList({u"n1"_s, u"n2"_s}));
    }

    void restartWhenTheFileShrankWhileStopped() {
        append(m_path, "l1\nl2\nl3\n");
        FileTail first(m_path.toStdString());
        QCOMPARE(pollTexts(first).size(), qsizetype(3));
        QFile file(m_path);
        QVERIFY(file.resize(0));
        append(m_path, "x\n");
        FileTail second(m_path.toStdString());
        second.resumeFrom(first.position());
        QCOMPARE(pollTexts(second), QStringList({u"x"_s}));
        QCOMPARE(second.stats().truncations, std::uint64_t(1));
    }

    void missingFileIsWaitedFor() {
        FileTail tail(m_path.toStdString(), FileTailOptions {StartAt::End});
        QCOMPARE(pollTexts(tail), QStringList());
        QVERIFY(!tail.isOpen());
        QCOMPARE(tail.stats().errors, std::uint64_t(0));
        QVERIFY(tail.lastError().empty());
        QVERIFY(!tail.position().isSet());
        // Created after we started: all of it is new, even with start_at: end.
        append(m_path, "hello\n");
        QCOMPARE(pollTexts(tail), QStringList({u"hello"_s}));
        QVERIFY(tail.isOpen());
    }

    void startAtEndSkipsWhatIsThere() {
        append(m_path, "old1\nold2\nbeing writ");
        FileTail tail(m_path.toStdString(), FileTailOptions {StartAt::End});
        QCOMPARE(pollTexts(tail), QStringList());
        QCOMPARE(tail.position(), positionIn(m_path, 10));
        append(m_path, "ten\nnew\n");
        QCOMPARE(pollTexts(tail), QStringList({u"being written"_s, u"new"_s}));
    }

    void startAtBeginningReadsEverything() {
        append(m_path, "old1\nold2\n");
        FileTail tail(m_path.toStdString(), FileTailOptions {StartAt::Beginning});
        QCOMPARE(pollTexts(tail), QStringList({u"old1"_s, u"old2"_s}));
    }

    void longLinesAreCut() {
        FileTailOptions options;
        options.maxLineBytes = 64 * 1024;
        const QByteArray huge(200'000, 'x');
        append(m_path, huge + "\nshort\n");
        FileTail tail(m_path.toStdString(), options);
        auto lines = pollLines(tail);
        QCOMPARE(lines.size(), std::size_t(2));
        QCOMPARE(lines[0].text, std::string(options.maxLineBytes, 'x'));
        QCOMPARE(lines[0].after.offset, std::uint64_t(200'001)); // after the whole line
        QCOMPARE(lines[1].text, std::string("short"));
        QCOMPARE(tail.stats().longLines, std::uint64_t(1));

        // Written in pieces, across polls: still one cut line, handed on once complete.
        append(m_path, QByteArray(40'000, 'y'));
        QCOMPARE(pollTexts(tail), QStringList());
        append(m_path, QByteArray(40'000, 'y'));
        QCOMPARE(pollTexts(tail), QStringList());
        append(m_path, "yyy\r\nafter\n");
        lines = pollLines(tail);
        QCOMPARE(lines.size(), std::size_t(2));
        QCOMPARE(lines[0].text, std::string(options.maxLineBytes, 'y'));
        QCOMPARE(lines[1].text, std::string("after"));
        QCOMPARE(tail.stats().longLines, std::uint64_t(2));

        // Exactly at the bound, with CRLF: not long.
        append(m_path, QByteArray(static_cast<qsizetype>(options.maxLineBytes), 'z') + "\r\n");
        lines = pollLines(tail);
        QCOMPARE(lines.size(), std::size_t(1));
        QCOMPARE(lines[0].text, std::string(options.maxLineBytes, 'z'));
        QCOMPARE(tail.stats().longLines, std::uint64_t(2));
    }

    void startAtEndInsideAnOverlongLine() {
        FileTailOptions options;
        options.startAt = StartAt::End;
        options.maxLineBytes = 100;
        append(m_path, "old\n" + QByteArray(500, 'q'));
        FileTail tail(m_path.toStdString(), options);
        QCOMPARE(pollTexts(tail), QStringList());
        append(m_path, "qqq\nnext\n");
        QCOMPARE(pollTexts(tail), QStringList({u"next"_s})); // the tail of the old line is not a line
    }

    void onePollIsBounded() {
        FileTailOptions options;
        options.maxBytesPerPoll = 10;
        QByteArray data;
        QStringList expected;
        for (int i = 0; i < 20; ++i) {
            data += "line" + QByteArray::number(i) + '\n';
            expected << u"line"_s + QString::number(i);
        }
        append(m_path, data);
        FileTail tail(m_path.toStdString(), options);
        QStringList seen;
        int polls = 0;
        TailPollResult result;
        do {
            seen += texts(pollLines(tail, &result));
            ++polls;
        } while (result.more && polls < 100);
        QCOMPARE(seen, expected);
        QVERIFY(polls >= data.size() / 10);
    }

    void aDirectoryIsNotAFile() {
        QVERIFY(QDir(m_dir->path()).mkdir(u"auth.log"_s));
        FileTail tail(m_path.toStdString());
        QCOMPARE(pollTexts(tail), QStringList());
        QVERIFY(!tail.isOpen());
        QCOMPARE(tail.stats().errors, std::uint64_t(1));
        QVERIFY(QString::fromStdString(tail.lastError()).contains(u"not a regular file"));
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

QTEST_GUILESS_MAIN(TestFileTail)
#include "tst_filetail.moc"
