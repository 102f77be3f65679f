// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/evtx/evtxconfig.h"
#include "sentinel/collect/evtx/evtxsource.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtEndian>
#include <QTest>

#include <sys/stat.h>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

namespace {

const QString kRegressionData = QStringLiteral(VANOPTICON_TEST_DATA_DIR "/sigma/regression_data");

// Cases with 1, 2 and 3 records.
QString caseFile(const QString &folder) {
    QDirIterator it(kRegressionData, {u"*.evtx"_s}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (path.contains(u"/"_s + folder + u"/"_s))
            return path;
    }
    qFatal("no regression case %s", qPrintable(folder));
}
const char *const kOneRecord = "proc_creation_win_malware_grixba_recon";
const char *const kTwoRecords = "proc_creation_win_dtrace_kernel_dump";
const char *const kThreeRecords = "proc_creation_win_findstr_recon_everyone";

Result<EvtxConfig> parse(const QByteArray &yaml) {
    auto root = config::Section::loadString(yaml.toStdString(), "sentinel.yaml");
    if (!root)
        return root.error();
    auto entries = root->child("collector").child("sources").elements();
    if (!entries)
        return entries.error();
    if (entries->size() != 1)
        return makeError("expected one entry");
    return parseEvtxConfig(entries->front());
}

struct Collected {
    QStringList records; // "<Computer>/<EventRecordID>"
    std::optional<std::string> checkpoint;
    int deliveries = 0;
};

void collect(EvtxSource &source, Collected &collected) {
    const FieldId recordId = internField("EventRecordID");
    source.setSink([&collected, recordId](Delivery &&delivery) {
        ++collected.deliveries;
        for (const Event &event : delivery.events.events()) {
            const std::string_view host = event.value(field::Host);
            const std::string_view id = event.value(recordId);
            collected.records.append(QString::fromUtf8(host.data(), qsizetype(host.size())) + u"/"_s
                + QString::fromUtf8(id.data(), qsizetype(id.size())));
        }
        if (delivery.checkpoint)
            collected.checkpoint = delivery.checkpoint;
    });
}

EvtxConfig configFor(const QString &path) {
    EvtxConfig config;
    config.path = path.toStdString();
    return config;
}

void copyCase(const char *folder, const QString &to) {
    QFile::remove(to);
    QVERIFY(QFile::copy(caseFile(QString::fromLatin1(folder)), to));
}

// Where the binary XML of the record numbered `number` starts in an .evtx file: after the file
// header (4 KiB) and the first chunk's header (512 bytes), records follow one another, each
// "**\0\0", its size (32 bits), its number (64 bits), its time (64 bits), then its binary XML.
qsizetype recordData(const QByteArray &file, quint64 number) {
    qsizetype at = 4096 + 512;
    while (at + 24 <= file.size() && file.mid(at, 4) == QByteArray("**\0\0", 4)) {
        const auto size = qFromLittleEndian<quint32>(file.constData() + at + 4);
        if (qFromLittleEndian<quint64>(file.constData() + at + 8) == number)
            return at + 24;
        if (size < 24)
            break;
        at += size;
    }
    return -1;
}

} // namespace

