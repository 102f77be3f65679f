// SPDX-License-Identifier: Apache-2.0
// SigmaHQ's regression data (../shared/data/sigma/regression_data): every case has the events as
// a .evtx file and as evtx_dump-style JSON beside it. Each .evtx is imported as it is and the
// fields produced are compared with the JSON the rule authors wrote.
#include "sentinel/collect/evtx/evtximporter.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTest>

#include <optional>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

namespace {

const QString kRegressionData = QStringLiteral(VANOPTICON_TEST_DATA_DIR "/sigma/regression_data");

QStringList evtxFiles() {
    QStringList files;
    QDirIterator it(kRegressionData, {u"*.evtx"_s}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(it.next());
    files.sort();
    return files;
}

// evtx_dump writes one pretty-printed object per record, one after the other.
QList<QJsonObject> readConcatenatedJson(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = file.readAll();
    QList<QJsonObject> objects;
    int depth = 0;
    bool inString = false;
    qsizetype start = -1;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '{') {
            if (depth++ == 0)
                start = i;
        } else if (c == '}' && --depth == 0) {
            QJsonParseError error {};
            const QJsonDocument document = QJsonDocument::fromJson(text.mid(start, i - start + 1), &error);
            if (error.error != QJsonParseError::NoError || !document.isObject())
                qFatal("unreadable JSON object in %s: %s", qPrintable(path), qPrintable(error.errorString()));
            objects.append(document.object());
        }
    }
    return objects;
}

QString fieldText(const Event &event, std::string_view name) {
    const std::optional<FieldId> id = FieldRegistry::instance().find(name);
    if (!id || !event.has(*id))
        return {};
    const std::string_view value = event.value(*id);
    return QString::fromUtf8(value.data(), qsizetype(value.size()));
}

bool hasField(const Event &event, std::string_view name) {
    const std::optional<FieldId> id = FieldRegistry::instance().find(name);
    return id && event.has(*id);
}

// A JSON value as the text the event holds: numbers as integers, null as the empty string.
QString jsonText(const QJsonValue &value) {
    if (value.isDouble())
        return QString::number(qint64(value.toDouble()));
    if (value.isBool())
        return value.toBool() ? u"true"_s : u"false"_s;
    if (value.isNull())
        return {};
    if (value.isObject())
        return jsonText(value.toObject().value(u"#text"_s));
    if (value.isArray()) {
        QStringList parts;
        for (const QJsonValue &part : value.toArray())
            parts.append(jsonText(part));
        return parts.join(u'\n');
    }
    return value.toString();
}

QString withoutTrailingSpace(QString text) {
    while (!text.isEmpty() && text.back().isSpace())
        text.chop(1);
    return text;
}

// Equal as a Sigma rule compares: case-insensitively. Besides, evtx_dump drops trailing white
// space (Sysmon writes `"C:\Windows\system32\cmd.exe" ` with it: the event keeps it) and the
// braces Windows writes around GUID values ({0197231E-…}: the event keeps them).
bool sameValue(const QString &produced, const QString &expected) {
    QString ours = withoutTrailingSpace(produced);
    const QString theirs = withoutTrailingSpace(expected);
    if (ours.size() == theirs.size() + 2 && ours.startsWith(u'{') && ours.endsWith(u'}') && !theirs.startsWith(u'{'))
        ours = ours.mid(1, ours.size() - 2);
    return ours.compare(theirs, Qt::CaseInsensitive) == 0;
}

// The values under EventData, and the leaves under UserData's element: name → value.
void collectLeaves(const QJsonObject &object, QMap<QString, QJsonValue> &leaves) {
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key() == u"#attributes"_s)
            continue;
        if (it.value().isObject() && !it.value().toObject().contains(u"#text"_s))
            collectLeaves(it.value().toObject(), leaves);
        else
            leaves.insert(it.key(), it.value());
    }
}

struct Imported {
    EventBatch batch;
    EvtxImportStats stats;
    std::deque<EvtxFailure> failures;
    int recordsInFile = 0;
};

Imported import(const QString &path) {
    Imported imported;
    SyslogContext context;
    context.hostName = "importer";
    EvtxImporter importer(context);
    if (auto opened = importer.open(path.toStdString()); !opened)
        qFatal("%s", opened.error().message.c_str());
    imported.recordsInFile = importer.recordsToRead();
    while (!importer.readSome(imported.batch, 7)) { }
    imported.stats = importer.stats();
    imported.failures = importer.recentFailures();
    return imported;
}

} // namespace

