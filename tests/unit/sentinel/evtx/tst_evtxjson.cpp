// SPDX-License-Identifier: Apache-2.0
// EvtxJsonReader: evtx_dump-style JSON → events. SigmaHQ's regression data has every case as a
// .evtx file and as evtx_dump's JSON beside it: the events read from each .json must be the
// events the existing .evtx import makes from the .evtx beside it. Then the JSON shapes one by
// one against the XML they stand for, and hostile input.
#include "evtxjsonsamples.h"
#include "sentinel/collect/evtx/evtximporter.h"
#include "sentinel/collect/evtx/evtxjson.h"

#include <QDirIterator>
#include <QFile>
#include <QTest>

#include <optional>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

namespace {

const QString kRegressionData = QStringLiteral(VANOPTICON_TEST_DATA_DIR "/sigma/regression_data");
constexpr std::int64_t kNowNs = 1'700'000'000'000'000'000;

SyslogContext testContext() {
    SyslogContext context;
    context.nowNs = kNowNs;
    context.hostName = "importer";
    return context;
}

QStringList jsonFiles() {
    QStringList files;
    QDirIterator it(kRegressionData, {u"*.json"_s}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(it.next());
    files.sort();
    return files;
}

QByteArray readAll(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

QString text(std::string_view value) {
    return QString::fromUtf8(value.data(), qsizetype(value.size()));
}

QString fieldText(const Event &event, std::string_view name) {
    const std::optional<FieldId> id = FieldRegistry::instance().find(name);
    if (!id || !event.has(*id))
        return u"<absent>"_s;
    return text(event.value(*id));
}

// name → value of every field but `raw`.
QMap<QString, QString> fieldsOf(const Event &event) {
    QMap<QString, QString> fields;
    for (const Field &field : event.fields()) {
        if (field.id != field::Raw)
            fields.insert(text(fieldName(field.id)), text(field.value));
    }
    return fields;
}

struct Read {
    EventBatch batch;
    std::optional<Error> error;
    std::size_t count = 0;
    std::vector<std::size_t> positions;
    EvtxJsonStats stats;
    EvtxFieldStats fieldStats;
    std::deque<EvtxJsonFailure> failures;
};

Read readJson(std::string_view json) {
    Read read;
    EvtxJsonReader reader;
    Result<std::size_t> result = reader.read(json, testContext(), read.batch);
    if (result)
        read.count = *result;
    else
        read.error = result.error();
    read.positions.assign(reader.positions().begin(), reader.positions().end());
    read.stats = reader.stats();
    read.fieldStats = reader.fieldStats();
    read.failures = reader.recentFailures();
    return read;
}

EventBatch importEvtx(const QString &path) {
    EventBatch batch;
    EvtxImporter importer(testContext());
    if (auto opened = importer.open(path.toStdString()); !opened)
        qFatal("%s", opened.error().message.c_str());
    while (!importer.readSome(batch, 64)) { }
    if (importer.stats().failed != 0)
        qFatal("%s: %llu records failed", qPrintable(path), qulonglong(importer.stats().failed));
    return batch;
}

// The event parseEvtxEvent makes from a record's XML.
EventBatch fromXml(const std::string &xml) {
    EventBatch batch;
    if (const ParseOutcome outcome = parseEvtxEvent(xml, testContext(), batch); !outcome)
        qFatal("XML sample refused: %.*s", int(outcome.failure.size()), outcome.failure.data());
    return batch;
}

} // namespace

class TestEvtxJson : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        // 152 cases with a .json beside their .evtx: fewer means the material is missing.
        QVERIFY2(jsonFiles().size() >= 150,
            qPrintable(u"found %1 .json files under "_s.arg(jsonFiles().size()) + kRegressionData));
    }

    // --- SigmaHQ regression data: .json and .evtx give the same events ---------------------

    void everyCaseEqualsItsEvtx_data() {
        QTest::addColumn<QString>("path");
        for (const QString &path : jsonFiles())
            QTest::newRow(qPrintable(QDir(kRegressionData).relativeFilePath(path))) << path;
    }

