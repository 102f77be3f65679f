// SPDX-License-Identifier: Apache-2.0
// The compiled engine against hand-made events: condition forms, candidate selection through the
// shared automata (and rules no pattern can trigger), logsource routing, global filters,
// keywords and regexes Hyperscan can only prefilter.
#include "analysis/sigma/engine/sigmadetector.h"
#include "analysis/sigma/rule/sigmaloader.h"
#include "shared/config/section.h"

#include <QTest>

using namespace vanopticon;
using namespace vanopticon::analysis::sigma;

// In their own file: moc cannot read raw string literals.
extern const char kLogsources[];
extern const char kRules[];
extern const char kChainRules[];
extern const char kMappedCorrelationRules[];

namespace {

std::unique_ptr<SigmaDetector> makeDetector(
    const SigmaOptions &options = SigmaOptions(), const char *rules = kRules, const char *logsourceText = kLogsources) {
    RuleCollection collection;
    loadText(rules, "rules.yml", collection);
    resolveReferences(collection);
    for (const LoadFailure &failure : collection.failures)
        qWarning("%s: %s", failure.where.toString().c_str(), failure.reason.c_str());
    if (!collection.failures.empty())
        return nullptr;
    auto section = config::Section::loadString(logsourceText, "logsources.yaml");
    if (!section)
        return nullptr;
    auto logsources = LogsourceMap::fromConfig(*section);
    if (!logsources)
        return nullptr;
    auto detector = SigmaDetector::create(std::move(collection), std::move(*logsources), options);
    if (!detector)
        return nullptr;
    return std::move(*detector);
}

using Fields = QList<QPair<QByteArray, QByteArray>>;

QStringList firedRules(SigmaDetector &detector, const Fields &fields) {
    EventBatch batch;
    Event &event = batch.addEvent();
    for (const auto &[name, value] : fields)
        batch.setField(event, internField(name.toStdString()), value.toStdString());
    std::vector<analysis::EventRef> refs(1);
    SigmaDetector::Output output;
    detector.process(batch, refs, output);
    QStringList fired;
    for (const RuleMatch &match : output.matches)
        fired.append(QString::fromStdString(detector.rules().rules[match.rule].rule.meta.id));
    fired.sort();
    return fired;
}

} // namespace

