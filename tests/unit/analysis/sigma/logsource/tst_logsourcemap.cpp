// SPDX-License-Identifier: Apache-2.0
// LogsourceMap: configuration errors, resolution (AND over fields, OR over values, union over
// entries), the id cache, rule applicability, and the shipped mapping
// (resources/sigma/logsources.yaml) against the logsources of SigmaHQ's rule corpus.
#include "analysis/sigma/logsource/logsourcemap.h"

#include <QDirIterator>
#include <QFile>
#include <QSet>
#include <QTest>

#include <yaml-cpp/yaml.h>

using namespace vanopticon;
using namespace vanopticon::analysis::sigma;
using namespace Qt::StringLiterals;

namespace {

const QString kShipped = QStringLiteral(VANOPTICON_SOURCE_DIR "/resources/sigma/logsources.yaml");
const QString kSigmaData = QStringLiteral(VANOPTICON_TEST_DATA_DIR "/sigma");

Result<LogsourceMap> mapFrom(const std::string &yaml) {
    auto root = config::Section::loadString(yaml, "t.yaml");
    if (!root)
        return root.error();
    return LogsourceMap::fromConfig(*root);
}

LogsourceMap mapOrDie(const std::string &yaml) {
    auto map = mapFrom(yaml);
    if (!map)
        qFatal("%s", map.error().message.c_str());
    return std::move(map).value();
}

// An event with the given fields ("name=value").
Event &addEvent(EventBatch &batch, const QStringList &fields) {
    Event &event = batch.addEvent();
    for (const QString &field : fields) {
        const qsizetype equals = field.indexOf(u'=');
        batch.setField(event, internField(field.left(equals).toStdString()), field.mid(equals + 1).toStdString());
    }
    return event;
}

QString describe(const LogsourceSet &set) {
    const auto join = [](const std::vector<std::string> &values) {
        QStringList out;
        for (const std::string &value : values)
            out.append(QString::fromStdString(value));
        return out.join(u',');
    };
    return u"category=%1 product=%2 service=%3"_s.arg(join(set.categories), join(set.products), join(set.services));
}

const std::string kExample = R"(logsources:
  - when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 1}
    logsource: {product: windows, category: process_creation}
  - when: {Channel: [Security, System]}
    logsource: {product: windows, service: [Security-Or-System]}
  - when: {Channel: Security, EventID: [4688, 4689]}
    logsource: {category: process_creation, product: windows}
  - when: {Channel: Microsoft-Windows-Sysmon/Operational}
    logsource: {product: windows, service: sysmon}
  - when: {source_type: syslog}
    logsource: {product: linux}
  - when: {source_type: journald}
    logsource: {product: LINUX}
)";

// Security 4688 read with Sysmon's field names, twice over.
const std::string kFieldMappings = R"(logsources:
  - when: {Channel: Security}
    logsource: {product: windows, service: security}
  - when: {Channel: Security, EventID: 4688}
    logsource: {category: process_creation}
    fields: {Image: NewProcessName, ParentImage: ParentProcessName}
  - when: {Channel: Security, EventID: [4688, 4689]}
    logsource: {category: process_creation}
    fields: {Image: ProcessName, User: SubjectUserName}
)";

} // namespace

