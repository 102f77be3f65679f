// SPDX-License-Identifier: Apache-2.0
// DiskBuffer on real files: records read back as written, across a reopen; a torn tail and a
// damaged record cut off at recovery with everything before kept; foreign files set aside;
// acknowledged segments deleted; max_size and max_age drops counted; damage found on read.
#include "sentinel/buffer/diskbuffer.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <string>

using namespace vanopticon::sentinel::buffer;
using namespace Qt::StringLiterals;

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;
constexpr std::uint64_t kEverything = ~std::uint64_t {0}; // read(): no upper bound

std::string payloadOf(std::uint64_t id, std::size_t size = 100) {
    std::string payload = "batch " + std::to_string(id) + ":";
    while (payload.size() < size)
        payload += char('a' + payload.size() % 26);
    payload.resize(size);
    return payload;
}

QStringList segmentFiles(const QString &directory, const QString &pattern = QStringLiteral("*.seg")) {
    return QDir(directory).entryList({pattern}, QDir::Files, QDir::Name);
}

qint64 fileSize(const QString &path) {
    return QFileInfo(path).size();
}

} // namespace

class TestDiskBuffer : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_case = 0;
    QString m_path;

    DiskBufferOptions options(std::uint64_t maxBytes = 1 << 20, std::uint64_t segmentBytes = 64 << 10) const {
        DiskBufferOptions o;
        o.directory = m_path.toStdString();
        o.maxBytes = maxBytes;
        o.segmentBytes = segmentBytes;
        return o;
    }

    std::unique_ptr<DiskBuffer> openBuffer(const DiskBufferOptions &o) {
        auto buffer = DiskBuffer::open(o);
        if (!buffer)
            qWarning("%s", buffer.error().message.c_str());
        return buffer ? std::move(*buffer) : nullptr;
    }

    // Appends ids [first, last] with `events` each, then syncs.
    static bool fill(DiskBuffer &buffer, std::uint64_t first, std::uint64_t last, std::size_t size = 100) {
        for (std::uint64_t id = first; id <= last; ++id) {
            if (!buffer.append(id, 10, payloadOf(id, size), {}, kNow))
                return false;
        }
        return bool(buffer.sync());
    }

    static std::vector<std::uint64_t> idsOf(const std::vector<BufferedRecord> &records) {
        std::vector<std::uint64_t> ids;
        for (const BufferedRecord &record : records)
            ids.push_back(record.id);
        return ids;
    }

    static std::vector<std::uint64_t> range(std::uint64_t first, std::uint64_t last) {
        std::vector<std::uint64_t> ids;
        for (std::uint64_t id = first; id <= last; ++id)
            ids.push_back(id);
        return ids;
    }

