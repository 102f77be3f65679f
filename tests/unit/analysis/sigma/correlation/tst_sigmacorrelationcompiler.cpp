// SPDX-License-Identifier: Apache-2.0
// Sigma correlations compiled onto the correlation engine: the specification's example files
// (built here as the loader would build them), its chained example run end to end, aliases,
// condition mapping and every refusal.
#include "analysis/correlate/correlationengine.h"
#include "analysis/sigma/correlation/sigmacorrelationcompiler.h"

#include <QFile>
#include <QTest>

#include <map>

using namespace vanopticon;
using namespace vanopticon::analysis;
using namespace vanopticon::analysis::sigma;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kBaseNs = 1'767'225'600 * kSecond;

const std::string kSpecRule = "5638f7c0-ac70-491d-8465-2a65075e0d86";

// What the caller numbers the referenced rules (and correlations) as.
const std::map<std::string, SignalId, std::less<>> kSignals {
    {kSpecRule, 0},
    {"recon_cmd_a", 1},
    {"recon_cmd_b", 2},
    {"recon_cmd_c", 3},
    {"rule_a_id", 4},
    {"process_creation", 5},
    {"website_access", 6},
    {"failed_login", 10},
    {"53ba33fd-3a50-4468-a5ef-c583635cfa92", 10}, // failed_login's id
    {"successful_login", 11},
    {"multiple_failed_login", 20},
    {"internal_error", 30},
    {"new_network_connection", 31},
};

const SignalResolver kResolve = [](std::string_view reference) -> std::optional<SignalId> {
    const auto it = kSignals.find(reference);
    if (it == kSignals.end())
        return std::nullopt;
    return it->second;
};

CorrelationCondition condition(Comparison comparison, double value) {
    return CorrelationCondition {comparison, value};
}

SigmaCorrelation correlation(std::string title, std::string id, CorrelationKind kind, std::vector<std::string> rules,
    std::vector<std::string> groupBy, std::chrono::milliseconds timespan,
    std::vector<CorrelationCondition> conditions = {}, std::vector<std::string> fields = {}) {
    SigmaCorrelation c;
    c.meta.title = std::move(title);
    c.meta.id = std::move(id);
    c.kind = kind;
    c.rules = std::move(rules);
    c.groupBy = std::move(groupBy);
    c.timespan = timespan;
    c.conditions = std::move(conditions);
    c.conditionFields = std::move(fields);
    return c;
}

// The example files of sigma-specification/tests/schema/correlation, as the loader reads them.
std::map<std::string, SigmaCorrelation> specExamples() {
    std::map<std::string, SigmaCorrelation> out;
    out["event_count.yml"] = correlation("Many failed logins", "0e95725d-7320-415d-80f7-004da920fc11",
        CorrelationKind::EventCount, {kSpecRule}, {"ComputerName"}, 1h, {condition(Comparison::Gte, 100)});
    SigmaCorrelation ecs = correlation("Many failed logins", "0e95725d-7320-415d-80f7-004da920fc11",
        CorrelationKind::EventCount, {kSpecRule}, {"dns.question.name"}, 1h, {condition(Comparison::Gte, 100)});
    ecs.meta.taxonomy = "ecs";
    out["event_count_ecs.yml"] = ecs;
    out["temporal.yml"] = correlation("Recon", "", CorrelationKind::Temporal,
        {"recon_cmd_a", "recon_cmd_b", "recon_cmd_c"}, {"ComputerName", "User"}, 5min);
    out["temporal_ordered.yml"] = correlation("Recon ordered", "", CorrelationKind::TemporalOrdered,
        {"recon_cmd_a", "recon_cmd_b", "recon_cmd_c"}, {"ComputerName", "User"}, 5min);
    out["value_avg.yml"] = correlation("Suspicious average network traffic", "", CorrelationKind::ValueAvg,
        {"rule_a_id"}, {"SourceIP", "User"}, 24h, {condition(Comparison::Gt, 500)}, {"BytesOut"});
    out["value_count.yml"]
        = correlation("Failed login", "0e95725d-7320-415d-80f7-004da920fc12", CorrelationKind::ValueCount, {kSpecRule},
            {"ComputerName", "WorkstationName"}, 24h, {condition(Comparison::Gte, 100)}, {"User"});
    out["value_percentile.yml"]
        = correlation("A computer spawned a processes name in the last 24h than 1% of all the processes.", "",
            CorrelationKind::ValuePercentile, {"process_creation"}, {"ComputerName"}, 24h,
            {condition(Comparison::Lte, 1)}, {"Image"});
    out["value_sum.yml"] = correlation("Possible Exfiltration to Website", "", CorrelationKind::ValueSum,
        {"website_access"}, {"SourceIP", "User"}, 1h, {condition(Comparison::Gt, 1000000)}, {"bytes_sent"});
    return out;
}