class TestEvtxSource : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void config() {
        auto config = parse("collector:\n  sources:\n    - type: evtx\n      path: /srv/import/*.evtx\n");
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QCOMPARE(config->path, std::string("/srv/import/*.evtx"));
        QVERIFY(!config->includeRecovered);
        config
            = parse("collector:\n  sources:\n    - type: evtx\n      path: /x.evtx\n      include_recovered: true\n");
        QVERIFY(config.ok() && config->includeRecovered);
    }

    void configErrors_data() {
        QTest::addColumn<QByteArray>("entry");
        QTest::addColumn<QString>("message");
        QTest::addRow("unknown setting") << QByteArray("type: evtx\n      path: /x.evtx\n      recursive: true\n")
                                         << u"sentinel.yaml:5:7: collector.sources[0]: unknown setting 'recursive' "
                                            "(expected one of: type, path, include_recovered)"_s;
        QTest::addRow("no path") << QByteArray("type: evtx\n") << u"sentinel.yaml:3:7: collector.sources[0]"_s;
        QTest::addRow("relative path") << QByteArray("type: evtx\n      path: logs/*.evtx\n")
                                       << u"sentinel.yaml:4:13: collector.sources[0].path: expected an absolute path, "
                                          "got 'logs/*.evtx'"_s;
        QTest::addRow("not a boolean") << QByteArray(
            "type: evtx\n      path: /x.evtx\n      include_recovered: maybe\n")
                                       << u"sentinel.yaml:5:26: collector.sources[0].include_recovered"_s;
        QTest::addRow("other type")
            << QByteArray("type: syslog\n      path: /x.evtx\n")
            << u"sentinel.yaml:3:13: collector.sources[0].type: expected type evtx, got 'syslog'"_s;
    }

    void configErrors() {
        QFETCH(QByteArray, entry);
        QFETCH(QString, message);
        const auto config = parse("collector:\n  sources:\n    - " + entry);
        QVERIFY(!config.ok());
        QVERIFY2(QString::fromStdString(config.error().message).startsWith(message), config.error().message.c_str());
    }

    // A glob over the real files: every record of every file arrives once, then the source is done.
    void importsEveryFileOfAGlob() {
        const QString pattern = kRegressionData + u"/rules/windows/process_creation/proc_creation_win_[a-d]*/*.evtx"_s;
        EvtxSource source(configFor(pattern), SyslogContext {});
        Collected collected;
        collect(source, collected);
        source.start();
        QTRY_VERIFY(source.isFinished());
        const QJsonObject status = source.status();
        QVERIFY(status[u"files_found"_s].toInt() >= 10);
        QCOMPARE(status[u"files_done"_s].toInt(), status[u"files_found"_s].toInt());
        QCOMPARE(status[u"failed_records"_s].toInt(), 0);
        QCOMPARE(status[u"errors"_s].toInt(), 0);
        QCOMPARE(qint64(collected.records.size()), status[u"events"_s].toInteger());
        QCOMPARE(qint64(source.counters().in), status[u"records"_s].toInteger());
        QCOMPARE(qint64(source.counters().out), status[u"events"_s].toInteger());
        QVERIFY(status[u"recovered_not_read"_s].toInt() > 0); // these files have slack records
        QVERIFY(status[u"finished"_s].toBool());
    }

    void resumesWithoutRepeatingAndRereadsReplacedFiles() {
        QTemporaryDir dir;
        copyCase(kOneRecord, dir.filePath(u"a.evtx"_s));
        copyCase(kTwoRecords, dir.filePath(u"b.evtx"_s));
        const QString pattern = dir.filePath(u"*.evtx"_s);
        std::string checkpoint;
        {
            EvtxSource first(configFor(pattern), SyslogContext {});
            Collected collected;
            collect(first, collected);
            first.start();
            QTRY_VERIFY(first.isFinished());
            QCOMPARE(collected.records.size(), 3);
            QVERIFY(collected.checkpoint.has_value());
            checkpoint = *collected.checkpoint;
        }
        copyCase(kThreeRecords, dir.filePath(u"c.evtx"_s)); // new
        copyCase(kThreeRecords, dir.filePath(u"b.evtx"_s)); // replaced: another file under the old name
        EvtxSource second(configFor(pattern), SyslogContext {});
        QVERIFY(second.resume(checkpoint).ok());
        Collected collected;
        collect(second, collected);
        second.start();
        QTRY_VERIFY(second.isFinished());
        QCOMPARE(collected.records.size(), 6); // b and c; not a again
        const QJsonObject saved = QJsonDocument::fromJson(QByteArray::fromStdString(*collected.checkpoint)).object();
        QCOMPARE(saved.size(), 3);
        QVERIFY(saved[dir.filePath(u"c.evtx"_s)].toString().endsWith(u":3"_s));
    }

    void resumesWithinAFile() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"three.evtx"_s);
        copyCase(kThreeRecords, path);
        struct stat info { };
        QCOMPARE(::stat(path.toLocal8Bit().constData(), &info), 0);
        const std::int64_t mtimeNs = std::int64_t(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
        const QJsonObject checkpoint {{path,
            QString(QString::number(info.st_dev) + u":"_s + QString::number(info.st_ino) + u":"_s
                + QString::number(info.st_size) + u":"_s + QString::number(mtimeNs) + u":2"_s)}};

        EvtxSource whole(configFor(path), SyslogContext {});
        Collected all;
        collect(whole, all);
        whole.start();
        QTRY_VERIFY(whole.isFinished());
        QCOMPARE(all.records.size(), 3);

        EvtxSource rest(configFor(path), SyslogContext {});
        QVERIFY(rest.resume(QJsonDocument(checkpoint).toJson().toStdString()).ok());
        Collected collected;
        collect(rest, collected);
        rest.start();
        QTRY_VERIFY(rest.isFinished());
        QCOMPARE(collected.records, QStringList {all.records.last()});
    }

    void refusesAnUnreadableCheckpoint() {
        EvtxSource source(configFor(u"/nonexistent/*.evtx"_s), SyslogContext {});
        QVERIFY(!source.resume("not json").ok());
        QVERIFY(!source.resume(R"({"/x.evtx":"1:2:3"})").ok());
        QVERIFY(!source.resume(R"({"/x.evtx":"1:2:3:4:-1"})").ok());
        QVERIFY(!source.resume(R"({"/x.evtx":"1:2:3:x:5"})").ok());
        QVERIFY(source.resume(R"({"/x.evtx":"1:2:3:4:5"})").ok());
        QVERIFY(source.resume("").ok());
    }

    // A file that is no .evtx, or has gone, is counted and named; the other files are read.
    void unreadableFilesAreCountedAndSkipped() {
        QTemporaryDir dir;
        QFile junk(dir.filePath(u"a-junk.evtx"_s));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(8192, 'x'));
        junk.close();
        copyCase(kTwoRecords, dir.filePath(u"b.evtx"_s));
        EvtxSource source(configFor(dir.filePath(u"*.evtx"_s)), SyslogContext {});
        Collected collected;
        collect(source, collected);
        source.start();
        QTRY_VERIFY(source.isFinished());
        QCOMPARE(collected.records.size(), 2);
        const QJsonObject status = source.status();
        QCOMPARE(status[u"unreadable_files"_s].toInt(), 1);
        QCOMPARE(status[u"errors"_s].toInt(), 1);
        QVERIFY(status[u"file_errors"_s].toArray().first().toString().contains(u"a-junk.evtx"_s));

        EvtxSource missing(configFor(dir.filePath(u"none-*.evtx"_s)), SyslogContext {});
        missing.start();
        QTRY_VERIFY(missing.isFinished());
        QVERIFY(missing.status()[u"file_errors"_s].toArray().first().toString().startsWith(u"no file matches"_s));
    }

    // A damaged record is counted and kept with its index, its number when libevtx can read its
    // header, and the reason; the records around it are imported. The damage is done at test time
    // to a copy of a real three-record file, in its second record's binary XML (a fragment header,
    // then a Sysmon template instance: 0f 01 01 00 0c …, the values' count at +14 and their
    // descriptors from +18, EventID the fourth: 2 bytes of type 0x06, UInt16).
    void damagedRecordsAreKeptWithNumberAndReason_data() {
        QTest::addColumn<int>("offset"); // into the record's binary XML
        QTest::addColumn<int>("byte");
        QTest::addColumn<quint64>("recordNumber");
        QTest::addColumn<QString>("reason");
        QTest::addRow("binary XML unreadable") << 0 << 0xFF << quint64(0) << u"cannot read the record"_s;
        QTest::addRow("EventID gone") << 18 + 4 * 3 + 2 << 0x00 << quint64(2) << u"EventID missing or not a number"_s;
    }

    void damagedRecordsAreKeptWithNumberAndReason() {
        QFETCH(int, offset);
        QFETCH(int, byte);
        QFETCH(quint64, recordNumber);
        QFETCH(QString, reason);
        QFile original(caseFile(QString::fromLatin1(kThreeRecords)));
        QVERIFY(original.open(QIODevice::ReadOnly));
        QByteArray file = original.readAll();
        const qsizetype data = recordData(file, 2);
        QVERIFY(data > 0);
        QCOMPARE(file.mid(data, 5), QByteArray::fromHex("0f0101000c"));
        QVERIFY(qFromLittleEndian<quint32>(file.constData() + data + 14) > 3);
        QCOMPARE(file.mid(data + 18 + 4 * 3, 3), QByteArray::fromHex("020006"));
        file[data + offset] = char(byte);

        QTemporaryDir dir;
        const QString path = dir.filePath(u"damaged.evtx"_s);
        QFile copy(path);
        QVERIFY(copy.open(QIODevice::WriteOnly) && copy.write(file) == file.size());
        copy.close();

        EvtxSource source(configFor(path), SyslogContext {});
        Collected collected;
        collect(source, collected);
        source.start();
        QTRY_VERIFY(source.isFinished());
        QCOMPARE(collected.records.size(), 2);
        QVERIFY(!collected.records.join(u' ').contains(u"/2"_s));
        const EvtxImportStats &stats = source.importer().stats();
        QCOMPARE(stats.records, 3u);
        QCOMPARE(stats.events, 2u);
        QCOMPARE(stats.failed, 1u);
        QCOMPARE(source.importer().recentFailures().size(), std::size_t(1));
        const EvtxFailure &failure = source.importer().recentFailures().front();
        QCOMPARE(QString::fromStdString(failure.path), path);
        QCOMPARE(failure.index, 1);
        QCOMPARE(failure.recordNumber, recordNumber);
        QVERIFY(!failure.recovered);
        QVERIFY2(QString::fromStdString(failure.reason).startsWith(reason), failure.reason.c_str());

        const QJsonObject status = source.status();
        QCOMPARE(status[u"failed_records"_s].toInt(), 1);
        QCOMPARE(status[u"errors"_s].toInt(), 1);
        const QJsonObject kept = status[u"recent_failures"_s].toArray().first().toObject();
        QCOMPARE(kept[u"index"_s].toInt(), 1);
        QCOMPARE(kept[u"record"_s].toInteger(), qint64(recordNumber));
        QVERIFY(kept[u"reason"_s].toString().startsWith(reason));
    }

    void pausesAndContinues() {
        QTemporaryDir dir;
        copyCase(kThreeRecords, dir.filePath(u"c.evtx"_s));
        EvtxSource source(configFor(dir.filePath(u"c.evtx"_s)), SyslogContext {});
        Collected collected;
        collect(source, collected);
        source.start();
        source.stop(); // before the event loop ran: nothing read yet
        QTest::qWait(50);
        QCOMPARE(collected.deliveries, 0);
        QVERIFY(!source.isFinished());
        source.start();
        QTRY_VERIFY(source.isFinished());
        QCOMPARE(collected.records.size(), 3);
    }

    // Recovered records are only read when asked for; the regression files have slack records,
    // most of them too damaged to read: each is counted with its reason, and nothing crashes.
    void recoveredRecordsOnRequest() {
        const QString path = caseFile(QString::fromLatin1(kTwoRecords));
        EvtxConfig config = configFor(path);
        config.includeRecovered = true;
        EvtxSource source(config, SyslogContext {});
        Collected collected;
        collect(source, collected);
        source.start();
        QTRY_VERIFY(source.isFinished());
        const QJsonObject status = source.status();
        QVERIFY(status[u"records"_s].toInt() > 2);
        QCOMPARE(status[u"records"_s].toInt(), status[u"events"_s].toInt() + status[u"failed_records"_s].toInt());
        QCOMPARE(status[u"recovered_not_read"_s].toInt(), 0);
        QVERIFY(collected.records.size() >= 2);
        for (const QJsonValue &failure : status[u"recent_failures"_s].toArray()) {
            QVERIFY(failure[u"recovered"_s].toBool());
            QVERIFY(!failure[u"reason"_s].toString().isEmpty());
        }
    }
};

QTEST_GUILESS_MAIN(TestEvtxSource)
#include "tst_evtxsource.moc"