private Q_SLOTS:
    void init() { m_path = m_dir.filePath(QString::number(++m_case)); }

    void readsBackWhatWasAppended() {
        auto buffer = openBuffer(options());
        QVERIFY(buffer);
        QVERIFY(fill(*buffer, 1, 50));
        QCOMPARE(buffer->pendingRecords(), std::uint64_t(50));
        QCOMPARE(buffer->pendingEvents(), std::uint64_t(500));
        auto records = buffer->read(0, kEverything, 1000, 1 << 30);
        QVERIFY(records);
        QCOMPARE(idsOf(*records), range(1, 50));
        QCOMPARE(records->at(7).payload, payloadOf(8));
        QCOMPARE(records->at(7).events, std::uint32_t(10));
        QCOMPARE(records->at(7).appendedMs, kNow);
        // From an id on, and bounded by count.
        records = buffer->read(45, kEverything, 3, 1 << 30);
        QVERIFY(records);
        QCOMPARE(idsOf(*records), (std::vector<std::uint64_t> {46, 47, 48}));
        QVERIFY(!buffer->append(50, 1, "again", {}, kNow)); // ids only grow
        QVERIFY(!buffer->append(7, 1, "older", {}, kNow));
    }

    void survivesAReopen() {
        {
            auto buffer = openBuffer(options());
            QVERIFY(buffer);
            QVERIFY(fill(*buffer, 100, 400, 1000)); // several segments
            QVERIFY(segmentFiles(m_path).size() > 2);
        }
        auto buffer = openBuffer(options());
        QVERIFY(buffer);
        QCOMPARE(buffer->recovery().records, std::size_t(301));
        QCOMPARE(buffer->recovery().events, std::uint64_t(3010));
        QCOMPARE(buffer->recovery().truncatedBytes, std::uint64_t(0));
        QCOMPARE(buffer->lastId(), std::uint64_t(400));
        auto records = buffer->read(0, kEverything, 1000, 1 << 30);
        QVERIFY(records);
        QCOMPARE(idsOf(*records), range(100, 400));
        QCOMPARE(records->back().payload, payloadOf(400, 1000));
        QVERIFY(buffer->append(401, 1, "new", {}, kNow)); // goes on after the last id
        QVERIFY(!buffer->append(300, 1, "old", {}, kNow));
    }

    // Each record's note comes back with it at recovery, in order, and only intact records'
    // notes: a torn record's note is lost with its batch. read() leaves notes out and stops at
    // `through`.
    void notesComeBackAtRecovery() {
        QString last;
        qint64 wholeSize = 0;
        {
            auto buffer = openBuffer(options());
            QVERIFY(buffer);
            for (std::uint64_t id = 1; id <= 200; ++id) {
                const std::string note = id % 3 == 0 ? std::string() : "checkpoint after " + std::to_string(id);
                QVERIFY(buffer->append(id, 10, payloadOf(id, 700), note, kNow));
            }
            QVERIFY(buffer->sync());
            auto records = buffer->read(0, 120, 1000, 1 << 30);
            QVERIFY(records);
            QCOMPARE(idsOf(*records), range(1, 120));
            QCOMPARE(records->at(9).payload, payloadOf(10, 700)); // without its note
            last = m_path + u'/' + segmentFiles(m_path).constLast();
            wholeSize = fileSize(last);
        }
        QFile file(last);
        QVERIFY(file.resize(wholeSize - 5)); // record 200 loses the end of its note
        std::vector<std::pair<std::uint64_t, std::string>> notes;
        DiskBufferOptions o = options();
        o.recoveredNote = [&](std::uint64_t id, std::string_view note) { notes.emplace_back(id, note); };
        auto buffer = openBuffer(o);
        QVERIFY(buffer);
        QCOMPARE(buffer->lastId(), std::uint64_t(199));
        std::vector<std::pair<std::uint64_t, std::string>> expected;
        for (std::uint64_t id = 1; id <= 199; ++id) {
            if (id % 3 != 0)
                expected.emplace_back(id, "checkpoint after " + std::to_string(id));
        }
        QCOMPARE(notes, expected);
    }

    // A crash in the middle of a write leaves half a record: it is cut off, the rest kept.
    void tornTailIsCutOff() {
        QString last;
        qint64 wholeSize = 0;
        {
            auto buffer = openBuffer(options());
            QVERIFY(buffer);
            QVERIFY(fill(*buffer, 1, 20, 500));
            last = m_path + u'/' + segmentFiles(m_path).constLast();
            wholeSize = fileSize(last);
        }
        QFile file(last);
        QVERIFY(file.resize(wholeSize - 200)); // record 20 loses its end
        auto buffer = openBuffer(options());
        QVERIFY(buffer);
        QCOMPARE(buffer->recovery().records, std::size_t(19));
        QCOMPARE(buffer->recovery().segmentsTruncated, std::size_t(1));
        QCOMPARE(buffer->recovery().truncatedBytes, std::uint64_t(500 + kRecordHeaderBytes - 200));
        QVERIFY(QString::fromStdString(buffer->recovery().problems.front()).contains(u"cut short"));
        QCOMPARE(fileSize(last), wholeSize - qint64(500 + kRecordHeaderBytes));
        QVERIFY(buffer->append(20, 10, payloadOf(20, 500), {}, kNow)); // the id was never stored
        QVERIFY(buffer->sync());
        auto records = buffer->read(0, kEverything, 1000, 1 << 30);
        QVERIFY(records);
        QCOMPARE(idsOf(*records), range(1, 20));
    }

    // A record changed on disk: it and everything after it in its segment are cut off.
    void damagedRecordIsCutOff() {
        {
            auto buffer = openBuffer(options());
            QVERIFY(buffer);
            QVERIFY(fill(*buffer, 1, 10));
        }
        const QString path = m_path + u'/' + segmentFiles(m_path).constFirst();
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        const qint64 record6 = qint64(kSegmentMagic.size() + 5 * (kRecordHeaderBytes + 100));
        QVERIFY(file.seek(record6 + qint64(kRecordHeaderBytes) + 50));
        QVERIFY(file.write("X", 1) == 1);
        file.close();
        auto buffer = openBuffer(options());
        QVERIFY(buffer);
        QCOMPARE(buffer->recovery().records, std::size_t(5));
        QVERIFY(QString::fromStdString(buffer->recovery().problems.front()).contains(u"CRC"));
        QCOMPARE(fileSize(path), record6);
    }

    void foreignFilesAreSetAside() {
        QVERIFY(QDir().mkpath(m_path));
        QFile foreign(m_path + u"/00000000000000000001.seg"_s);
        QVERIFY(foreign.open(QIODevice::WriteOnly));
        foreign.write("not a segment at all");
        foreign.close();
        QFile other(m_path + u"/notes.txt"_s); // not named like a segment: left alone
        QVERIFY(other.open(QIODevice::WriteOnly));
        other.close();
        auto buffer = openBuffer(options());
        QVERIFY(buffer);
        QCOMPARE(buffer->recovery().segmentsSetAside, std::size_t(1));
        QCOMPARE(segmentFiles(m_path, u"*.corrupt"_s), QStringList {u"00000000000000000001.seg.corrupt"_s});
        QVERIFY(QFile::exists(m_path + u"/notes.txt"_s));
        QVERIFY(fill(*buffer, 5, 6)); // and the buffer works
    }

    // Segments go once everything in them is acknowledged; the one being written stays.
    void acknowledgedSegmentsAreDeleted() {
        auto buffer = openBuffer(options());
        QVERIFY(buffer);
        QVERIFY(fill(*buffer, 1, 300, 1000));
        const qsizetype segments = segmentFiles(m_path).size();
        QVERIFY(segments >= 4);
        for (std::uint64_t id = 1; id <= 300; id += 2) // out of order, and twice
            buffer->acknowledge(id);
        buffer->acknowledge(1);
        QCOMPARE(segmentFiles(m_path).size(), segments); // every segment still has one waiting
        QCOMPARE(buffer->pendingRecords(), std::uint64_t(150));
        auto records = buffer->read(0, kEverything, 1000, 1 << 30);
        QVERIFY(records);
        QCOMPARE(records->size(), std::size_t(150));
        QCOMPARE(records->front().id, std::uint64_t(2));
        for (std::uint64_t id = 2; id <= 300; id += 2)
            buffer->acknowledge(id);
        QCOMPARE(buffer->pendingRecords(), std::uint64_t(0));
        QCOMPARE(segmentFiles(m_path).size(), 1); // the active one
        QCOMPARE(buffer->counters().recordsAcknowledged, std::uint64_t(300));
        // Its records are acknowledged too: after a restart nothing is sent again.
        buffer.reset();
        buffer = openBuffer(options());
        QVERIFY(buffer);
        QVERIFY(buffer->recovery().records > 0); // the last segment's, acknowledged or not
        QVERIFY(buffer->recovery().records < std::size_t(300 / (segments - 1)));
    }

    // Over max_size the oldest segments are dropped and counted; the newest records stay.
    void overflowDropsTheOldestAndCounts() {
        auto buffer = openBuffer(options(256 << 10, 64 << 10));
        QVERIFY(buffer);
        QVERIFY(fill(*buffer, 1, 1000, 1000)); // ~1 MB into 256 KiB
        QVERIFY(buffer->bytes() <= std::uint64_t(256 << 10));
        const DiskBuffer::Counters &counters = buffer->counters();
        QCOMPARE(counters.eventsDroppedOverflow + buffer->pendingEvents(), std::uint64_t(10000));
        QVERIFY(counters.eventsDroppedOverflow > 0);
        auto records = buffer->read(0, kEverything, 10000, 1 << 30);
        QVERIFY(records);
        QCOMPARE(records->back().id, std::uint64_t(1000));
        QCOMPARE(idsOf(*records), range(records->front().id, 1000)); // a contiguous newest part
    }

    void expiryDropsOldSegmentsAndCounts() {
        DiskBufferOptions o = options();
        o.maxAge = std::chrono::hours(1);
        auto buffer = openBuffer(o);
        QVERIFY(buffer);
        for (std::uint64_t id = 1; id <= 200; ++id)
            QVERIFY(buffer->append(id, 3, payloadOf(id, 1000), {}, kNow + std::int64_t(id) * 60'000));
        // An hour after record 100 was written, the segments that end before it are gone.
        const std::uint64_t dropped = buffer->expire(kNow + 160 * 60'000);
        QVERIFY(dropped > 0);
        QCOMPARE(dropped, buffer->counters().eventsDroppedExpired);
        QCOMPARE(dropped + buffer->pendingEvents(), std::uint64_t(600));
        auto records = buffer->read(0, kEverything, 1000, 1 << 30);
        QVERIFY(records);
        QVERIFY(records->front().appendedMs >= kNow + 100 * 60'000 - 60 * 60'000);
        QVERIFY(records->front().id <= 100);
        const std::uint64_t remaining = buffer->pendingEvents();
        QCOMPARE(buffer->expire(kNow + 1000 * 60'000), remaining);
        QCOMPARE(buffer->pendingEvents(), std::uint64_t(0));
    }

    // Damage after a record was written is found when it is read back: skipped and counted.
    void damageFoundOnReadIsCounted() {
        auto buffer = openBuffer(options());
        QVERIFY(buffer);
        QVERIFY(fill(*buffer, 1, 5));
        const QString path = m_path + u'/' + segmentFiles(m_path).constFirst();
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.seek(qint64(kSegmentMagic.size() + 2 * (kRecordHeaderBytes + 100) + kRecordHeaderBytes)));
        QVERIFY(file.write("#", 1) == 1);
        file.close();
        auto records = buffer->read(0, kEverything, 100, 1 << 30);
        QVERIFY(records);
        QCOMPARE(idsOf(*records), (std::vector<std::uint64_t> {1, 2, 4, 5}));
        QCOMPARE(buffer->counters().eventsDroppedCorrupt, std::uint64_t(10));
        QCOMPARE(buffer->pendingRecords(), std::uint64_t(4));
    }

    void refusesWhatCannotFit() {
        QVERIFY(!DiskBuffer::open(DiskBufferOptions {}));
        DiskBufferOptions tiny = options(1024);
        QVERIFY(!DiskBuffer::open(tiny));
        auto buffer = openBuffer(options(256 << 10));
        QVERIFY(buffer);
        QVERIFY(!buffer->append(1, 1, std::string(300 << 10, 'x'), {}, kNow));
        QVERIFY(buffer->append(1, 1, "fits", {}, kNow));
    }
};

QTEST_GUILESS_MAIN(TestDiskBuffer)
#include "tst_diskbuffer.moc"