// The specification's complete example: failed logins followed by a successful login.
SigmaCorrelation multipleFailedLogins() {
    SigmaCorrelation c = correlation("Multiple failed logons", "a8418a5a-5fc4-46b5-b23b-6c73beb19d41",
        CorrelationKind::EventCount, {"failed_login"}, {"User"}, 10min, {condition(Comparison::Gte, 10)});
    c.meta.name = "multiple_failed_login";
    c.meta.description = "Detects multiple failed logins within a certain amount of time";
    return c;
}

SigmaCorrelation failedThenSuccessful() {
    SigmaCorrelation c = correlation("Correlation - Multiple Failed Logins Followed by Successful Login",
        "b180ead8-d58f-40b2-ae54-c8940995b9b6", CorrelationKind::TemporalOrdered,
        {"multiple_failed_login", "successful_login"}, {"User"}, 10min);
    c.meta.status = "experimental";
    c.meta.description = "Detects multiple failed logins by a single user followed by a successful login of that user";
    c.meta.level = Severity::High;
    c.meta.falsepositives = {"Unlikely"};
    c.meta.where = SourceLocation {"rules/mr_failed_then_success.yml", 1, 1};
    return c;
}

// The specification's alias example.
SigmaCorrelation aliasExample() {
    SigmaCorrelation c = correlation("—", "—", CorrelationKind::Temporal, {"internal_error", "new_network_connection"},
        {"internal_ip", "remote_ip"}, 10s);
    c.aliases.push_back(
        FieldAlias {"internal_ip", {{"internal_error", "destination.ip"}, {"new_network_connection", "source.ip"}}});
    c.aliases.push_back(
        FieldAlias {"remote_ip", {{"internal_error", "source.ip"}, {"new_network_connection", "destination.ip"}}});
    return c;
}

CorrelationRule compiled(const SigmaCorrelation &c, SignalId emits) {
    auto rule = compileCorrelation(c, kResolve, emits);
    if (!rule)
        qFatal("does not compile: %s", rule.error().message.c_str());
    return std::move(*rule);
}

std::vector<std::string> names(const std::vector<FieldId> &fields) {
    std::vector<std::string> out;
    for (const FieldId id : fields)
        out.emplace_back(fieldName(id));
    return out;
}

struct Feed {
    EventBatch batch;
    std::vector<EventRef> refs;
    SignalTable signalTable;
    std::uint64_t nextId = 1;

    void add(
        int seconds, const std::vector<std::pair<std::string, std::string>> &fields, const std::vector<SignalId> &ids) {
        Event &event = batch.addEvent();
        event.timestampNs = kBaseNs + seconds * kSecond;
        for (const auto &[name, value] : fields)
            batch.setField(event, internField(name), value);
        signalTable.addEvent(ids);
        refs.push_back(EventRef {nextId++, "dc01"});
    }
    std::vector<Detection> run(CorrelationEngine &engine) const {
        std::vector<Detection> out;
        engine.process(batch, refs, signalTable, out);
        return out;
    }
};

} // namespace

