// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/filesource.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace vanopticon::sentinel;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

namespace {

void append(const QString &path, const QByteArray &data) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Append));
    QCOMPARE(file.write(data), data.size());
}

FilePosition positionIn(const QString &path, std::uint64_t offset) {
    struct stat st { };
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return {};
    return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino), offset};
}

SourceConfig sourceFor(const QString &path, std::chrono::milliseconds interval) {
    SourceConfig config;
    config.path = path.toStdString();
    config.pollInterval = interval;
    return config;
}

QStringList linesOf(const QSignalSpy &spy) {
    QStringList lines;
    for (const QList<QVariant> &arguments : spy) {
        const auto chunk = arguments.at(0).value<LineChunk>();
        for (std::size_t i = 0; i < chunk.size(); ++i)
            lines << QString::fromStdString(std::string(chunk.line(i)));
    }
    return lines;
}

LineChunk lastChunk(const QSignalSpy &spy) {
    return spy.isEmpty() ? LineChunk() : spy.last().at(0).value<LineChunk>();
}

} // namespace

class TestFileSource : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_path = m_dir->filePath(u"auth.log"_s);
    }

    void chunksPackLines() {
        LineChunk chunk;
        QVERIFY(chunk.empty());
        chunk.append("one");
        chunk.append("");
        chunk.append("three");
        chunk.setEnd(FilePosition {1, 2, 3});
        QCOMPARE(chunk.size(), std::size_t(3));
        QCOMPARE(chunk.line(0), std::string_view("one"));
        QCOMPARE(chunk.line(1), std::string_view(""));
        QCOMPARE(chunk.line(2), std::string_view("three"));
        QCOMPARE(chunk.bytes(), std::size_t(8));
        QCOMPARE(chunk.end(), (FilePosition {1, 2, 3}));
    }

    void timerPollsAndEmitsChunks() {
        append(m_path, "a\nb\n");
        FileSource source(sourceFor(m_path, 20ms));
        QSignalSpy spy(&source, &FileSource::linesRead);
        source.start();
        QVERIFY(source.isRunning());
        QTRY_COMPARE(linesOf(spy), QStringList({u"a"_s, u"b"_s}));
        QCOMPARE(lastChunk(spy).end(), positionIn(m_path, 4));
        append(m_path, "c\n");
        QTRY_COMPARE(linesOf(spy), QStringList({u"a"_s, u"b"_s, u"c"_s}));
        QCOMPARE(lastChunk(spy).end(), positionIn(m_path, 6));
        QCOMPARE(source.position(), positionIn(m_path, 6));
        QCOMPARE(source.stats().linesRead, std::uint64_t(3));
        source.stop();
        QVERIFY(!source.isRunning());
    }

    // With an hour between timer polls, only the file system watcher can bring these lines in.
    void watcherWakesTheSource() {
        FileSource source(sourceFor(m_path, 1h));
        QSignalSpy spy(&source, &FileSource::linesRead);
        source.start();
        append(m_path, "created\n");
        QTRY_COMPARE(linesOf(spy), QStringList({u"created"_s}));
        append(m_path, "appended\n");
        QTRY_COMPARE(linesOf(spy), QStringList({u"created"_s, u"appended"_s}));

        const QString rotated = m_path + u".1";
        QVERIFY(QFile::rename(m_path, rotated));
        append(rotated, "late in the old file\n");
        append(m_path, "in the new file\n");
        QTRY_COMPARE(
            linesOf(spy), QStringList({u"created"_s, u"appended"_s, u"late in the old file"_s, u"in the new file"_s}));
        QCOMPARE(source.stats().rotations, std::uint64_t(1));
        QCOMPARE(lastChunk(spy).end(), positionIn(m_path, 16));

        append(m_path, "after rotation\n");
        QTRY_COMPARE(linesOf(spy).size(), qsizetype(5));
        QCOMPARE(linesOf(spy).last(), u"after rotation"_s);
    }

    void resumesFromAnAcknowledgedPosition() {
        append(m_path, "acknowledged\nnot yet\n");
        FileSource source(sourceFor(m_path, 20ms));
        source.resumeFrom(positionIn(m_path, 13));
        QSignalSpy spy(&source, &FileSource::linesRead);
        source.start();
        QTRY_COMPARE(linesOf(spy), QStringList({u"not yet"_s}));
    }

    void startAtEndFromConfig() {
        append(m_path, "history\n");
        SourceConfig config = sourceFor(m_path, 20ms);
        config.startAt = StartAt::End;
        FileSource source(config);
        QSignalSpy spy(&source, &FileSource::linesRead);
        source.start();
        QTRY_COMPARE(source.position(), positionIn(m_path, 8));
        append(m_path, "fresh\n");
        QTRY_COMPARE(linesOf(spy), QStringList({u"fresh"_s}));
    }

    void errorsAreReportedOnce() {
        QVERIFY(QDir(m_dir->path()).mkdir(u"auth.log"_s));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"auth\\.log: not a regular file"_s));
        FileSource source(sourceFor(m_path, 10ms));
        source.start();
        QTRY_VERIFY(source.stats().errors >= 3); // retried on every poll, warned about once
        QVERIFY(QString::fromStdString(source.lastError()).contains(u"not a regular file"));
    }

    void pollNowWithoutStart() {
        append(m_path, "manual\n");
        FileSource source(sourceFor(m_path, 20ms));
        QSignalSpy spy(&source, &FileSource::linesRead);
        source.pollNow();
        QCOMPARE(linesOf(spy), QStringList({u"manual"_s}));
        QVERIFY(!source.isRunning());
    }

    // One poll that reads more than the chunk limit emits several chunks, each ending at the
    // position just after its own last line, so each can be checkpointed on its own.
    void chunksAreCutAtTheLineLimit() {
        append(m_path, "one\ntwo\nthree\n\nfour\nfive\n\n");
        FileSource source(sourceFor(m_path, 20ms));
        source.setMaxChunkLines(2);
        QSignalSpy spy(&source, &FileSource::linesRead);
        source.pollNow();
        QCOMPARE(spy.size(), 3);
        QCOMPARE(linesOf(spy), QStringList({u"one"_s, u"two"_s, u"three"_s, u"four"_s, u"five"_s}));
        QCOMPARE(spy.at(0).at(0).value<LineChunk>().end(), positionIn(m_path, 8)); // after "two\n"
        QCOMPARE(spy.at(1).at(0).value<LineChunk>().end(), positionIn(m_path, 20)); // after "four\n"
        QCOMPARE(lastChunk(spy).end(), positionIn(m_path, 26)); // the empty lines after "five" too
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

QTEST_GUILESS_MAIN(TestFileSource)
#include "tst_filesource.moc"