    // Every field of every event, both ways, except `raw` (the JSON text, not the XML) and what
    // the JSON does not hold: TimeCreated in 100 ns units (evtx_dump writes microseconds,
    // truncated) and trailing white space evtx_dump trims from values.
    void everyCaseEqualsItsEvtx() {
        QFETCH(QString, path);
        const QByteArray json = readAll(path);
        const Read read = readJson(std::string_view(json.constData(), std::size_t(json.size())));
        QVERIFY2(!read.error, read.error ? read.error->message.c_str() : "");
        for (const EvtxJsonFailure &failure : read.failures)
            qWarning("object %zu (line %zu): %s", failure.position, failure.line, failure.reason.c_str());
        QCOMPARE(read.stats.failed, 0u);
        QVERIFY(read.count > 0);
        QCOMPARE(read.batch.size(), read.count);
        QCOMPARE(read.stats.events, std::uint64_t(read.count));
        std::vector<std::size_t> expectedPositions(read.count);
        for (std::size_t i = 0; i < read.count; ++i)
            expectedPositions[i] = i + 1;
        QCOMPARE(read.positions, expectedPositions);

        const QString evtxPath = path.chopped(5) + u".evtx"_s;
        QVERIFY2(QFile::exists(evtxPath), qPrintable(evtxPath));
        const EventBatch evtx = importEvtx(evtxPath);
        QCOMPARE(evtx.size(), read.batch.size());

        // One case's JSON was not written by evtx_dump from its .evtx: its times have all nine
        // digits and some values differ in letter case (Explorer.exe / Explorer.EXE), which
        // Sigma's matching ignores. Only there are such differences allowed, and they must occur.
        const bool writtenOtherwise = path.endsWith(u"/ad691d92-15f2-4181-9aa4-723c74f9ddc3.json"_s);
        int caseDifferences = 0;
        int valuesCompared = 0;
        for (std::size_t i = 0; i < read.batch.size(); ++i) {
            const Event &fromJson = read.batch.events()[i];
            const QString recordId = fieldText(fromJson, "EventRecordID");
            const Event *fromEvtx = nullptr;
            for (const Event &candidate : evtx.events()) {
                if (fieldText(candidate, "EventRecordID") == recordId)
                    fromEvtx = &candidate;
            }
            QVERIFY2(fromEvtx, qPrintable(u"no .evtx event with EventRecordID "_s + recordId));
            // evtx_dump writes microseconds, truncated (see writtenOtherwise for all nine digits).
            QVERIFY2(fromJson.timestampNs == fromEvtx->timestampNs / 1000 * 1000
                    || fromJson.timestampNs == fromEvtx->timestampNs,
                qPrintable(u"record %1: .json %2 ns, .evtx %3 ns"_s.arg(recordId)
                               .arg(fromJson.timestampNs)
                               .arg(fromEvtx->timestampNs)));
            QCOMPARE(int(fromJson.severity), int(fromEvtx->severity));
            QVERIFY(fieldText(fromJson, "raw").startsWith(u"{"_s));

            const QMap<QString, QString> ours = fieldsOf(fromJson);
            const QMap<QString, QString> theirs = fieldsOf(*fromEvtx);
            QCOMPARE(ours.keys(), theirs.keys());
            for (auto it = theirs.begin(); it != theirs.end(); ++it) {
                const QString &fromXml = it.value();
                const QString &produced = ours.value(it.key());
                const bool trimmed = fromXml != produced && fromXml.startsWith(produced)
                    && fromXml.mid(produced.size()).trimmed().isEmpty();
                const bool caseOnly = fromXml != produced && fromXml.compare(produced, Qt::CaseInsensitive) == 0;
                if (caseOnly)
                    ++caseDifferences;
                QVERIFY2(fromXml == produced || trimmed || (caseOnly && writtenOtherwise),
                    qPrintable(u"record %1 %2: .json '%3', .evtx '%4'"_s.arg(recordId, it.key(), produced, fromXml)));
                ++valuesCompared;
            }
        }
        QVERIFY(valuesCompared > 20);
        QCOMPARE(caseDifferences > 0, writtenOtherwise);
    }

    // --- each JSON shape against the XML it stands for ----------------------------------------

    void sameEventAsTheXml_data() {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<QByteArray>("json");
        for (const auto &sample : testsupport::evtxjson::sameAsXml())
            QTest::addRow("%s", sample.name)
                << QByteArray::fromStdString(sample.xml) << QByteArray::fromStdString(sample.json);
    }