class TestSigmaCorrelationCompiler : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void specExampleFiles_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("id");
        QTest::addColumn<QStringList>("groupBy");
        QTest::addColumn<qint64>("windowSeconds");
        QTest::addColumn<QString>("conditions"); // as conditionText writes them
        QTest::addColumn<QStringList>("valueFields");
        QTest::addColumn<QList<int>>("signalsTaken"); // the rule's, or one per step
        QTest::addColumn<bool>("atWindowClose");
        QTest::addRow("event_count") << u"event_count.yml"_s << u"event_count"_s
                                     << u"0e95725d-7320-415d-80f7-004da920fc11"_s << QStringList {u"ComputerName"_s}
                                     << qint64(3600) << u"x >= 100"_s << QStringList {} << QList<int> {0} << false;
        QTest::addRow("event_count_ecs") << u"event_count_ecs.yml"_s << u"event_count"_s
                                         << u"0e95725d-7320-415d-80f7-004da920fc11"_s
                                         << QStringList {u"dns.question.name"_s} << qint64(3600) << u"x >= 100"_s
                                         << QStringList {} << QList<int> {0} << false;
        QTest::addRow("temporal") << u"temporal.yml"_s << u"temporal"_s << u"Recon"_s
                                  << QStringList {u"ComputerName"_s, u"User"_s} << qint64(300) << QString()
                                  << QStringList {} << QList<int> {1, 2, 3} << false;
        QTest::addRow("temporal_ordered") << u"temporal_ordered.yml"_s << u"temporal_ordered"_s << u"Recon ordered"_s
                                          << QStringList {u"ComputerName"_s, u"User"_s} << qint64(300) << QString()
                                          << QStringList {} << QList<int> {1, 2, 3} << false;
        QTest::addRow("value_avg") << u"value_avg.yml"_s << u"value_avg"_s << u"Suspicious average network traffic"_s
                                   << QStringList {u"SourceIP"_s, u"User"_s} << qint64(86400) << u"x > 500"_s
                                   << QStringList {u"BytesOut"_s} << QList<int> {4} << false;
        QTest::addRow("value_count") << u"value_count.yml"_s << u"value_count"_s
                                     << u"0e95725d-7320-415d-80f7-004da920fc12"_s
                                     << QStringList {u"ComputerName"_s, u"WorkstationName"_s} << qint64(86400)
                                     << u"x >= 100"_s << QStringList {u"User"_s} << QList<int> {0} << false;
        QTest::addRow("value_percentile")
            << u"value_percentile.yml"_s << u"value_percentile"_s
            << u"A computer spawned a processes name in the last 24h than 1% of all the processes."_s
            << QStringList {u"ComputerName"_s} << qint64(86400) << u"x <= 1"_s << QStringList {u"Image"_s}
            << QList<int> {5} << true;
        QTest::addRow("value_sum") << u"value_sum.yml"_s << u"value_sum"_s << u"Possible Exfiltration to Website"_s
                                   << QStringList {u"SourceIP"_s, u"User"_s} << qint64(3600) << u"x > 1000000"_s
                                   << QStringList {u"bytes_sent"_s} << QList<int> {6} << false;
    }
    void specExampleFiles() {
        QFETCH(QString, file);
        QFETCH(QString, type);
        QFETCH(QString, id);
        QFETCH(QStringList, groupBy);
        QFETCH(qint64, windowSeconds);
        QFETCH(QString, conditions);
        QFETCH(QStringList, valueFields);
        QFETCH(QList<int>, signalsTaken);
        QFETCH(bool, atWindowClose);

        // The C++ values stand for the file: check that they say what it says.
        QFile yaml(QStringLiteral(VANOPTICON_TEST_DATA_DIR "/sigma-specification/tests/schema/correlation/") + file);
        QVERIFY2(yaml.open(QIODevice::ReadOnly), qPrintable(yaml.fileName()));
        const QString text = QString::fromUtf8(yaml.readAll());
        QVERIFY(text.contains(u"type: "_s + type));
        for (const QString &field : groupBy)
            QVERIFY(text.contains(u"- "_s + field));
        for (const QString &field : valueFields)
            QVERIFY(text.contains(u"field: "_s + field));

        const SigmaCorrelation input = specExamples().at(file.toStdString());
        const CorrelationRule rule = compiled(input, 1000);
        QCOMPARE(QString::fromStdString(std::string(toString(rule.type))), type);
        QCOMPARE(QString::fromStdString(rule.id), id);
        QCOMPARE(rule.title, input.meta.title);
        QVERIFY(rule.severity == Severity::Medium); // no level
        QCOMPARE(rule.window, std::chrono::milliseconds(std::chrono::seconds(windowSeconds)));
        QStringList groupNames;
        for (const std::string &name : names(rule.groupBy))
            groupNames << QString::fromStdString(name);
        QCOMPARE(groupNames, groupBy);
        QCOMPARE(QString::fromStdString(conditionText(rule.conditions, "x")), conditions);
        QStringList valueNames;
        for (const std::string &name : names(rule.valueFields))
            valueNames << QString::fromStdString(name);
        QCOMPARE(valueNames, valueFields);
        QList<int> taken;
        for (const SignalId s : rule.signalIds)
            taken << static_cast<int>(s);
        for (const CorrelationStep &step : rule.steps) {
            QCOMPARE(step.signalIds.size(), std::size_t(1));
            taken << static_cast<int>(step.signalIds.front());
        }
        QCOMPARE(taken, signalsTaken);
        QCOMPARE(rule.emits, std::optional<SignalId>(1000));
        QCOMPARE(decidedAtWindowClose(rule), atWindowClose);
        QVERIFY(validate(rule).ok());
        QVERIFY(CorrelationEngine::create({rule}).ok());
    }

    void allSpecExamplesRunTogether() {
        std::vector<CorrelationRule> rules;
        SignalId emits = 100;
        for (const auto &[file, input] : specExamples()) {
            CorrelationRule rule = compiled(input, emits++);
            rule.id += "@" + file; // two examples share an id
            rules.push_back(std::move(rule));
        }
        auto engine = CorrelationEngine::create(std::move(rules));
        QVERIFY2(engine.ok(), engine.ok() ? "" : engine.error().message.c_str());
        QCOMPARE(engine->ruleCount(), std::size_t(8));
    }

    void specExampleRunsOnTheEngine() {
        CorrelationEngine engine
            = CorrelationEngine::create({compiled(specExamples().at("value_sum.yml"), 1000)}).value();
        Feed feed;
        feed.add(0, {{"SourceIP", "10.1.1.1"}, {"User", "carol"}, {"bytes_sent", "700000"}}, {6});
        feed.add(1, {{"SourceIP", "10.1.1.2"}, {"User", "carol"}, {"bytes_sent", "700000"}}, {6});
        feed.add(2, {{"SourceIP", "10.1.1.1"}, {"User", "carol"}, {"bytes_sent", "400000"}}, {7}); // another rule
        feed.add(3, {{"SourceIP", "10.1.1.1"}, {"User", "carol"}, {"bytes_sent", "400000"}}, {6});
        const std::vector<Detection> detections = feed.run(engine);
        QCOMPARE(detections.size(), std::size_t(1));
        QCOMPARE(detections[0].title, std::string("Possible Exfiltration to Website"));
        QCOMPARE(detections[0].group,
            (std::vector<std::pair<std::string, std::string>> {{"SourceIP", "10.1.1.1"}, {"User", "carol"}}));
        QCOMPARE(detections[0].eventCount, 2u);
        QCOMPARE(QString::fromStdString(detections[0].explanation),
            u"sum of bytes_sent 1100000 over 2 events matching rule website_access from SourceIP 10.1.1.1, User carol "
            "within 1h (condition sum > 1000000)"_s);
    }

    // The specification's "Failed Logins Followed by Successful Login": a chain of two
    // correlations over two rules.
    void failedLoginsFollowedBySuccessfulLogin_data() {
        QTest::addColumn<int>("failures");
        QTest::addColumn<QString>("successUser");
        QTest::addColumn<int>("successAt");
        QTest::addColumn<bool>("fires");
        QTest::addRow("10 failures, then success") << 10 << u"alice"_s << 20 << true;
        QTest::addRow("9 failures, then success") << 9 << u"alice"_s << 20 << false;
        QTest::addRow("success of another user") << 10 << u"bob"_s << 20 << false;
        QTest::addRow("success 10 minutes after the tenth failure") << 10 << u"alice"_s << 609 << true;
        QTest::addRow("success too late") << 10 << u"alice"_s << 610 << false;
    }
    void failedLoginsFollowedBySuccessfulLogin() {
        QFETCH(int, failures);
        QFETCH(QString, successUser);
        QFETCH(int, successAt);
        QFETCH(bool, fires);
        // Numbered as SigmaDetector numbers them: rules, then correlations.
        const CorrelationRule outer = compiled(failedThenSuccessful(), 21);
        const CorrelationRule inner = compiled(multipleFailedLogins(), 20);
        QVERIFY(outer.severity == Severity::High);
        QVERIFY(inner.severity == Severity::Medium);
        QCOMPARE(outer.source, std::string("rules/mr_failed_then_success.yml:1:1"));
        QCOMPARE(outer.steps.front().signalIds, std::vector<SignalId> {20});
        auto engine = CorrelationEngine::create({outer, inner});
        QVERIFY(engine.ok());

        Feed feed;
        for (int i = 0; i < failures; ++i)
            feed.add(i, {{"EventID", "4625"}, {"User", "alice"}}, {10});
        feed.add(successAt, {{"EventID", "4624"}, {"User", successUser.toStdString()}}, {11});
        const std::vector<Detection> detections = feed.run(*engine);
        std::vector<const Detection *> chained;
        for (const Detection &d : detections) {
            if (d.ruleId == outer.id)
                chained.push_back(&d);
        }
        QCOMPARE(chained.size(), std::size_t(fires ? 1 : 0));
        if (!fires)
            return;
        const Detection &d = *chained.front();
        QCOMPARE(d.ruleId, std::string("b180ead8-d58f-40b2-ae54-c8940995b9b6"));
        QCOMPARE(d.title, std::string("Correlation - Multiple Failed Logins Followed by Successful Login"));
        QVERIFY(d.severity == Severity::High);
        QCOMPARE(d.group, (std::vector<std::pair<std::string, std::string>> {{"User", "alice"}}));
        QCOMPARE(d.eventCount, 2u); // the tenth failure (where the count fired) and the success
        QCOMPARE(d.evidence.back().eventId, std::uint64_t(failures + 1));
        QCOMPARE(QString::fromStdString(d.explanation),
            u"sequence completed by User alice within 10m: 1 event matching rule multiple_failed_login, then 1 event "
            "matching rule successful_login (2 events over %1)"_s.arg(
                QString::fromStdString(formatDuration(std::chrono::seconds(successAt - (failures - 1))))));
        // The inner correlation fired on the tenth failure and is a detection of its own.
        QCOMPARE(detections.front().ruleId, std::string("a8418a5a-5fc4-46b5-b23b-6c73beb19d41"));
        QCOMPARE(detections.front().eventCount, 10u);
    }

    void aliases() {
        const CorrelationRule rule = compiled(aliasExample(), 40);
        QCOMPARE(rule.id, std::string("—"));
        QCOMPARE(names(rule.groupBy), (std::vector<std::string> {"internal_ip", "remote_ip"}));
        QCOMPARE(rule.aliases.size(), std::size_t(2));
        QCOMPARE(rule.aliases[0].signal, SignalId(30));
        QCOMPARE(names(rule.aliases[0].fields), (std::vector<std::string> {"destination.ip", "source.ip"}));
        QCOMPARE(rule.aliases[1].signal, SignalId(31));
        QCOMPARE(names(rule.aliases[1].fields), (std::vector<std::string> {"source.ip", "destination.ip"}));

        auto engine = CorrelationEngine::create({rule});
        QVERIFY(engine.ok());
        Feed feed;
        feed.add(0,
            {{"http.response.status_code", "500"}, {"destination.ip", "10.0.0.5"}, {"source.ip", "203.0.113.9"}}, {30});
        feed.add(4, {{"source.ip", "10.0.0.5"}, {"destination.ip", "198.51.100.1"}}, {31}); // another remote
        feed.add(6, {{"source.ip", "10.0.0.5"}, {"destination.ip", "203.0.113.9"}}, {31});
        const std::vector<Detection> detections = feed.run(*engine);
        QCOMPARE(detections.size(), std::size_t(1));
        QCOMPARE(detections[0].group,
            (std::vector<std::pair<std::string, std::string>> {
                {"internal_ip", "10.0.0.5"}, {"remote_ip", "203.0.113.9"}}));
        QCOMPARE(detections[0].eventCount, 2u);
    }

    void aliasOnlyForSomeGroupByFields() {
        SigmaCorrelation c = aliasExample();
        c.groupBy = {"internal_ip", "User"};
        const CorrelationRule rule = compiled(c, 40);
        QCOMPARE(names(rule.aliases[0].fields), (std::vector<std::string> {"destination.ip", "User"}));
        QCOMPARE(names(rule.aliases[1].fields), (std::vector<std::string> {"source.ip", "User"}));
    }

    // A temporal condition is a count of distinct rules, 1 to n: what only the larger counts meet
    // is decided as soon as met; anything else when the window closes.
    void temporalConditions_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QList<int>>("comparisons"); // Comparison values, each followed by its value
        QTest::addColumn<QString>("expected"); // conditionText; "error: …" for a refusal
        QTest::addColumn<bool>("atWindowClose");
        const int temporal = static_cast<int>(CorrelationKind::Temporal);
        const int ordered = static_cast<int>(CorrelationKind::TemporalOrdered);
        const int gt = static_cast<int>(Comparison::Gt), gte = static_cast<int>(Comparison::Gte);
        const int lt = static_cast<int>(Comparison::Lt), lte = static_cast<int>(Comparison::Lte);
        const int eq = static_cast<int>(Comparison::Eq);
        QTest::addRow("none: all") << temporal << QList<int> {} << QString() << false;
        QTest::addRow("gte 3: all") << temporal << QList<int> {gte, 3} << QString() << false;
        QTest::addRow("gt 2: all") << temporal << QList<int> {gt, 2} << QString() << false;
        QTest::addRow("eq 3: all") << temporal << QList<int> {eq, 3} << QString() << false;
        QTest::addRow("gte 2") << temporal << QList<int> {gte, 2} << u"steps >= 2"_s << false;
        QTest::addRow("gt 1") << temporal << QList<int> {gt, 1} << u"steps >= 2"_s << false;
        QTest::addRow("lte 3: any") << temporal << QList<int> {lte, 3} << u"steps >= 1"_s << false;
        QTest::addRow("lt 3") << temporal << QList<int> {lt, 3} << u"steps < 3"_s << true;
        QTest::addRow("eq 2") << temporal << QList<int> {eq, 2} << u"steps == 2"_s << true;
        QTest::addRow("lt 1") << temporal << QList<int> {lt, 1}
                              << u"error: correlation 'Recon': the condition can never hold with 3 rules"_s << false;
        QTest::addRow("ordered gte 3") << ordered << QList<int> {gte, 3} << QString() << false;
        QTest::addRow("ordered eq 3") << ordered << QList<int> {eq, 3} << QString() << false;
        QTest::addRow("ordered gte 2") << ordered << QList<int> {gte, 2}
                                       << u"error: correlation 'Recon': temporal_ordered needs all its 3 rules in "
                                          u"order: its condition can only be "
                                          "met by all of them (gte: 3)"_s
                                       << false;
        QTest::addRow("ordered lt 3")
            << ordered << QList<int> {lt, 3}
            << u"error: correlation 'Recon': temporal_ordered needs all its 3 rules in order: "
               "its condition can only be met by all of them (gte: 3)"_s
            << false;
    }
    void temporalConditions() {
        QFETCH(int, kind);
        QFETCH(QList<int>, comparisons);
        QFETCH(QString, expected);
        QFETCH(bool, atWindowClose);
        SigmaCorrelation c = specExamples().at("temporal.yml");
        c.kind = static_cast<CorrelationKind>(kind);
        for (qsizetype i = 0; i + 1 < comparisons.size(); i += 2)
            c.conditions.push_back(condition(static_cast<Comparison>(comparisons[i]), comparisons[i + 1]));
        auto rule = compileCorrelation(c, kResolve, 1000);
        if (expected.startsWith(u"error: ")) {
            QVERIFY(!rule.ok());
            QCOMPARE(QString::fromStdString(rule.error().message), expected.mid(7));
            return;
        }
        QVERIFY2(rule.ok(), rule.ok() ? "" : rule.error().message.c_str());
        QCOMPARE(QString::fromStdString(conditionText(rule->conditions, "steps")), expected);
        QCOMPARE(decidedAtWindowClose(*rule), atWindowClose);
    }

    void refusals_data() {
        QTest::addColumn<int>("broken");
        QTest::addColumn<QString>("message");
        const QStringList messages {
            u"correlation 'Failed login': 'nope' in rules is not the id or name of a loaded rule or correlation"_s,
            u"correlation 'x': event_count needs a condition"_s,
            u"correlation 'x': value_count needs a field in its condition"_s,
            u"correlation 'x': a value_sum rule takes exactly one value field"_s,
            u"correlation 'x': alias 'internal_ip' names no field for 'new_network_connection'"_s,
            u"correlation 'x': alias 'internal_ip' names 'recon_cmd_a', which is not in rules"_s,
            u"correlation 'x': group-by names no field"_s,
            u"correlation 'x': timespan must be greater than zero"_s,
            u"correlation 'x': timespan must be at most 30d"_s,
            u"correlation 'x': refers to itself ('multiple_failed_login' in rules)"_s,
            u"correlation 'x': 'recon_cmd_a' in rules is the same rule as one before it"_s,
            u"correlation 'x': temporal needs at least 2 rules"_s,
            u"correlation 'x': event_count takes no field in its condition"_s,
            u"correlation 'x': needs a title"_s,
            u"correlation 'x': a percentile condition's value must be between 0 and 100"_s,
            u"correlation 'x': a count condition's value must be between 0 and 10000"_s,
            u"correlation 'x': 'rules' names no rule"_s,
            u"correlation 'x': group-by takes at most 8 fields"_s,
        };
        for (int i = 0; i < messages.size(); ++i)
            QTest::addRow("%d", i) << i << messages[i];
    }
    void refusals() {
        QFETCH(int, broken);
        QFETCH(QString, message);
        SigmaCorrelation c = specExamples().at("value_count.yml");
        c.meta.id = "x";
        SignalId emits = 1000;
        switch (broken) {
        case 0:
            c.meta.id.clear();
            c.rules.push_back("nope");
            break;
        case 1:
            c.kind = CorrelationKind::EventCount;
            c.conditions.clear();
            c.conditionFields.clear();
            break;
        case 2:
            c.conditionFields.clear();
            break;
        case 3:
            c.kind = CorrelationKind::ValueSum;
            c.conditionFields.push_back("bytes");
            break;
        case 4:
            c = aliasExample();
            c.meta.id = "x";
            c.aliases[0].fieldByRule.pop_back();
            break;
        case 5:
            c = aliasExample();
            c.meta.id = "x";
            c.aliases[0].fieldByRule.emplace_back("recon_cmd_a", "source.ip");
            break;
        case 6:
            c.groupBy.clear();
            break;
        case 7:
            c.timespan = 0ms;
            break;
        case 8:
            c.timespan = std::chrono::hours(24 * 31);
            break;
        case 9:
            c.rules = {"multiple_failed_login"};
            emits = 20;
            break;
        case 10:
            c = specExamples().at("temporal.yml");
            c.meta.id = "x";
            c.rules.push_back("recon_cmd_a");
            break;
        case 11:
            c = specExamples().at("temporal.yml");
            c.meta.id = "x";
            c.rules.resize(1);
            break;
        case 12:
            c.kind = CorrelationKind::EventCount;
            break;
        case 13:
            c.meta.title.clear();
            break;
        case 14:
            c.kind = CorrelationKind::ValuePercentile;
            c.conditions = {condition(Comparison::Lte, 150)};
            break;
        case 15:
            c.conditions = {condition(Comparison::Gte, 20000)};
            break;
        case 16:
            c.rules.clear();
            break;
        case 17:
            c.groupBy = {"a", "b", "c", "d", "e", "f", "g", "h", "i"};
            break;
        }
        auto rule = compileCorrelation(c, kResolve, emits);
        QVERIFY(!rule.ok());
        QCOMPARE(QString::fromStdString(rule.error().message), message);
    }

    void metadata() {
        SigmaCorrelation c = multipleFailedLogins();
        c.meta.level = Severity::Critical;
        c.meta.tags = {"attack.credential_access", "attack.t1110"};
        c.meta.description = std::string(5000, 'd');
        CorrelationRule rule = compiled(c, 20);
        QCOMPARE(rule.id, std::string("a8418a5a-5fc4-46b5-b23b-6c73beb19d41"));
        QVERIFY(rule.severity == Severity::Critical);
        QCOMPARE(rule.tags, c.meta.tags);
        QCOMPARE(rule.description.size(), ruleLimits::kMaxDescriptionLength);
        QCOMPARE(rule.label, std::string("rule failed_login"));
        QCOMPARE(rule.signalIds, std::vector<SignalId> {10});
        QCOMPARE(rule.confidence, 1.0);
        QVERIFY(rule.source.empty()); // no file

        c.meta.id.clear();
        QCOMPARE(compiled(c, 20).id, std::string("multiple_failed_login")); // the name, without an id
        c.meta.name.clear();
        QCOMPARE(compiled(c, 20).id, std::string("Multiple failed logons")); // the title, without both
        // A long title is cut to an id's length, never inside a UTF-8 sequence.
        std::string title;
        for (int i = 0; i < 100; ++i)
            title += "é";
        c.meta.title = title;
        const std::string id = compiled(c, 20).id;
        QCOMPARE(id.size(), std::size_t(128));
        QCOMPARE(id, title.substr(0, 128));

        // The same rule referred to by its name and its id counts its events once.
        c.rules = {"failed_login", "53ba33fd-3a50-4468-a5ef-c583635cfa92"};
        rule = compiled(c, 20);
        QCOMPARE(rule.signalIds, std::vector<SignalId> {10});
        QCOMPARE(rule.label, std::string("rules failed_login, 53ba33fd-3a50-4468-a5ef-c583635cfa92"));
    }
};

QTEST_GUILESS_MAIN(TestSigmaCorrelationCompiler)
#include "tst_sigmacorrelationcompiler.moc"