class TestSigmaEngine : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        m_detector = makeDetector();
        QVERIFY(m_detector);
        SigmaOptions uncached;
        uncached.scanCacheSlots = 0;
        m_uncached = makeDetector(uncached);
        QVERIFY(m_uncached);
        QCOMPARE(m_detector->rules().rules.size(), std::size_t(9));
    }

    // Only rules that cannot be triggered by a pattern hit are evaluated for every event.
    void onlyUntriggerableRulesAreAlwaysEvaluated() {
        QStringList always;
        for (const std::uint32_t index : m_detector->rules().alwaysEvaluated)
            always.append(QString::fromStdString(m_detector->rules().rules[index].rule.meta.id));
        always.sort();
        QCOMPARE(always,
            (QStringList {QStringLiteral("noparent"), QStringLiteral("notsystem"), QStringLiteral("selfparent")}));
    }

    void events_data() {
        QTest::addColumn<Fields>("fields");
        QTest::addColumn<QStringList>("expected");
        const Fields sysmon {{"Channel", "Sysmon"}, {"EventID", "1"}, {"ParentImage", "C:\\Windows\\explorer.exe"}};
        QTest::newRow("whoami") << (sysmon
            + Fields {{"Image", "C:\\Windows\\System32\\WHOAMI.EXE"}, {"User", "CORP\\bob"}})
                                << QStringList {QStringLiteral("whoami")};
        QTest::newRow("whoami filtered by the rule's own filter")
            << (sysmon + Fields {{"Image", "C:\\Windows\\System32\\whoami.exe"}, {"User", "NT AUTHORITY\\SYSTEM"}})
            << QStringList();
        QTest::newRow("1 of sel_*: first")
            << (sysmon + Fields {{"CommandLine", "run MimiKatz now"}}) << QStringList {QStringLiteral("anyof")};
        QTest::newRow("1 of sel_*: second needs all values")
            << (sysmon + Fields {{"CommandLine", "sekurlsa::logonpasswords"}}) << QStringList {QStringLiteral("anyof")};
        QTest::newRow("1 of sel_*: half of an all")
            << (sysmon + Fields {{"CommandLine", "sekurlsa::tickets"}}) << QStringList();
        QTest::newRow("all of them") << (sysmon
            + Fields {{"Image", "C:\\Windows\\System32\\net.exe"}, {"CommandLine", "net user alice /add"}})
                                     << QStringList {QStringLiteral("allof")};
        QTest::newRow("all of them, global filter") << (sysmon
            + Fields {{"Image", "C:\\Windows\\System32\\net.exe"}, {"CommandLine", "net user x /add"},
                {"User", "CORP\\admin"}}) << QStringList();
        QTest::newRow("all of them, one missing")
            << (sysmon + Fields {{"Image", "C:\\Windows\\System32\\net.exe"}, {"CommandLine", "net localgroup"}})
            << QStringList();
        QTest::newRow("null: field absent") << Fields {{"Channel", "Sysmon"}, {"EventID", "1"}, {"Image", "C:\\a.exe"}}
                                            << QStringList {QStringLiteral("noparent")};
        QTest::newRow("regex with lookahead") << (sysmon + Fields {{"CommandLine", "powershell -w hidden -enc AAAA"}})
                                              << QStringList {QStringLiteral("lookahead")};
        QTest::newRow("regex with lookahead, order matters not, both needed")
            << (sysmon + Fields {{"CommandLine", "powershell -enc AAAA"}}) << QStringList();
        QTest::newRow("security 4625 (number as text), not SYSTEM")
            << Fields {{"Channel", "Security"}, {"EventID", "4625"}, {"TargetUserName", "alice"}}
            << QStringList {QStringLiteral("failedlogon"), QStringLiteral("notsystem")};
        QTest::newRow("security, SYSTEM is excluded case-insensitively")
            << Fields {{"Channel", "Security"}, {"EventID", "4624"}, {"TargetUserName", "system"}} << QStringList();
        QTest::newRow("security 4688: Image read from NewProcessName")
            << Fields {{"Channel", "Security"}, {"EventID", "4688"}, {"NewProcessName", "C:\\Windows\\whoami.exe"},
                   {"ParentProcessName", "C:\\Windows\\explorer.exe"}, {"User", "CORP\\bob"}}
            << QStringList {QStringLiteral("notsystem"), QStringLiteral("whoami")};
        QTest::newRow("security 4688: the event's own field first") << Fields {{"Channel", "Security"},
            {"EventID", "4688"}, {"NewProcessName", "C:\\Windows\\whoami.exe"}, {"Image", "C:\\Windows\\notepad.exe"},
            {"ParentProcessName", "C:\\Windows\\explorer.exe"}} << QStringList {QStringLiteral("notsystem")};
        QTest::newRow("security 4688 without a parent: null check sees the mapped field absent")
            << Fields {{"Channel", "Security"}, {"EventID", "4688"}, {"NewProcessName", "C:\\Windows\\whoami.exe"}}
            << QStringList {QStringLiteral("noparent"), QStringLiteral("notsystem"), QStringLiteral("whoami")};
        QTest::newRow("fieldref: parent and process the same") << (Fields {{"Channel", "Sysmon"}, {"EventID", "1"},
            {"ParentImage", "C:\\Tools\\loop.exe"}, {"Image", "c:\\tools\\LOOP.exe"}})
                                                               << QStringList {QStringLiteral("selfparent")};
        QTest::newRow("security 4688: fieldref compares the mapped fields")
            << Fields {{"Channel", "Security"}, {"EventID", "4688"}, {"NewProcessName", "C:\\Tools\\loop.exe"},
                   {"ParentProcessName", "C:\\Tools\\loop.exe"}}
            << QStringList {QStringLiteral("notsystem"), QStringLiteral("selfparent")};
        QTest::newRow("security 4624: no field mappings") << Fields {{"Channel", "Security"}, {"EventID", "4624"},
            {"NewProcessName", "C:\\Windows\\whoami.exe"}, {"TargetUserName", "alice"}}
                                                          << QStringList {QStringLiteral("notsystem")};
        QTest::newRow("logsource routing: a Windows rule never sees a Linux event")
            << Fields {{"source_type", "syslog"}, {"EventID", "4625"}, {"Image", "C:\\whoami.exe"}} << QStringList();
        QTest::newRow("keyword in the message")
            << Fields {{"source_type", "syslog"}, {"message", "app[12]: segfault at 0 ip 00007f"}}
            << QStringList {QStringLiteral("keyword")};
        QTest::newRow("unmapped event: nothing applies")
            << Fields {{"message", "segfault at 0"}, {"Image", "C:\\whoami.exe"}} << QStringList();
    }

    void events() {
        QFETCH(Fields, fields);
        QFETCH(QStringList, expected);
        QCOMPARE(firedRules(*m_detector, fields), expected);
        // Again, the values' hits now from the scan cache; and without the cache.
        QCOMPARE(firedRules(*m_detector, fields), expected);
        QCOMPARE(firedRules(*m_uncached, fields), expected);
        QCOMPARE(m_uncached->evaluator().totals().scansCached, std::uint64_t(0));
    }

    // A value seen again is not scanned again: its hits come from the cache, and count.
    void repeatedValuesComeFromTheScanCache() {
        const Fields event {{"Channel", "Sysmon"}, {"EventID", "1"}, {"ParentImage", "C:\\Windows\\explorer.exe"},
            {"Image", "C:\\Tools\\whoami.exe"}, {"User", "CORP\\carol"}};
        const EvaluatorTotals before = m_detector->evaluator().totals();
        QCOMPARE(firedRules(*m_detector, event), QStringList {QStringLiteral("whoami")});
        const EvaluatorTotals first = m_detector->evaluator().totals();
        QVERIFY(first.fieldsScanned > before.fieldsScanned);
        QCOMPARE(firedRules(*m_detector, event), QStringList {QStringLiteral("whoami")});
        const EvaluatorTotals second = m_detector->evaluator().totals();
        QCOMPARE(second.fieldsScanned - first.fieldsScanned, first.fieldsScanned - before.fieldsScanned);
        QCOMPARE(second.scansCached - first.scansCached, second.fieldsScanned - first.fieldsScanned);
    }

    // Per-rule counters: evaluations only for candidates, matches as fired.
    void countsEvaluationsAndMatches() {
        const auto before = m_detector->evaluator().ruleStats()[0];
        firedRules(*m_detector,
            {{"Channel", "Sysmon"}, {"EventID", "1"}, {"ParentImage", "x"}, {"Image", "C:\\whoami.exe"},
                {"User", "u"}});
        firedRules(
            *m_detector, {{"Channel", "Sysmon"}, {"EventID", "1"}, {"ParentImage", "x"}, {"Image", "C:\\cmd.exe"}});
        const auto after = m_detector->evaluator().ruleStats()[0];
        QCOMPARE(after.evaluations - before.evaluations, std::uint64_t(1)); // cmd.exe hit no pattern of rule 0
        QCOMPARE(after.matches - before.matches, std::uint64_t(1));
    }

    void leavesOutOnlyCorrelationsThatCannotChain() {
        RuleCollection collection;
        loadText(kChainRules, "chain.yml", collection);
        resolveReferences(collection);
        QVERIFY(collection.failures.empty());
        auto detector = SigmaDetector::create(std::move(collection), LogsourceMap::fixed({}), SigmaOptions());
        QVERIFY2(detector, detector ? "" : detector.error().message.c_str());
        const std::vector<LoadFailure> &failures = (*detector)->rules().failures;
        QCOMPARE(failures.size(), std::size_t(1));
        QCOMPARE(failures[0].where.file, std::string("chain.yml"));
        QVERIFY2(
            failures[0].reason.find("decided when its window closes") != std::string::npos, failures[0].reason.c_str());
        QVERIFY(failures[0].reason.find("bytes_per_user") != std::string::npos);
        QCOMPARE((*detector)->correlationCount(), std::size_t(2)); // the value_sum and the plain count
    }

    // A correlation groups and counts by the fields its rules read: a Security 4688 event's
    // ParentProcessName and NewProcessName are its ParentImage and Image, so it joins the group
    // of a Sysmon event with the same parent.
    void correlationsReadMappedFields() {
        const auto run = [](const char *logsources) {
            std::unique_ptr<SigmaDetector> detector = makeDetector(SigmaOptions(), kMappedCorrelationRules, logsources);
            if (!detector)
                return QStringList {QStringLiteral("no detector")};
            EventBatch batch;
            const auto add = [&](std::int64_t second, const Fields &fields) {
                Event &event = batch.addEvent();
                event.timestampNs = (1'700'000'000 + second) * 1'000'000'000;
                for (const auto &[name, value] : fields)
                    batch.setField(event, internField(name.toStdString()), value.toStdString());
            };
            add(0,
                {{"Channel", "Sysmon"}, {"EventID", "1"}, {"Image", "C:\\Windows\\System32\\whoami.exe"},
                    {"ParentImage", "C:\\Temp\\loader.exe"}});
            add(5,
                {{"Channel", "Security"}, {"EventID", "4688"},
                    {"NewProcessName", "C:\\Windows\\System32\\hostname.exe"},
                    {"ParentProcessName", "C:\\Temp\\loader.exe"}});
            std::vector<analysis::EventRef> refs(batch.size());
            SigmaDetector::Output output;
            detector->process(batch, refs, output);
            QStringList fired;
            for (const analysis::Detection &detection : output.correlations) {
                QString text = QString::fromStdString(detection.ruleId);
                for (const auto &[field, value] : detection.group)
                    text += u' ' + QString::fromStdString(field) + u'=' + QString::fromStdString(value);
                fired.append(text);
            }
            fired.sort();
            return fired;
        };
        QCOMPARE(run(kLogsources),
            (QStringList {QStringLiteral("burst ParentImage=C:\\Temp\\loader.exe"),
                QStringLiteral("tools ParentImage=C:\\Temp\\loader.exe")}));
        // Without the mappings the 4688 event is no process creation: one event, no detection.
        QCOMPARE(run("logsources:\n  - when: {Channel: Security, EventID: 4688}\n"
                     "    logsource: {product: windows, category: process_creation}\n"
                     "  - when: {Channel: Sysmon, EventID: 1}\n"
                     "    logsource: {product: windows, category: process_creation}\n"),
            QStringList());
    }

private:
    std::unique_ptr<SigmaDetector> m_detector;
    std::unique_ptr<SigmaDetector> m_uncached; // the same rules with the scan cache off
};

QTEST_GUILESS_MAIN(TestSigmaEngine)
#include "tst_sigmaengine.moc"