    void sameEventAsTheXml() {
        QFETCH(QByteArray, xml);
        QFETCH(QByteArray, json);
        const EventBatch expected = fromXml(xml.toStdString());
        const Read read = readJson(std::string_view(json.constData(), std::size_t(json.size())));
        QVERIFY2(!read.error, read.error ? read.error->message.c_str() : "");
        for (const EvtxJsonFailure &failure : read.failures)
            qWarning("object %zu: %s", failure.position, failure.reason.c_str());
        QCOMPARE(read.count, std::size_t(1));
        const Event &event = read.batch.events().front();
        QCOMPARE(fieldsOf(event), fieldsOf(expected.events().front()));
        QCOMPARE(event.timestampNs, expected.events().front().timestampNs);
        QCOMPARE(int(event.severity), int(expected.events().front().severity));
        QCOMPARE(fieldText(event, "raw"), QString::fromUtf8(json).trimmed());
    }

    // evtx_dump renames the earlier values of a repeated name "<name>_1", …: they stay so.
    void repeatedNamesKeepEvtxDumpsSuffixes() {
        const std::string json
            = testsupport::evtxjson::record("1", "Application", "App", testsupport::evtxjson::repeatedNames());
        const Read read = readJson(json);
        QCOMPARE(read.count, std::size_t(1));
        const Event &event = read.batch.events().front();
        QCOMPARE(fieldText(event, "Twice"), u"second"_s);
        QCOMPARE(fieldText(event, "Twice_1"), u"first"_s);
        QCOMPARE(fieldText(event, "Data_1"), u"named"_s); // a scalar: a value named so, not unnamed Data
    }

    // Names the writer keeps for the record's own fields are prefixed, as from the XML.
    void dataNamesCannotOverrideTheRecord() {
        const std::string json
            = testsupport::evtxjson::record("1", "Application", "App", testsupport::evtxjson::overridingNames());
        const Read read = readJson(json);
        QCOMPARE(read.count, std::size_t(1));
        const Event &event = read.batch.events().front();
        QCOMPARE(fieldText(event, "Channel"), u"Application"_s);
        QCOMPARE(fieldText(event, "EventData.Channel"), u"forged"_s);
        QCOMPARE(fieldText(event, "host"), u"dc01.corp.example"_s);
        QCOMPARE(fieldText(event, "EventData.host"), u"forged-host"_s);
        QCOMPARE(read.fieldStats.unacceptableNames, 1u);
        QCOMPARE(read.fieldStats.namesPrefixed, 2u);
    }

    // --- the text around the objects ---------------------------------------------------------

    void severalObjectsAndEvtxDumpsRecordLines() {
        const std::string one
            = testsupport::evtxjson::record("4625", "Security", "S", testsupport::evtxjson::failedLogonData());
        std::string text = "\xEF\xBB\xBFRecord 1\n" + one + "Record 2\r\n" + one;
        std::string compact = one;
        compact.erase(std::remove(compact.begin(), compact.end(), '\n'), compact.end());
        text += compact + compact; // jsonl, and objects without anything between them
        const Read read = readJson(text);
        QVERIFY2(!read.error, read.error ? read.error->message.c_str() : "");
        QCOMPARE(read.count, std::size_t(4));
        QCOMPARE(read.positions, (std::vector<std::size_t> {1, 2, 3, 4}));
        for (const Event &event : read.batch.events())
            QCOMPARE(fieldText(event, "TargetUserName"), u"administrator"_s);
    }