class TestEvtxRegression : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        // The NOTICE promises 152 .evtx cases: fewer means the material is missing, not passing.
        QVERIFY2(evtxFiles().size() >= 150,
            qPrintable(u"found %1 .evtx files under "_s.arg(evtxFiles().size()) + kRegressionData));
    }

    void everyFileImportsAndMatchesItsJson_data() {
        QTest::addColumn<QString>("path");
        for (const QString &path : evtxFiles())
            QTest::newRow(qPrintable(QDir(kRegressionData).relativeFilePath(path))) << path;
    }

    void everyFileImportsAndMatchesItsJson() {
        QFETCH(QString, path);
        const Imported imported = import(path);
        for (const EvtxFailure &failure : imported.failures)
            qWarning("record %d (%llu): %s", failure.index, qulonglong(failure.recordNumber), failure.reason.c_str());
        QCOMPARE(imported.stats.failed, 0u);
        QVERIFY(imported.recordsInFile > 0);
        QCOMPARE(imported.stats.events, std::uint64_t(imported.recordsInFile));
        QCOMPARE(imported.batch.size(), std::size_t(imported.recordsInFile));

        const QString jsonPath = path.chopped(5) + u".json"_s;
        const QList<QJsonObject> expectedEvents = readConcatenatedJson(jsonPath);
        QVERIFY2(!expectedEvents.isEmpty(), qPrintable(u"no JSON beside "_s + path));
        QCOMPARE(expectedEvents.size(), imported.recordsInFile);

        int valuesCompared = 0;
        for (const QJsonObject &document : expectedEvents) {
            const QJsonObject expected = document.value(u"Event"_s).toObject();
            const QJsonObject system = expected.value(u"System"_s).toObject();
            const QString recordId = jsonText(system.value(u"EventRecordID"_s));
            const Event *event = nullptr;
            for (const Event &candidate : imported.batch.events()) {
                if (fieldText(candidate, "EventRecordID") == recordId)
                    event = &candidate;
            }
            QVERIFY2(event, qPrintable(u"no event for record "_s + recordId));

            const auto check = [&](std::string_view name, const QString &value) {
                if (value.isEmpty())
                    return;
                const QString produced = fieldText(*event, name);
                QVERIFY2(sameValue(produced, value),
                    qPrintable(u"record %1 %2: produced '%3', expected '%4'"_s.arg(
                        recordId, QString::fromUtf8(name.data(), qsizetype(name.size())), produced, value)));
                ++valuesCompared;
            };
            const auto attribute = [&](const char *element, const char *name) {
                return jsonText(system.value(QLatin1String(element))
                                    .toObject()
                                    .value(u"#attributes"_s)
                                    .toObject()
                                    .value(QLatin1String(name)));
            };
            check("EventID", jsonText(system.value(u"EventID"_s)));
            check("Channel", jsonText(system.value(u"Channel"_s)));
            check("Computer", jsonText(system.value(u"Computer"_s)));
            check("Version", jsonText(system.value(u"Version"_s)));
            check("Level", jsonText(system.value(u"Level"_s)));
            check("Task", jsonText(system.value(u"Task"_s)));
            check("Opcode", jsonText(system.value(u"Opcode"_s)));
            check("Keywords", jsonText(system.value(u"Keywords"_s)));
            check("Provider_Name", attribute("Provider", "Name"));
            check("Provider_Guid", attribute("Provider", "Guid"));
            check("Execution_ProcessID", attribute("Execution", "ProcessID"));
            check("Execution_ThreadID", attribute("Execution", "ThreadID"));
            check("Security_UserID", attribute("Security", "UserID"));
            QCOMPARE(fieldText(*event, "host"), jsonText(system.value(u"Computer"_s)));
            QCOMPARE(fieldText(*event, "source_type"), u"evtx"_s);
            QVERIFY(fieldText(*event, "raw").startsWith(u"<Event"_s));

            // evtx_dump writes microseconds; the record holds 100 ns units.
            const QString systemTime = attribute("TimeCreated", "SystemTime");
            const qsizetype dot = systemTime.indexOf(u'.');
            QVERIFY2(dot > 0, qPrintable(systemTime));
            const QDateTime seconds = QDateTime::fromString(systemTime.left(dot) + u"Z"_s, Qt::ISODate);
            QVERIFY(seconds.isValid());
            const QString micros = systemTime.mid(dot + 1).chopped(1).leftJustified(6, u'0');
            const std::int64_t expectedUs = seconds.toSecsSinceEpoch() * 1'000'000 + micros.left(6).toLongLong();
            QCOMPARE(event->timestampNs / 1000, expectedUs);

            QMap<QString, QJsonValue> leaves;
            const bool userData = expected.contains(u"UserData"_s);
            collectLeaves(expected.value(userData ? u"UserData"_s : u"EventData"_s).toObject(), leaves);
            for (auto it = leaves.begin(); it != leaves.end(); ++it) {
                QString name = it.key();
                name.remove(u' '); // Sigma's names: "Threat Name" → ThreatName
                const std::string fieldName = name.toStdString();
                QVERIFY2(hasField(*event, fieldName), qPrintable(u"record %1: no field "_s.arg(recordId) + name));
                check(fieldName, jsonText(it.value()));
            }
        }
        QVERIFY(valuesCompared > 10);
    }

    // A few cases checked in full: the typed event and the fields a rule of that case matches on.
    void typedCases_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("expected"); // field=value
        QTest::addRow("Sysmon 1: Grixba recon")
            << u"rules-emerging-threats/2025/Malware/Grixba/proc_creation_win_malware_grixba_recon/"
               "af688c76-4ce4-4309-bfdd-e896f01acf27.evtx"_s
            << QStringList {u"event_type=process_creation"_s, u"category=process"_s, u"EventID=1"_s,
                   u"EventRecordID=142649"_s, u"host=swachchhanda"_s, u"service=Microsoft-Windows-Sysmon"_s,
                   u"Image=C:\\Users\\xodih\\Downloads\\GRB_NET.exe"_s,
                   u"CommandLine=GRB_NET.exe  -m:scan -i:f -d:list.txt"_s,
                   u"ParentImage=C:\\Windows\\System32\\cmd.exe"_s,
                   u"ParentCommandLine=\"C:\\WINDOWS\\system32\\cmd.exe\" "_s, u"User=swachchhanda\\xodih"_s,
                   u"LogonId=0x3b5e64"_s, u"ProcessId=10116"_s,
                   u"ProcessGuid={0197231E-8BFF-6926-1308-000000000D00}"_s};
        QTest::addRow("Defender 1119: names without spaces")
            << u"rules-emerging-threats/2026/Exploits/RedSun/"
               u"win_defender_exploit_redsun_tiering_engine_detected_as_eicar/"
               "a7c3e5f2-8b1d-4e9a-b6c2-3d7f5e8a9b4c.evtx"_s
            << QStringList {u"event_type=antivirus_action_failed"_s, u"category=antivirus"_s, u"EventID=1119"_s,
                   u"SourceName=Real-Time Protection"_s};
        QTest::addRow("Security 4701: scheduled task disabled, SubjectLogonId unpadded")
            << u"rules/windows/builtin/security/win_security_susp_scheduled_task_delete_or_disable/"
               "7595ba94-cf3b-4471-aa03-4f6baa9e5fad.evtx"_s
            << QStringList {u"event_type=scheduled_task_disabled"_s, u"category=scheduled_task"_s,
                   u"Channel=Security"_s, u"SubjectLogonId=0x3144c"_s};
    }

    void typedCases() {
        QFETCH(QString, file);
        QFETCH(QStringList, expected);
        QString path = kRegressionData + u"/"_s + file;
        if (!QFile::exists(path)) {
            // The case folders move between SigmaHQ releases: find the file by name.
            const QString name = QFileInfo(file).fileName();
            for (const QString &candidate : evtxFiles()) {
                if (candidate.endsWith(u"/"_s + name))
                    path = candidate;
            }
        }
        QVERIFY2(QFile::exists(path), qPrintable(path));
        const Imported imported = import(path);
        QCOMPARE(imported.stats.failed, 0u);
        QVERIFY(!imported.batch.empty());
        const Event &event = imported.batch.events().front();
        for (const QString &expectation : expected) {
            const qsizetype equals = expectation.indexOf(u'=');
            const std::string name = expectation.left(equals).toStdString();
            QCOMPARE(fieldText(event, name), expectation.mid(equals + 1));
        }
    }

    // TaskContent holds an XML document with CRLF line ends: the value keeps them, as the JSON has.
    void lineEndsAreKept() {
        QString path;
        for (const QString &candidate : evtxFiles()) {
            if (candidate.contains(u"win_security_susp_scheduled_task_delete_or_disable"_s))
                path = candidate;
        }
        QVERIFY(!path.isEmpty());
        const Imported imported = import(path);
        QVERIFY(!imported.batch.empty());
        const QString content = fieldText(imported.batch.events().front(), "TaskContent");
        QVERIFY(content.startsWith(u"<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n<Task"_s));
    }
};

QTEST_GUILESS_MAIN(TestEvtxRegression)
#include "tst_evtxregression.moc"