class TestLogsourceMap : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // --- configuration ------------------------------------------------------------------------

    void configErrors_data() {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("message");
        QTest::addRow("not a mapping") << u"- a\n"_s << u"t.yaml:1:1: expected a mapping with the key 'logsources'"_s;
        QTest::addRow("empty document") << u""_s << u"t.yaml: expected a mapping with the key 'logsources'"_s;
        QTest::addRow("unknown key") << u"logsources: []\nsources: []\n"_s
                                     << u"t.yaml:2:1: unknown setting 'sources' (expected one of: logsources)"_s;
        QTest::addRow("no logsources") << u"{}\n"_s << u"missing required setting 'logsources'"_s;
        QTest::addRow("not a list") << u"logsources: {a: 1}\n"_s << u"t.yaml:1:13: logsources: expected a list"_s;
        QTest::addRow("entry not a mapping")
            << u"logsources:\n  - x\n"_s
            << u"t.yaml:2:5: logsources[0]: expected an entry with 'when' and 'logsource'"_s;
        QTest::addRow("unknown entry key")
            << u"logsources:\n  - when: {a: 1}\n    logsource: {product: p}\n    whn: {}\n"_s
            << u"t.yaml:4:5: logsources[0]: unknown setting 'whn' (expected one of: when, logsource, fields)"_s;
        QTest::addRow("no when") << u"logsources:\n  - logsource: {product: p}\n"_s
                                 << u"t.yaml:2:5: logsources[0]: missing required setting 'when'"_s;
        QTest::addRow("when empty") << u"logsources:\n  - when: {}\n    logsource: {product: p}\n"_s
                                    << u"t.yaml:2:11: logsources[0].when: expected a mapping of field names"_s;
        QTest::addRow("when a list") << u"logsources:\n  - when: [a]\n    logsource: {product: p}\n"_s
                                     << u"logsources[0].when: expected a mapping of field names"_s;
        QTest::addRow("when value null") << u"logsources:\n  - when: {Channel: }\n    logsource: {product: p}\n"_s
                                         << u"logsources[0].when.Channel: expected a value or a list of values"_s;
        QTest::addRow("when value empty list")
            << u"logsources:\n  - when:\n      Channel: []\n    logsource: {product: p}\n"_s
            << u"t.yaml:3:16: logsources[0].when.Channel: an empty list: the entry could never match"_s;
        QTest::addRow("when value a mapping")
            << u"logsources:\n  - when: {Channel: {a: b}}\n    logsource: {product: p}\n"_s
            << u"logsources[0].when.Channel: expected a value or a list of values"_s;
        QTest::addRow("when list holds a mapping")
            << u"logsources:\n  - when: {Channel: [a, {b: c}]}\n    logsource: {product: p}\n"_s
            << u"logsources[0].when.Channel[1]: expected a single value"_s;
        QTest::addRow("when empty value") << u"logsources:\n  - when: {Channel: ''}\n    logsource: {product: p}\n"_s
                                          << u"logsources[0].when.Channel: an empty value"_s;
        QTest::addRow("no logsource") << u"logsources:\n  - when: {a: 1}\n"_s
                                      << u"t.yaml:2:5: logsources[0]: missing required setting 'logsource'"_s;
        QTest::addRow("logsource not a mapping")
            << u"logsources:\n  - when: {a: 1}\n    logsource: windows\n"_s
            << u"t.yaml:3:16: logsources[0].logsource: expected a mapping with category, product and/or service"_s;
        QTest::addRow("logsource unknown key")
            << u"logsources:\n  - when: {a: 1}\n    logsource: {products: windows}\n"_s
            << u"logsources[0].logsource: unknown setting 'products' (expected one of: category, product, service)"_s;
        QTest::addRow("logsource empty") << u"logsources:\n  - when: {a: 1}\n    logsource: {}\n"_s
                                         << u"logsources[0].logsource: names no category, product or service"_s;
        QTest::addRow("logsource empty list") << u"logsources:\n  - when: {a: 1}\n    logsource: {service: []}\n"_s
                                              << u"logsources[0].logsource.service: an empty list"_s;
        QTest::addRow("fields not a mapping")
            << u"logsources:\n  - when: {a: 1}\n    logsource: {product: p}\n    fields: [Image]\n"_s
            << u"t.yaml:4:13: logsources[0].fields: expected a mapping of the field a rule names"_s;
        QTest::addRow("fields empty")
            << u"logsources:\n  - when: {a: 1}\n    logsource: {product: p}\n    fields: {}\n"_s
            << u"logsources[0].fields: expected a mapping"_s;
        QTest::addRow("field to a list")
            << u"logsources:\n  - when: {a: 1}\n    logsource: {product: p}\n    fields: {Image: [a, b]}\n"_s
            << u"logsources[0].fields.Image: expected a single value"_s;
        QTest::addRow("field to nothing")
            << u"logsources:\n  - when: {a: 1}\n    logsource: {product: p}\n    fields: {Image: ''}\n"_s
            << u"logsources[0].fields.Image: an empty field name"_s;
        QTest::addRow("field to itself")
            << u"logsources:\n  - when: {a: 1}\n    logsource: {product: p}\n    fields: {Image: Image}\n"_s
            << u"logsources[0].fields.Image: 'Image' is mapped to itself"_s;
        QTest::addRow("second entry") << u"logsources:\n  - when: {a: 1}\n    logsource: {product: p}\n"
                                         "  - when: {a: 1}\n    logsource: {category: ~}\n"_s
                                      << u"t.yaml:5:27: logsources[1].logsource.category: expected a value"_s;
    }
    void configErrors() {
        QFETCH(QString, yaml);
        QFETCH(QString, message);
        auto map = mapFrom(yaml.toStdString());
        QVERIFY(!map.ok());
        QVERIFY2(QString::fromStdString(map.error().message).contains(message), map.error().message.c_str());
    }

    void loadFileErrors() {
        auto missing = LogsourceMap::loadFile("/nonexistent/logsources.yaml");
        QVERIFY(!missing.ok());
        QVERIFY(QString::fromStdString(missing.error().message).startsWith(u"/nonexistent/logsources.yaml"_s));

        const QString path = QDir::temp().filePath(u"tst_logsourcemap_broken.yaml"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("logsources:\n  - when: {a: [unclosed\n");
        file.close();
        auto broken = LogsourceMap::loadFile(path.toStdString());
        QFile::remove(path);
        QVERIFY(!broken.ok());
        QVERIFY2(
            QString::fromStdString(broken.error().message).startsWith(path + u":"_s), broken.error().message.c_str());
    }

    void emptyListIsAMapOfNothing() {
        LogsourceMap map = mapOrDie("logsources: []\n");
        QCOMPARE(map.entryCount(), std::size_t(0));
        EventBatch batch;
        QCOMPARE(map.resolve(addEvent(batch, {u"Channel=Security"_s})), kNoLogsource);
        QVERIFY(map.set(kNoLogsource).empty());
    }

    // --- resolution --------------------------------------------------------------------------

    void resolution_data() {
        QTest::addColumn<QStringList>("fields");
        QTest::addColumn<QString>("expected");
        QTest::addRow("both fields match") << QStringList {u"Channel=Microsoft-Windows-Sysmon/Operational"_s,
            u"EventID=1"_s} << u"category=process_creation product=windows service=sysmon"_s;
        QTest::addRow("one field of two: only the channel's entry")
            << QStringList {u"Channel=Microsoft-Windows-Sysmon/Operational"_s, u"EventID=3"_s}
            << u"category= product=windows service=sysmon"_s;
        QTest::addRow("a field absent") << QStringList {u"Channel=Microsoft-Windows-Sysmon/Operational"_s}
                                        << u"category= product=windows service=sysmon"_s;
        QTest::addRow("values compare without case") << QStringList {u"Channel=microsoft-windows-SYSMON/operational"_s,
            u"EventID=1"_s} << u"category=process_creation product=windows service=sysmon"_s;
        QTest::addRow("a list: any value")
            << QStringList {u"Channel=System"_s} << u"category= product=windows service=security-or-system"_s;
        QTest::addRow("union of entries, values once") << QStringList {u"Channel=Security"_s,
            u"EventID=4689"_s} << u"category=process_creation product=windows service=security-or-system"_s;
        QTest::addRow("logsource values in lower case")
            << QStringList {u"source_type=journald"_s} << u"category= product=linux service="_s;
        QTest::addRow("not a prefix") << QStringList {u"Channel=Securit"_s} << u"category= product= service="_s;
        QTest::addRow("nothing") << QStringList {u"message=hello"_s} << u"category= product= service="_s;
        QTest::addRow("empty value is no value") << QStringList {u"Channel="_s} << u"category= product= service="_s;
    }
    void resolution() {
        QFETCH(QStringList, fields);
        QFETCH(QString, expected);
        LogsourceMap map = mapOrDie(kExample);
        EventBatch batch;
        const LogsourceId id = map.resolve(addEvent(batch, fields));
        QCOMPARE(describe(map.set(id)), expected);
        QCOMPARE(id == kNoLogsource, map.set(id).empty());
    }

    void equalSetsShareAnId() {
        LogsourceMap map = mapOrDie(kExample);
        EventBatch batch;
        const LogsourceId syslog = map.resolve(addEvent(batch, {u"source_type=syslog"_s}));
        const LogsourceId journald = map.resolve(addEvent(batch, {u"source_type=journald"_s}));
        QVERIFY(syslog != kNoLogsource);
        QCOMPARE(journald, syslog); // different entries, "linux" and "LINUX": one set
        const LogsourceId security = map.resolve(addEvent(batch, {u"Channel=Security"_s}));
        const LogsourceId system = map.resolve(addEvent(batch, {u"Channel=SYSTEM"_s}));
        QCOMPARE(system, security);
        QVERIFY(security != syslog);
        QCOMPARE(map.resolve(addEvent(batch, {u"x=y"_s})), kNoLogsource);
        QCOMPARE(map.setCount(), std::size_t(3)); // empty, linux, windows + security-or-system
    }

    // An entry's field mappings belong to the sets it contributes to; the first entry naming a
    // rule field wins; sets that differ only in mappings are different sets.
    void fieldMappingsFollowTheEntries() {
        LogsourceMap map = mapOrDie(kFieldMappings);
        EventBatch batch;
        const LogsourceId created = map.resolve(addEvent(batch, {u"Channel=Security"_s, u"EventID=4688"_s}));
        const std::vector<analysis::FieldMapping> expected {{internField("Image"), internField("NewProcessName")},
            {internField("ParentImage"), internField("ParentProcessName")},
            {internField("User"), internField("SubjectUserName")}};
        QVERIFY(map.set(created).fieldMappings == expected);
        const LogsourceId ended = map.resolve(addEvent(batch, {u"Channel=Security"_s, u"EventID=4689"_s}));
        QVERIFY(ended != created); // the same logsource values, other mappings
        QCOMPARE(map.set(ended).fieldMappings.size(), std::size_t(2));
        QCOMPARE(map.set(ended).fieldMappings[0].eventField, internField("ProcessName"));
        const LogsourceId security = map.resolve(addEvent(batch, {u"Channel=Security"_s, u"EventID=4624"_s}));
        QVERIFY(map.set(security).fieldMappings.empty());
    }

    void ruleApplies_data() {
        QTest::addColumn<QStringList>("fields");
        QTest::addColumn<QString>("category");
        QTest::addColumn<QString>("product");
        QTest::addColumn<QString>("service");
        QTest::addColumn<bool>("applies");
        const QStringList sysmon1 {u"Channel=Microsoft-Windows-Sysmon/Operational"_s, u"EventID=1"_s};
        const QStringList nothing {u"x=y"_s};
        QTest::addRow("empty rule, any event") << sysmon1 << u""_s << u""_s << u""_s << true;
        QTest::addRow("empty rule, event in no logsource") << nothing << u""_s << u""_s << u""_s << true;
        QTest::addRow("category and product") << sysmon1 << u"process_creation"_s << u"windows"_s << u""_s << true;
        QTest::addRow("rule values without case") << sysmon1 << u"Process_Creation"_s << u"Windows"_s << u""_s << true;
        QTest::addRow("service too") << sysmon1 << u"process_creation"_s << u"windows"_s << u"sysmon"_s << true;
        QTest::addRow("product only") << sysmon1 << u""_s << u"windows"_s << u""_s << true;
        QTest::addRow("other product") << sysmon1 << u"process_creation"_s << u"linux"_s << u""_s << false;
        QTest::addRow("other category") << sysmon1 << u"file_event"_s << u"windows"_s << u""_s << false;
        QTest::addRow("other service") << sysmon1 << u""_s << u"windows"_s << u"security"_s << false;
        QTest::addRow("event in no logsource") << nothing << u""_s << u"windows"_s << u""_s << false;
    }
    void ruleApplies() {
        QFETCH(QStringList, fields);
        QFETCH(QString, category);
        QFETCH(QString, product);
        QFETCH(QString, service);
        QFETCH(bool, applies);
        LogsourceMap map = mapOrDie(kExample);
        EventBatch batch;
        const LogsourceId id = map.resolve(addEvent(batch, fields));
        Logsource rule;
        rule.category = category.toStdString();
        rule.product = product.toStdString();
        rule.service = service.toStdString();
        QCOMPARE(map.ruleApplies(rule, id), applies);
    }

    // --- the cache ---------------------------------------------------------------------------

    void cacheKeyedByTestedFieldsOnly() {
        LogsourceMap map = mapOrDie(kExample);
        QCOMPARE(map.testedFields().size(), std::size_t(3)); // Channel, EventID, source_type
        EventBatch batch;
        const LogsourceId first = map.resolve(addEvent(batch, {u"Channel=Security"_s, u"EventID=4688"_s}));
        QCOMPARE(map.cacheStats().misses, 1u);
        const LogsourceId again = map.resolve(
            addEvent(batch, {u"Channel=Security"_s, u"EventID=4688"_s, u"CommandLine=other"_s, u"host=h2"_s}));
        QCOMPARE(again, first);
        QCOMPARE(map.cacheStats().hits, 1u);
        QCOMPARE(map.cacheStats().misses, 1u);
        // Another value of a tested field is another key, even when it resolves alike.
        QCOMPARE(map.resolve(addEvent(batch, {u"Channel=Security"_s, u"EventID=4689"_s})), first);
        QCOMPARE(map.cacheStats().misses, 2u);
        // Absent and empty are different keys (and both resolve).
        QCOMPARE(map.resolve(addEvent(batch, {u"Channel=Security"_s})),
            map.resolve(addEvent(batch, {u"Channel=Security"_s, u"EventID="_s})));
        QCOMPARE(map.cacheStats().misses, 4u);
        QCOMPARE(map.cacheStats().size, std::size_t(4));
    }

    void cacheIsBounded() {
        LogsourceMap map = mapOrDie(kExample);
        EventBatch batch;
        const std::size_t distinct = LogsourceMap::kMaxCacheEntries + 10;
        for (std::size_t i = 0; i < distinct; ++i) {
            Event &event = addEvent(batch, {u"Channel=Security"_s, u"EventID=x%1"_s.arg(i)});
            QCOMPARE(describe(map.set(map.resolve(event))), u"category= product=windows service=security-or-system"_s);
            QVERIFY(map.cacheStats().size <= LogsourceMap::kMaxCacheEntries);
        }
        QCOMPARE(map.cacheStats().misses, std::uint64_t(distinct));
        QCOMPARE(map.cacheStats().clears, 1u);
        QCOMPARE(map.cacheStats().size, std::size_t(10));
        QCOMPARE(map.setCount(), std::size_t(2));
        // What was kept before the clear is looked up again; the latest are hits.
        map.resolve(addEvent(batch, {u"Channel=Security"_s, u"EventID=x%1"_s.arg(distinct - 1)}));
        QCOMPARE(map.cacheStats().hits, 1u);
    }

    void longValuesBypassTheCache() {
        LogsourceMap map = mapOrDie(kExample);
        EventBatch batch;
        const QString longChannel(qsizetype(LogsourceMap::kMaxCacheKeyBytes), u'x');
        const QStringList fields {u"Channel="_s + longChannel, u"source_type=syslog"_s};
        for (int i = 0; i < 3; ++i)
            QCOMPARE(describe(map.set(map.resolve(addEvent(batch, fields)))), u"category= product=linux service="_s);
        QCOMPARE(map.cacheStats().uncached, 3u);
        QCOMPARE(map.cacheStats().size, std::size_t(0));
    }

    // --- the shipped mapping -------------------------------------------------------------------

    void shippedFileLoads() {
        auto map = LogsourceMap::loadFile(kShipped.toStdString());
        QVERIFY2(map.ok(), map.ok() ? "" : map.error().message.c_str());
        QVERIFY(map->entryCount() > 90);
    }

    // Each entry reached by an event made of its own `when` (each field's first value, as
    // written): the event belongs to everything the entry gives.
    void shippedEntriesAreEachReachable() {
        LogsourceMap map = std::move(LogsourceMap::loadFile(kShipped.toStdString())).value();
        const YAML::Node root = YAML::LoadFile(kShipped.toStdString());
        int entries = 0;
        for (const YAML::Node &entry : root["logsources"]) {
            EventBatch batch;
            Event &event = batch.addEvent();
            for (const auto &condition : entry["when"]) {
                const YAML::Node value = condition.second.IsSequence() ? condition.second[0] : condition.second;
                batch.setField(event, internField(condition.first.Scalar()), value.Scalar());
            }
            const LogsourceSet &set = map.set(map.resolve(event));
            const auto check = [&](const char *attribute, const std::vector<std::string> &values) {
                const YAML::Node given = entry["logsource"][attribute];
                if (!given)
                    return true;
                std::vector<std::string> wanted;
                if (given.IsSequence()) {
                    for (const YAML::Node &value : given)
                        wanted.push_back(value.Scalar());
                } else {
                    wanted.push_back(given.Scalar());
                }
                return std::all_of(wanted.begin(), wanted.end(), [&](const std::string &value) {
                    return std::find(values.begin(), values.end(), value) != values.end();
                });
            };
            QVERIFY2(
                check("category", set.categories) && check("product", set.products) && check("service", set.services),
                qPrintable(u"entry at line %1 gives %2"_s.arg(entry.Mark().line + 1).arg(describe(set))));
            ++entries;
        }
        QCOMPARE(std::size_t(entries), map.entryCount());
    }

    // Events as the sentinel's sources and the .evtx reader make them.
    void shippedMappingOfVanopticonsEvents_data() {
        QTest::addColumn<QStringList>("fields");
        QTest::addColumn<QString>("expected");
        const QString sysmon = u"Channel=Microsoft-Windows-Sysmon/Operational"_s;
        const QString evtx = u"source_type=evtx"_s;
        QTest::addRow("Sysmon 1") << QStringList {evtx, sysmon, u"EventID=1"_s}
                                  << u"category=process_creation product=windows service=sysmon"_s;
        QTest::addRow("Sysmon 12 CreateKey") << QStringList {evtx, sysmon, u"EventID=12"_s,
            u"EventType=CreateKey"_s} << u"category=registry_add,registry_event product=windows service=sysmon"_s;
        QTest::addRow("Sysmon 12 DeleteValue") << QStringList {evtx, sysmon, u"EventID=12"_s,
            u"EventType=DeleteValue"_s} << u"category=registry_delete,registry_event product=windows service=sysmon"_s;
        QTest::addRow("Sysmon 13") << QStringList {evtx, sysmon, u"EventID=13"_s, u"EventType=SetValue"_s}
                                   << u"category=registry_event,registry_set product=windows service=sysmon"_s;
        QTest::addRow("Sysmon 26") << QStringList {evtx, sysmon, u"EventID=26"_s}
                                   << u"category=file_delete,file_delete_detected product=windows service=sysmon"_s;
        QTest::addRow("Security 4688") << QStringList {evtx, u"Channel=Security"_s, u"EventID=4688"_s}
                                       << u"category=process_creation product=windows service=security"_s;
        QTest::addRow("Security 4624") << QStringList {evtx, u"Channel=Security"_s, u"EventID=4624"_s}
                                       << u"category= product=windows service=security"_s;
        QTest::addRow("PowerShell 4104") << QStringList {evtx, u"Channel=Microsoft-Windows-PowerShell/Operational"_s,
            u"EventID=4104"_s} << u"category=ps_script product=windows service=powershell"_s;
        QTest::addRow("Windows PowerShell 400") << QStringList {evtx, u"Channel=Windows PowerShell"_s,
            u"EventID=400"_s} << u"category=ps_classic_start product=windows service=powershell-classic"_s;
        QTest::addRow("Defender") << QStringList {evtx, u"Channel=Microsoft-Windows-Windows Defender/Operational"_s,
            u"EventID=1116"_s} << u"category= product=windows service=windefend"_s;
        QTest::addRow("an unknown channel")
            << QStringList {evtx, u"Channel=Foo/Bar"_s, u"EventID=1"_s} << u"category= product=windows service="_s;
        QTest::addRow("sshd on syslog") << QStringList {u"source_type=syslog"_s, u"service=sshd"_s,
            u"event_type=auth_failed"_s} << u"category= product=linux service=auth,sshd,syslog"_s;
        QTest::addRow("sudo in the journal") << QStringList {u"source_type=journald"_s, u"service=sudo"_s}
                                             << u"category= product=linux service=auth,sudo,syslog"_s;
        QTest::addRow("su") << QStringList {u"source_type=syslog"_s, u"service=su"_s}
                            << u"category= product=linux service=auth,su,syslog"_s;
        QTest::addRow("useradd") << QStringList {u"source_type=syslog"_s, u"service=useradd"_s}
                                 << u"category= product=linux service=auth,syslog"_s;
        QTest::addRow("CRON") << QStringList {u"source_type=syslog"_s, u"service=CRON"_s}
                              << u"category= product=linux service=cron,syslog"_s;
        QTest::addRow("another program") << QStringList {u"source_type=syslog"_s, u"service=nginx"_s}
                                         << u"category= product=linux service=syslog"_s;
        QTest::addRow("auditd") << QStringList {u"source_type=auditd"_s, u"type=EXECVE"_s}
                                << u"category= product=linux service=auditd"_s;
        QTest::addRow("process start") << QStringList {u"source_type=process_monitor"_s,
            u"event_type=process_creation"_s}
                                       << u"category=process_creation product=linux service="_s;
        QTest::addRow("process exit") << QStringList {u"source_type=process_monitor"_s, u"event_type=process_exit"_s}
                                      << u"category= product=linux service="_s;
        QTest::addRow("file created") << QStringList {u"source_type=file_monitor"_s, u"event_type=file_create"_s}
                                      << u"category=file_event product=linux service="_s;
        QTest::addRow("file deleted") << QStringList {u"source_type=file_monitor"_s, u"event_type=file_delete"_s}
                                      << u"category=file_delete product=linux service="_s;
        QTest::addRow("flow") << QStringList {u"source_type=netflow"_s, u"event_type=network_connection"_s}
                              << u"category=network_connection product= service="_s;
        QTest::addRow("JSON application log")
            << QStringList {u"source_type=json"_s, u"service=app"_s} << u"category= product= service="_s;
    }
    void shippedMappingOfVanopticonsEvents() {
        QFETCH(QStringList, fields);
        QFETCH(QString, expected);
        LogsourceMap map = std::move(LogsourceMap::loadFile(kShipped.toStdString())).value();
        EventBatch batch;
        QCOMPARE(describe(map.set(map.resolve(addEvent(batch, fields)))), expected);
    }

    // Every category and service the corpus' Windows and Linux rules name is given by some
    // entry of the shipped file, except those listed here with the reason.
    void shippedMappingCoversTheCorpus() {
        const QMap<QString, QString> notMapped {
            {u"windows category file_access"_s, u"ETW (Microsoft-Windows-Kernel-File), not an event log"_s},
            {u"windows category file_rename"_s, u"ETW (Microsoft-Windows-Kernel-File), not an event log"_s},
            {u"linux category network_connection"_s,
                u"Sysmon for Linux's event 3 (Image, Initiated): no Vanopticon source; flows are no Linux event"_s},
        };
        LogsourceMap map = std::move(LogsourceMap::loadFile(kShipped.toStdString())).value();
        // Everything the entries give, product by product.
        QSet<QString> given;
        const YAML::Node root = YAML::LoadFile(kShipped.toStdString());
        for (const YAML::Node &entry : root["logsources"]) {
            EventBatch batch;
            Event &event = batch.addEvent();
            for (const auto &condition : entry["when"]) {
                const YAML::Node value = condition.second.IsSequence() ? condition.second[0] : condition.second;
                batch.setField(event, internField(condition.first.Scalar()), value.Scalar());
            }
            const LogsourceSet &set = map.set(map.resolve(event));
            for (const std::string &product : set.products) {
                for (const std::string &category : set.categories)
                    given.insert(QString::fromStdString(product + " category " + category));
                for (const std::string &service : set.services)
                    given.insert(QString::fromStdString(product + " service " + service));
            }
        }
        QSet<QString> wanted;
        int rules = 0;
        for (const QString &folder : {u"rules"_s, u"rules-emerging-threats"_s, u"rules-threat-hunting"_s}) {
            QDirIterator it(kSigmaData + u"/"_s + folder, {u"*.yml"_s}, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                for (const YAML::Node &document : YAML::LoadAllFromFile(path.toStdString())) {
                    const YAML::Node logsourceNode = document["logsource"];
                    if (!logsourceNode || !logsourceNode["product"])
                        continue;
                    const std::string product = logsourceNode["product"].Scalar();
                    if (product != "windows" && product != "linux")
                        continue;
                    ++rules;
                    if (logsourceNode["category"])
                        wanted.insert(
                            QString::fromStdString(product + " category " + logsourceNode["category"].Scalar()));
                    if (logsourceNode["service"])
                        wanted.insert(
                            QString::fromStdString(product + " service " + logsourceNode["service"].Scalar()));
                }
            }
        }
        QVERIFY2(rules > 2500, qPrintable(u"%1 Windows and Linux rules"_s.arg(rules)));
        QStringList missing;
        for (const QString &value : wanted) {
            if (!given.contains(value) && !notMapped.contains(value))
                missing.append(value);
        }
        missing.sort();
        QVERIFY2(missing.isEmpty(), qPrintable(u"not mapped: "_s + missing.join(u", "_s)));
        for (auto it = notMapped.begin(); it != notMapped.end(); ++it)
            QVERIFY2(!given.contains(it.key()), qPrintable(it.key() + u" is mapped now: take it off the list"_s));
    }
};

QTEST_GUILESS_MAIN(TestLogsourceMap)
#include "tst_logsourcemap.moc"