    void emptyTextIsNoEvents_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("white space") << QByteArray(" \n\t\r\n ");
        QTest::addRow("byte order mark") << QByteArray("\xEF\xBB\xBF\n");
    }
    void emptyTextIsNoEvents() {
        QFETCH(QByteArray, text);
        const Read read = readJson(std::string_view(text.constData(), std::size_t(text.size())));
        QVERIFY(!read.error);
        QCOMPARE(read.count, std::size_t(0));
        QCOMPARE(read.stats.objects, 0u);
    }

    // Text that is no sequence of objects is refused whole: nothing is appended.
    void refusedText_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("message");
        const QByteArray good = QByteArray::fromStdString(testsupport::evtxjson::record("1", "Application", "App", ""));
        QTest::addRow("array") << QByteArray("[") + good + "]" << u"line 1, byte 0: a JSON array"_s;
        QTest::addRow("number") << QByteArray("42") << u"line 1, byte 0: not a JSON object"_s;
        QTest::addRow("string") << QByteArray("\"Event\"") << u"line 1, byte 0: not a JSON object"_s;
        const qsizetype goodLines = good.count('\n');
        QTest::addRow("garbage after an object")
            << good + "\ngarbage" << u"line %1, byte %2: not a JSON object"_s.arg(goodLines + 2).arg(good.size() + 1);
        QTest::addRow("a comma between objects")
            << good + "," + good << u"line %1, byte %2: not a JSON object"_s.arg(goodLines + 1).arg(good.size());
        QTest::addRow("Record line without a number") << QByteArray("Record x\n") + good << u"not a JSON object"_s;
        QTest::addRow("Record not at a line start") << good + " Record 2\n" + good << u"not a JSON object"_s;
        QTest::addRow("XML") << QByteArray("<Event/>") << u"not a JSON object"_s;
    }
    void refusedText() {
        QFETCH(QByteArray, text);
        QFETCH(QString, message);
        const Read read = readJson(std::string_view(text.constData(), std::size_t(text.size())));
        QVERIFY(read.error);
        QVERIFY2(QString::fromStdString(read.error->message).contains(message), read.error->message.c_str());
        QVERIFY(read.batch.empty());
        QVERIFY(read.positions.empty());
    }

    // An object that cannot be an event is counted and skipped; the ones after it are read.
    void refusedObjects_data() {
        QTest::addColumn<QByteArray>("object");
        QTest::addColumn<QString>("reason");
        for (const auto &sample : testsupport::evtxjson::refusedObjects())
            QTest::addRow("%s", sample.name)
                << QByteArray::fromStdString(sample.object) << QString::fromUtf8(sample.reason);
    }
    void refusedObjects() {
        QFETCH(QByteArray, object);
        QFETCH(QString, reason);
        const std::string good
            = testsupport::evtxjson::record("4625", "Security", "S", testsupport::evtxjson::failedLogonData());
        const std::string text = good + object.toStdString() + "\n" + good;
        const Read read = readJson(text);
        QVERIFY2(!read.error, read.error ? read.error->message.c_str() : "");
        const bool lastSwallowed = reason == u"the text ends inside the object"_s;
        QCOMPARE(read.count, std::size_t(lastSwallowed ? 1 : 2));
        QCOMPARE(read.positions.front(), std::size_t(1));
        if (!lastSwallowed)
            QCOMPARE(read.positions.back(), std::size_t(3));
        QCOMPARE(read.stats.failed, 1u);
        QCOMPARE(read.failures.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(read.failures.front().reason), reason);
        QCOMPARE(read.failures.front().position, std::size_t(2));
        QCOMPARE(read.failures.front().offset, good.size());
        QCOMPARE(read.failures.front().line, std::size_t(std::count(good.begin(), good.end(), '\n') + 1));
    }

    void truncatedText_data() {
        QTest::addColumn<int>("cut"); // bytes cut off the end of two objects
        QTest::addRow("last brace") << 2;
        QTest::addRow("inside a value") << 40;
        QTest::addRow("inside a string escape") << -1;
        QTest::addRow("half") << 300;
    }
    void truncatedText() {
        QFETCH(int, cut);
        const std::string one
            = testsupport::evtxjson::record("4625", "Security", "S", testsupport::evtxjson::failedLogonData());
        std::string text = one + one;
        if (cut < 0) {
            text = one + testsupport::evtxjson::unclosedEscape();
        } else {
            text.resize(text.size() - std::size_t(cut));
        }
        const Read read = readJson(text);
        QVERIFY(!read.error);
        QCOMPARE(read.count, std::size_t(1));
        QCOMPARE(read.stats.objects, 2u);
        QCOMPARE(read.stats.failed, 1u);
        QCOMPARE(QString::fromStdString(read.failures.front().reason), u"the text ends inside the object"_s);
    }

    // Deeper than kMaxDepth is refused before parsing (no recursion over it), however deep.
    void deepNesting_data() {
        QTest::addColumn<int>("depth");
        QTest::addRow("33") << 33;
        QTest::addRow("100000") << 100000;
    }
    void deepNesting() {
        QFETCH(int, depth);
        std::string deep = testsupport::evtxjson::deepPrefix();
        for (int i = 3; i <= depth; ++i)
            deep += (i % 2 == 0) ? "[" : "{\"a\": ";
        for (int i = depth; i >= 3; --i)
            deep += (i % 2 == 0) ? "]" : "}";
        deep += "}}";
        const std::string good = testsupport::evtxjson::record("1", "Application", "App", "");
        const Read read = readJson(deep + good);
        QVERIFY(!read.error);
        QCOMPARE(read.count, std::size_t(1));
        QCOMPARE(read.positions.front(), std::size_t(2));
        QCOMPARE(QString::fromStdString(read.failures.front().reason), u"the object is nested deeper than 32 levels"_s);
    }

    // Nested as deep as allowed, every level a group: the leaf is still found.
    void deepestAllowedGroupIsRead() {
        std::string data = "\"UserData\": ";
        const int groups = int(EvtxJsonReader::kMaxDepth) - 3; // Event and UserData are levels too
        for (int i = 0; i < groups; ++i)
            data += "{\"g\": ";
        data += "{\"Leaf\": \"found\", \"#text\": \"ignored\"}";
        for (int i = 0; i < groups; ++i)
            data += "}";
        const Read read = readJson(testsupport::evtxjson::record("1", "Application", "App", data));
        QVERIFY(read.failures.empty());
        QCOMPARE(read.count, std::size_t(1));
        QCOMPARE(fieldText(read.batch.events().front(), "Leaf"), u"found"_s);
    }

    void hugeObjectIsRefused() {
        const std::string huge = testsupport::evtxjson::record("1", "Application", "App",
            "\"EventData\": {\"Big\": \"" + std::string(EvtxJsonReader::kMaxObjectBytes, 'x') + "\"}");
        const Read read = readJson(huge + testsupport::evtxjson::record("1", "Application", "App", ""));
        QCOMPARE(read.count, std::size_t(1));
        QCOMPARE(read.positions.front(), std::size_t(2));
        QCOMPARE(QString::fromStdString(read.failures.front().reason), u"the object is larger than 1 MiB"_s);
    }

    // Values, names and their number are bounded as for .evtx.
    void hugeValuesAreCut() {
        const std::string big(200'000, 'v');
        std::string multibyte; // "é" is two bytes: the cut must not split one
        while (multibyte.size() < EvtxRecord::kMaxValueBytes + 10)
            multibyte += "\xC3\xA9";
        std::string parts;
        for (int i = 0; i < 3; ++i)
            parts += std::string(i ? ", \"" : "\"") + std::string(40'000, char('a' + i)) + "\"";
        const std::string json = testsupport::evtxjson::record("1", "Application", "App",
            "\"EventData\": {\"Big\": \"" + big + "\", \"Accents\": \"" + multibyte + "\", \"Parts\": [" + parts
                + "], \"" + std::string(EvtxRecord::kMaxNameBytes + 1, 'n') + "\": \"long name\"}");
        const Read read = readJson(json);
        QVERIFY(read.failures.empty());
        QCOMPARE(read.count, std::size_t(1));
        const Event &event = read.batch.events().front();
        QCOMPARE(fieldText(event, "Big"), QString(qsizetype(EvtxRecord::kMaxValueBytes), u'v'));
        const QString accents = fieldText(event, "Accents");
        QCOMPARE(accents.toUtf8().size(), qsizetype(EvtxRecord::kMaxValueBytes));
        QVERIFY(!accents.contains(QChar::ReplacementCharacter));
        const QString joined = fieldText(event, "Parts");
        QCOMPARE(joined.size(), qsizetype(EvtxRecord::kMaxValueBytes));
        QVERIFY(joined.startsWith(QString(40'000, u'a') + u"\n"_s + u"b"_s));
        QCOMPARE(read.fieldStats.valuesCut, 3u);
        QCOMPARE(read.fieldStats.itemsOmitted, 1u);
        QVERIFY(fieldText(event, "raw").size() <= qsizetype(EvtxEventWriter::kMaxRawBytes));
        QCOMPARE(read.fieldStats.rawCut, 1u);
    }

    void tooManyValues() {
        std::string data = "\"EventData\": {";
        for (std::size_t i = 0; i < EvtxRecord::kMaxItems + 50; ++i)
            data += (i ? ", \"v" : "\"v") + std::to_string(i) + "\": " + std::to_string(i);
        data += "}";
        const Read read = readJson(testsupport::evtxjson::record("1", "Application", "App", data));
        QCOMPARE(read.count, std::size_t(1));
        QCOMPARE(read.fieldStats.itemsOmitted, 50u);
        const Event &event = read.batch.events().front();
        QCOMPARE(fieldText(event, "v1023"), u"1023"_s);
        QCOMPARE(fieldText(event, "v1024"), u"<absent>"_s);
    }

    // Many separate attributes: found by search, not by a walk per element (this would take
    // minutes if it were quadratic).
    void manySeparateAttributesStayLinear() {
        std::string data = "\"UserData\": {\"G\": {";
        for (int i = 0; i < 5000; ++i) {
            const std::string key = "k" + std::to_string(i);
            data += (i ? ", \"" : "\"") + key + "\": \"v\", \"" + key + "_attributes\": {\"Name\": \"n"
                + std::to_string(i) + "\"}";
        }
        data += "}}";
        const Read read = readJson(testsupport::evtxjson::record("1", "Application", "App", data));
        QCOMPARE(read.count, std::size_t(1));
        const Event &event = read.batch.events().front();
        QCOMPARE(fieldText(event, "n0"), u"v"_s);
        QCOMPARE(fieldText(event, "n1023"), u"v"_s);
        QCOMPARE(read.fieldStats.itemsOmitted, std::uint64_t(5000 - EvtxRecord::kMaxItems));
    }

    void recordWithoutTimeOrComputerUsesTheContext() {
        const Read read = readJson(testsupport::evtxjson::withoutTimeOrComputer());
        QCOMPARE(read.count, std::size_t(1));
        const Event &event = read.batch.events().front();
        QCOMPARE(event.timestampNs, kNowNs);
        QCOMPARE(fieldText(event, "host"), u"importer"_s);
        QCOMPARE(read.fieldStats.timestampsUnread, 1u);
    }

    // Stats accumulate over reads; positions are those of the last read.
    void statsAccumulate() {
        EvtxJsonReader reader;
        EventBatch batch;
        const std::string one = testsupport::evtxjson::record("1", "Application", "App", "");
        QCOMPARE(*reader.read(one + one, testContext(), batch), std::size_t(2));
        QCOMPARE(*reader.read("{}" + one, testContext(), batch), std::size_t(1));
        QCOMPARE(reader.positions().size(), std::size_t(1));
        QCOMPARE(reader.positions()[0], std::size_t(2));
        QCOMPARE(reader.stats().objects, 4u);
        QCOMPARE(reader.stats().events, 3u);
        QCOMPARE(reader.stats().failed, 1u);
        QCOMPARE(batch.size(), std::size_t(3));
        QVERIFY(!reader.read("]", testContext(), batch));
        QVERIFY(reader.positions().empty());
        QCOMPARE(batch.size(), std::size_t(3));
    }

    void recentFailuresAreBounded() {
        std::string text;
        for (std::size_t i = 0; i < EvtxJsonReader::kMaxRecentFailures + 20; ++i)
            text += "{}\n";
        EvtxJsonReader reader;
        EventBatch batch;
        QCOMPARE(*reader.read(text, testContext(), batch), std::size_t(0));
        QCOMPARE(reader.stats().failed, std::uint64_t(EvtxJsonReader::kMaxRecentFailures + 20));
        QCOMPARE(reader.recentFailures().size(), EvtxJsonReader::kMaxRecentFailures);
        QCOMPARE(reader.recentFailures().front().position, std::size_t(21));
        QCOMPARE(reader.recentFailures().front().line, std::size_t(21));
        QCOMPARE(reader.recentFailures().back().position, EvtxJsonReader::kMaxRecentFailures + 20);
    }
};

QTEST_GUILESS_MAIN(TestEvtxJson)
#include "tst_evtxjson.moc"
