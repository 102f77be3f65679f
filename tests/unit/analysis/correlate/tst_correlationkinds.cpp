// SPDX-License-Identifier: Apache-2.0
// The correlation kinds next to event_count and temporal_ordered (value_count, temporal,
// value_sum, value_avg, value_percentile), conditions with upper bounds decided when a window
// closes, events taken by signal, aliases and chained rules.
#include "analysis/correlate/correlationengine.h"
#include "analysis/correlate/signaltable.h"
#include "analysis/correlate/valuecounter.h"
#include "analysis/correlate/valuewindow.h"
#include "shared/config/section.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <numeric>

using namespace vanopticon;
using namespace vanopticon::analysis;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kBaseNs = 1'700'000'000 * kSecond;

using Fields = std::vector<std::pair<std::string, std::string>>;

// Events with the signals the caller (e.g. the Sigma engine) found on them.
struct Feed {
    EventBatch batch;
    std::vector<EventRef> refs;
    SignalTable signalTable;
    std::uint64_t nextId = 1;

    explicit Feed(std::uint64_t firstId = 1)
        : nextId(firstId) { }

    Event &add(
        double seconds, const Fields &fields, const std::vector<SignalId> &ids = {}, std::string_view node = "node-a") {
        Event &event = batch.addEvent();
        event.timestampNs = kBaseNs + static_cast<std::int64_t>(std::llround(seconds * 1e9));
        for (const auto &[name, value] : fields)
            batch.setField(event, internField(name), value);
        signalTable.addEvent(ids);
        refs.push_back(EventRef {nextId++, node});
        return event;
    }
    std::vector<Detection> run(
        CorrelationEngine &engine, CorrelationEngine::Repeats repeats = CorrelationEngine::Repeats::EachEvent) const {
        std::vector<Detection> out;
        engine.process(batch, refs, signalTable, out, {}, repeats);
        return out;
    }
};

// "gt 2.5 lte 4" → conditions.
std::vector<RuleCondition> conditions(const QString &text) {
    std::vector<RuleCondition> out;
    const QStringList parts = text.split(u' ', Qt::SkipEmptyParts);
    for (qsizetype i = 0; i + 1 < parts.size(); i += 2) {
        static const QStringList kOps {u"gt"_s, u"gte"_s, u"lt"_s, u"lte"_s, u"eq"_s, u"neq"_s};
        const qsizetype op = kOps.indexOf(parts[i]);
        if (op < 0)
            qFatal("unknown comparison in test data");
        out.push_back(RuleCondition {static_cast<CompareOp>(op), parts[i + 1].toDouble()});
    }
    return out;
}

CorrelationRule rule(std::string id, CorrelationType type, std::vector<std::string> groupBy,
    std::chrono::milliseconds window, const QString &condition = {}) {
    CorrelationRule r;
    r.id = std::move(id);
    r.title = "Title of " + r.id;
    r.type = type;
    for (const std::string &name : groupBy)
        r.groupBy.push_back(internField(name));
    r.window = window;
    r.conditions = conditions(condition);
    return r;
}

CorrelationStep signalStep(SignalId signal, std::string label) {
    CorrelationStep step;
    step.signalIds = {signal};
    step.label = std::move(label);
    return step;
}

CorrelationEngine engineWith(std::vector<CorrelationRule> rules, CorrelationLimits limits = {}) {
    auto engine = CorrelationEngine::create(std::move(rules), limits);
    if (!engine)
        qFatal("test rules do not load: %s", engine.error().message.c_str());
    return std::move(*engine);
}

CorrelationEngine engineWith(CorrelationRule single, CorrelationLimits limits = {}) {
    std::vector<CorrelationRule> rules;
    rules.push_back(std::move(single));
    return engineWith(std::move(rules), limits);
}

QList<int> eventCounts(const std::vector<Detection> &detections) {
    QList<int> counts;
    for (const Detection &d : detections)
        counts.append(static_cast<int>(d.eventCount));
    return counts;
}

std::vector<std::uint64_t> evidenceIds(const Detection &detection) {
    std::vector<std::uint64_t> ids;
    for (const Evidence &e : detection.evidence)
        ids.push_back(e.eventId);
    return ids;
}

// "10 alice" → (10, "alice"): an offset in seconds and a value.
std::pair<double, std::string> timed(const QString &spec) {
    const QStringList parts = spec.split(u' ');
    if (parts.size() != 2)
        qFatal("bad test event");
    return {parts[0].toDouble(), parts[1].toStdString()};
}

// A group's detections merged per batch: one holding all the events (these tests have one group).
QList<int> mergedCounts(const QList<int> &perEvent) {
    if (perEvent.isEmpty())
        return {};
    return {std::accumulate(perEvent.begin(), perEvent.end(), 0)};
}

// The same events fed one per batch give the same detections: state lives in the engine.
template<typename Add> QList<int> oneByOne(CorrelationEngine &engine, const QStringList &events, Add add) {
    QList<int> counts;
    std::uint64_t id = 1;
    for (const QString &spec : events) {
        Feed single(id++);
        add(single, spec);
        counts += eventCounts(single.run(engine));
    }
    return counts;
}

} // namespace

class TestCorrelationKinds : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void signalTable() {
        SignalTable table;
        QCOMPARE(table.eventCount(), std::size_t(0));
        QVERIFY(table.of(0).empty());
        table.add(1);
        table.add(2);
        table.endEvent();
        table.endEvent();
        const std::vector<SignalId> three {3};
        table.addEvent(three);
        QCOMPARE(table.eventCount(), std::size_t(3));
        QCOMPARE(std::vector<SignalId>(table.of(0).begin(), table.of(0).end()), (std::vector<SignalId> {1, 2}));
        QVERIFY(table.of(1).empty());
        QCOMPARE(std::vector<SignalId>(table.of(2).begin(), table.of(2).end()), three);
        QVERIFY(table.of(3).empty());
        QCOMPARE(std::vector<std::uint32_t>(table.offsets().begin(), table.offsets().end()),
            (std::vector<std::uint32_t> {0, 2, 2, 3}));
        table.clear();
        QCOMPARE(table.eventCount(), std::size_t(0));
        QVERIFY(table.ids().empty());
    }

    // event_count over signal 7, per User, 60 s.
    void eventCountBySignal_data() {
        QTest::addColumn<QString>("condition");
        QTest::addColumn<QList<int>>("offsets");
        QTest::addColumn<QList<int>>("expected");
        QTest::addRow("gte 3") << u"gte 3"_s << QList<int> {0, 1, 2} << QList<int> {3};
        QTest::addRow("gte 3, two events") << u"gte 3"_s << QList<int> {0, 1} << QList<int> {};
        QTest::addRow("gt 3 needs 4") << u"gt 3"_s << QList<int> {0, 1, 2} << QList<int> {};
        QTest::addRow("gt 3") << u"gt 3"_s << QList<int> {0, 1, 2, 3} << QList<int> {4};
        QTest::addRow("gt 2.5") << u"gt 2.5"_s << QList<int> {0, 1, 2} << QList<int> {3};
        QTest::addRow("gte 2.5") << u"gte 2.5"_s << QList<int> {0, 1, 2} << QList<int> {3};
        QTest::addRow("two lower bounds") << u"gte 2 gt 3"_s << QList<int> {0, 1, 2, 3} << QList<int> {4};
        QTest::addRow("repeats") << u"gte 3"_s << QList<int> {0, 1, 2, 3} << QList<int> {3, 1};
        QTest::addRow("window slides") << u"gte 3"_s << QList<int> {0, 30, 61, 62} << QList<int> {3};
    }
    void eventCountBySignal() {
        QFETCH(QString, condition);
        QFETCH(QList<int>, offsets);
        QFETCH(QList<int>, expected);
        CorrelationRule r = rule("many", CorrelationType::EventCount, {"User"}, 60s, condition);
        r.signalIds = {7};
        CorrelationEngine engine = engineWith(r);
        Feed feed;
        for (int offset : offsets)
            feed.add(offset, {{"User", "alice"}}, {7});
        QCOMPARE(eventCounts(feed.run(engine)), expected);
    }

    void signalsSelectTheEvents() {
        CorrelationRule r = rule("many", CorrelationType::EventCount, {"User"}, 60s, u"gte 3"_s);
        r.signalIds = {7, 9};
        CorrelationEngine engine = engineWith(r);
        Feed feed;
        feed.add(0, {{"User", "alice"}}, {7});
        feed.add(1, {{"User", "alice"}}, {8});
        feed.add(2, {{"User", "alice"}}, {9});
        feed.add(3, {{"User", "alice"}});
        feed.add(4, {{"User", "alice"}}, {8, 7});
        const std::vector<Detection> detections = feed.run(engine);
        QCOMPARE(eventCounts(detections), QList<int> {3});
        QCOMPARE(evidenceIds(detections[0]), (std::vector<std::uint64_t> {1, 3, 5}));
        QCOMPARE(engine.counters().front().eventsMatched, 3u);

        // Without signals (the old overload, or an empty table) nothing is taken.
        CorrelationEngine unsignalled = engineWith(r);
        std::vector<Detection> out;
        unsignalled.process(feed.batch, feed.refs, out);
        QVERIFY(out.empty());
        QCOMPARE(unsignalled.counters().front().eventsMatched, 0u);
    }

    void signalAndFilterBothApply() {
        CorrelationRule r = rule("many", CorrelationType::EventCount, {"User"}, 60s, u"gte 2"_s);
        r.signalIds = {7};
        auto filter = expr::Expression::parse(R"(event_type == "auth_failed")");
        QVERIFY(filter.ok());
        r.filter = *filter;
        CorrelationEngine engine = engineWith(r);
        Feed feed;
        feed.add(0, {{"User", "alice"}, {"event_type", "auth_success"}}, {7});
        feed.add(1, {{"User", "alice"}, {"event_type", "auth_failed"}}, {7});
        feed.add(2, {{"User", "alice"}, {"event_type", "auth_failed"}});
        feed.add(3, {{"User", "alice"}, {"event_type", "auth_failed"}}, {7});
        const std::vector<Detection> detections = feed.run(engine);
        QCOMPARE(eventCounts(detections), QList<int> {2});
        QCOMPARE(evidenceIds(detections[0]), (std::vector<std::uint64_t> {2, 4}));
    }

    // value_count of User per SourceIp, at least 3 within 60 s. Events: "offset user".
    void valueCount_data() {
        QTest::addColumn<QStringList>("events");
        QTest::addColumn<QList<int>>("expected");
        QTest::addRow("three users") << QStringList {u"0 a"_s, u"1 b"_s, u"2 c"_s} << QList<int> {3};
        QTest::addRow("one user many times") << QStringList {u"0 a"_s, u"1 a"_s, u"2 a"_s, u"3 b"_s} << QList<int> {};
        QTest::addRow("repeats while above")
            << QStringList {u"0 a"_s, u"1 b"_s, u"2 c"_s, u"3 a"_s, u"4 d"_s} << QList<int> {3, 1, 1};
        QTest::addRow("spread over more than the window")
            << QStringList {u"0 a"_s, u"30 b"_s, u"61 c"_s} << QList<int> {};
        QTest::addRow("exactly the window") << QStringList {u"0 a"_s, u"30 b"_s, u"60 c"_s} << QList<int> {3};
        // a is seen again at 50, so it is still inside the window ending at 61.
        QTest::addRow("a value seen again stays")
            << QStringList {u"0 a"_s, u"30 b"_s, u"50 a"_s, u"61 c"_s} << QList<int> {3};
        QTest::addRow("out of order") << QStringList {u"10 a"_s, u"5 b"_s, u"8 c"_s} << QList<int> {3};
        QTest::addRow("late event outside the window")
            << QStringList {u"100 a"_s, u"101 b"_s, u"20 c"_s} << QList<int> {};
        QTest::addRow("below again, then reached again")
            << QStringList {u"0 a"_s, u"1 b"_s, u"2 c"_s, u"70 d"_s, u"71 e"_s, u"72 f"_s} << QList<int> {3, 3};
    }
    void valueCount() {
        QFETCH(QStringList, events);
        QFETCH(QList<int>, expected);
        const auto make = [] {
            CorrelationRule r = rule("spray", CorrelationType::ValueCount, {"SourceIp"}, 60s, u"gte 3"_s);
            r.signalIds = {1};
            r.valueFields = {internField("User")};
            return engineWith(r);
        };
        const auto add = [](Feed &feed, const QString &spec) {
            const auto [offset, user] = timed(spec);
            feed.add(offset, {{"SourceIp", "203.0.113.7"}, {"User", user}}, {1});
        };
        CorrelationEngine engine = make();
        Feed feed;
        for (const QString &spec : events)
            add(feed, spec);
        QCOMPARE(eventCounts(feed.run(engine)), expected);
        CorrelationEngine single = make();
        QCOMPARE(oneByOne(single, events, add), expected);
        CorrelationEngine merging = make();
        QCOMPARE(eventCounts(feed.run(merging, CorrelationEngine::Repeats::MergedPerBatch)), mergedCounts(expected));
    }

    void valueCountDetection() {
        CorrelationRule r = rule("spray", CorrelationType::ValueCount, {"SourceIp"}, 60s, u"gt 2"_s);
        r.signalIds = {1};
        r.valueFields = {internField("User")};
        r.label = "rule failed_login";
        r.severity = Severity::High;
        CorrelationEngine engine = engineWith(r);
        Feed feed;
        feed.add(0, {{"SourceIp", "203.0.113.7"}, {"User", "a"}}, {1});
        feed.add(1, {{"SourceIp", "198.51.100.2"}, {"User", "b"}}, {1}); // another group
        feed.add(2, {{"SourceIp", "203.0.113.7"}, {"User", "b"}}, {1});
        feed.add(3, {{"SourceIp", "203.0.113.7"}}, {1}); // no value: not counted
        feed.add(4, {{"SourceIp", "203.0.113.7"}, {"User", "c"}}, {1}, "node-b");
        const std::vector<Detection> detections = feed.run(engine);
        QCOMPARE(detections.size(), std::size_t(1));
        const Detection &d = detections[0];
        QCOMPARE(d.ruleId, std::string("spray"));
        QVERIFY(d.severity == Severity::High);
        QCOMPARE(d.group, (Fields {{"SourceIp", "203.0.113.7"}}));
        QCOMPARE(d.nodeId, std::string("node-b"));
        QCOMPARE(d.eventCount, 3u);
        QCOMPARE(evidenceIds(d), (std::vector<std::uint64_t> {1, 3, 5}));
        QCOMPARE(d.firstSeenNs, kBaseNs);
        QCOMPARE(d.lastSeenNs, kBaseNs + 4 * kSecond);
        QCOMPARE(QString::fromStdString(d.explanation),
            u"3 events matching rule failed_login from SourceIp 203.0.113.7 with at least 3 distinct values of User "
            "within 60s (threshold 3)"_s);
        const RuleCounters counters = engine.counters().front();
        QCOMPARE(counters.eventsWithoutValue, 1u);
        QCOMPARE(counters.groupsLive, 2u);
    }

    void valueCountMemoryIsBounded() {
        ValueCounter counter(60 * kSecond, 5, 10);
        ValueCountState state;
        std::size_t fired = 0;
        for (int i = 0; i < 1000; ++i) {
            const CountOutcome outcome
                = counter.add(state, "user" + std::to_string(i), kBaseNs + i * kSecond / 100, std::uint64_t(i));
            fired += outcome.fired ? 1 : 0;
            QVERIFY(state.entries.size() <= 5);
            QVERIFY(outcome.evidence.size() <= 10);
        }
        QCOMPARE(fired, std::size_t(996)); // from the fifth value on
        QCOMPARE(state.entries.back().value, std::string("user999"));
    }

    // temporal over signals 1, 2, 3 per User within 5 minutes. Events: "offset signals" where
    // signals is like "1" or "1+2".
    void temporal_data() {
        QTest::addColumn<QString>("condition");
        QTest::addColumn<QStringList>("events");
        QTest::addColumn<QList<int>>("expected");
        QTest::addRow("in order") << QString() << QStringList {u"0 1"_s, u"10 2"_s, u"20 3"_s} << QList<int> {3};
        QTest::addRow("any order") << QString() << QStringList {u"0 3"_s, u"10 1"_s, u"20 2"_s} << QList<int> {3};
        QTest::addRow("two of three") << QString() << QStringList {u"0 1"_s, u"10 2"_s} << QList<int> {};
        QTest::addRow("repeats before completion")
            << QString() << QStringList {u"0 1"_s, u"5 1"_s, u"10 2"_s, u"20 3"_s} << QList<int> {4};
        QTest::addRow("beyond the window")
            << QString() << QStringList {u"0 1"_s, u"10 2"_s, u"301 3"_s} << QList<int> {};
        QTest::addRow("exactly the window")
            << QString() << QStringList {u"0 1"_s, u"10 2"_s, u"300 3"_s} << QList<int> {3};
        QTest::addRow("a repeat keeps a step inside")
            << QString() << QStringList {u"0 1"_s, u"10 2"_s, u"200 1"_s, u"301 3"_s} << QList<int> {3};
        QTest::addRow("one event meets two steps")
            << QString() << QStringList {u"0 1+2"_s, u"10 3"_s} << QList<int> {2};
        QTest::addRow("starts over after firing")
            << QString() << QStringList {u"0 1"_s, u"1 2"_s, u"2 3"_s, u"3 1"_s, u"4 2"_s} << QList<int> {3};
        QTest::addRow("fires again after a new set")
            << QString() << QStringList {u"0 1"_s, u"1 2"_s, u"2 3"_s, u"3 1"_s, u"4 2"_s, u"5 3"_s}
            << QList<int> {3, 3};
        QTest::addRow("late event") << QString() << QStringList {u"400 1"_s, u"401 2"_s, u"50 3"_s} << QList<int> {};
        QTest::addRow("gte 2") << u"gte 2"_s << QStringList {u"0 3"_s, u"10 1"_s} << QList<int> {2};
        QTest::addRow("gte 2, one step twice") << u"gte 2"_s << QStringList {u"0 3"_s, u"10 3"_s} << QList<int> {};
    }
    void temporal() {
        QFETCH(QString, condition);
        QFETCH(QStringList, events);
        QFETCH(QList<int>, expected);
        const auto make = [&] {
            CorrelationRule r = rule("recon", CorrelationType::Temporal, {"User"}, 5min, condition);
            for (SignalId s : {1u, 2u, 3u})
                r.steps.push_back(signalStep(s, "rule recon_" + std::to_string(s)));
            return engineWith(r);
        };
        const auto add = [](Feed &feed, const QString &spec) {
            const QStringList parts = spec.split(u' ');
            std::vector<SignalId> ids;
            for (const QString &id : parts[1].split(u'+'))
                ids.push_back(id.toUInt());
            feed.add(parts[0].toDouble(), {{"User", "bob"}}, ids);
        };
        CorrelationEngine engine = make();
        Feed feed;
        for (const QString &spec : events)
            add(feed, spec);
        QCOMPARE(eventCounts(feed.run(engine)), expected);
        CorrelationEngine single = make();
        QCOMPARE(oneByOne(single, events, add), expected);
    }

    void temporalDetection() {
        CorrelationRule r = rule("recon", CorrelationType::Temporal, {"ComputerName", "User"}, 5min);
        for (SignalId s : {1u, 2u, 3u})
            r.steps.push_back(signalStep(s, "rule recon_cmd_" + std::to_string(s)));
        CorrelationEngine engine = engineWith(r);
        Feed feed;
        feed.add(0, {{"ComputerName", "pc1"}, {"User", "bob"}}, {2});
        feed.add(30, {{"ComputerName", "pc2"}, {"User", "bob"}}, {1}); // another computer
        feed.add(60, {{"ComputerName", "pc1"}, {"User", "bob"}}, {3});
        feed.add(120, {{"ComputerName", "pc1"}, {"User", "bob"}}, {1});
        const std::vector<Detection> detections = feed.run(engine);
        QCOMPARE(detections.size(), std::size_t(1));
        const Detection &d = detections[0];
        QCOMPARE(d.group, (Fields {{"ComputerName", "pc1"}, {"User", "bob"}}));
        QCOMPARE(d.eventCount, 3u);
        QCOMPARE(evidenceIds(d), (std::vector<std::uint64_t> {1, 3, 4}));
        QCOMPARE(d.firstSeenNs, kBaseNs);
        QCOMPARE(d.lastSeenNs, kBaseNs + 120 * kSecond);
        QCOMPARE(QString::fromStdString(d.explanation),
            u"3 of 3 steps by ComputerName pc1, User bob within 5m, in any order: rule recon_cmd_1; rule recon_cmd_2; "
            "rule recon_cmd_3 (3 events over 2m)"_s);
        QCOMPARE(engine.counters().front().groupsLive, 1u); // pc1 started over, pc2 waits
    }

    // Sigma's field name aliases: one group-by name, a different field in each rule's events.
    void aliases() {
        CorrelationRule r
            = rule("internal_error_then_connection", CorrelationType::Temporal, {"internal_ip", "remote_ip"}, 10s);
        r.steps.push_back(signalStep(1, "rule internal_error"));
        r.steps.push_back(signalStep(2, "rule new_network_connection"));
        r.aliases.push_back(SignalFields {1, {internField("destination.ip"), internField("source.ip")}});
        r.aliases.push_back(SignalFields {2, {internField("source.ip"), internField("destination.ip")}});
        CorrelationEngine engine = engineWith(r);
        Feed feed;
        feed.add(0, {{"destination.ip", "10.0.0.5"}, {"source.ip", "203.0.113.9"}}, {1});
        feed.add(1, {{"source.ip", "10.0.0.6"}, {"destination.ip", "203.0.113.9"}}, {2}); // another host
        feed.add(2, {{"source.ip", "203.0.113.9"}, {"destination.ip", "10.0.0.5"}}, {2}); // reversed: no
        feed.add(3, {{"source.ip", "10.0.0.5"}, {"destination.ip", "203.0.113.9"}}, {2});
        const std::vector<Detection> detections = feed.run(engine);
        QCOMPARE(detections.size(), std::size_t(1));
        QCOMPARE(detections[0].group, (Fields {{"internal_ip", "10.0.0.5"}, {"remote_ip", "203.0.113.9"}}));
        QCOMPARE(evidenceIds(detections[0]), (std::vector<std::uint64_t> {1, 4}));
    }

    void anEventCanGoToTwoGroupsThroughAliases() {
        CorrelationRule r = rule("pairs", CorrelationType::EventCount, {"host_ip"}, 60s, u"gte 2"_s);
        r.signalIds = {1, 2};
        r.aliases.push_back(SignalFields {1, {internField("source.ip")}});
        r.aliases.push_back(SignalFields {2, {internField("destination.ip")}});
        CorrelationEngine engine = engineWith(r);
        Feed feed;
        // Matches both rules: counts once for its source and once for its destination.
        feed.add(0, {{"source.ip", "10.0.0.1"}, {"destination.ip", "10.0.0.2"}}, {1, 2});
        feed.add(1, {{"destination.ip", "10.0.0.1"}}, {2});
        feed.add(2, {{"source.ip", "10.0.0.2"}}, {1});
        // Both aliases read the same value: one group, counted once.
        feed.add(3, {{"source.ip", "10.0.0.3"}, {"destination.ip", "10.0.0.3"}}, {1, 2});
        const std::vector<Detection> detections = feed.run(engine);
        QCOMPARE(detections.size(), std::size_t(2));
        QCOMPARE(detections[0].group, (Fields {{"host_ip", "10.0.0.1"}}));
        QCOMPARE(evidenceIds(detections[0]), (std::vector<std::uint64_t> {1, 2}));
        QCOMPARE(detections[1].group, (Fields {{"host_ip", "10.0.0.2"}}));
        QCOMPARE(evidenceIds(detections[1]), (std::vector<std::uint64_t> {1, 3}));
        QCOMPARE(engine.counters().front().groupsLive, 3u);
    }

    // value_sum / value_avg of bytes per User within 60 s. Events: "offset value".
    void valueAggregate_data() {
        QTest::addColumn<bool>("average");
        QTest::addColumn<QString>("condition");
        QTest::addColumn<QStringList>("events");
        QTest::addColumn<QList<int>>("expected");
        QTest::addRow("sum crosses") << false << u"gt 1000"_s << QStringList {u"0 400"_s, u"1 400"_s, u"2 300"_s}
                                     << QList<int> {3};
        QTest::addRow("sum stays below") << false << u"gt 1000"_s << QStringList {u"0 400"_s, u"1 600"_s}
                                         << QList<int> {};
        QTest::addRow("sum of the window only")
            << false << u"gt 1000"_s << QStringList {u"0 600"_s, u"61 600"_s} << QList<int> {};
        QTest::addRow("exactly the window")
            << false << u"gt 1000"_s << QStringList {u"0 600"_s, u"60 600"_s} << QList<int> {2};
        QTest::addRow("repeats while above")
            << false << u"gte 1200"_s << QStringList {u"0 600"_s, u"1 600"_s, u"2 1"_s} << QList<int> {2, 1};
        QTest::addRow("negative values") << false << u"gt 1000"_s
                                         << QStringList {u"0 900"_s, u"1 200"_s, u"2 -500"_s, u"3 500"_s}
                                         << QList<int> {2, 2};
        QTest::addRow("not a number is skipped")
            << false << u"gt 1000"_s << QStringList {u"0 600"_s, u"1 lots"_s, u"2 600"_s} << QList<int> {2};
        QTest::addRow("decimal and exponent")
            << false << u"gte 1000"_s << QStringList {u"0 0.5e3"_s, u"1 +499.5"_s, u"2 0.5"_s} << QList<int> {3};
        QTest::addRow("late value") << false << u"gt 1000"_s << QStringList {u"100 600"_s, u"20 600"_s}
                                    << QList<int> {};
        QTest::addRow("average") << true << u"gt 500"_s << QStringList {u"0 400"_s, u"1 700"_s} << QList<int> {2};
        QTest::addRow("average of one") << true << u"gt 500"_s << QStringList {u"0 1000"_s} << QList<int> {1};
        QTest::addRow("average falls") << true << u"gt 500"_s << QStringList {u"0 1000"_s, u"1 0"_s, u"2 1000"_s}
                                       << QList<int> {1, 2};
        QTest::addRow("average of the window only")
            << true << u"gt 500"_s << QStringList {u"0 100"_s, u"1 100"_s, u"70 600"_s} << QList<int> {1};
    }
    void valueAggregate() {
        QFETCH(bool, average);
        QFETCH(QString, condition);
        QFETCH(QStringList, events);
        QFETCH(QList<int>, expected);
        const auto make = [&] {
            CorrelationRule r = rule(
                "bytes", average ? CorrelationType::ValueAvg : CorrelationType::ValueSum, {"User"}, 60s, condition);
            r.signalIds = {1};
            r.valueFields = {internField("bytes")};
            return engineWith(r);
        };
        const auto add = [](Feed &feed, const QString &spec) {
            const auto [offset, bytes] = timed(spec);
            feed.add(offset, {{"User", "alice"}, {"bytes", bytes}}, {1});
        };
        CorrelationEngine engine = make();
        Feed feed;
        for (const QString &spec : events)
            add(feed, spec);
        QCOMPARE(eventCounts(feed.run(engine)), expected);
        CorrelationEngine single = make();
        QCOMPARE(oneByOne(single, events, add), expected);
        CorrelationEngine merging = make();
        QCOMPARE(eventCounts(feed.run(merging, CorrelationEngine::Repeats::MergedPerBatch)), mergedCounts(expected));
    }

    void valueSumDetection() {
        CorrelationRule r = rule("exfiltration", CorrelationType::ValueSum, {"SourceIp", "User"}, 1h, u"gt 1000000"_s);
        r.signalIds = {4};
        r.valueFields = {internField("bytes_sent")};
        r.label = "rule website_access";
        CorrelationEngine engine = engineWith(r);
        Feed feed;
        feed.add(0, {{"SourceIp", "10.1.1.1"}, {"User", "carol"}, {"bytes_sent", "600000"}}, {4});
        feed.add(10, {{"SourceIp", "10.1.1.1"}, {"User", "carol"}, {"bytes_sent", "-"}}, {4});
        feed.add(20, {{"SourceIp", "10.1.1.1"}, {"User", "carol"}, {"bytes_sent", "500000"}}, {4});
        const std::vector<Detection> detections = feed.run(engine);
        QCOMPARE(detections.size(), std::size_t(1));
        QCOMPARE(detections[0].eventCount, 2u);
        QCOMPARE(evidenceIds(detections[0]), (std::vector<std::uint64_t> {1, 3}));
        QCOMPARE(QString::fromStdString(detections[0].explanation),
            u"sum of bytes_sent 1100000 over 2 events matching rule website_access from SourceIp 10.1.1.1, User carol "
            "within 1h (condition sum > 1000000)"_s);
        QCOMPARE(engine.counters().front().eventsWithoutValue, 1u);
    }

    void valueWindowIsBounded() {
        // 100 values of 1, one per second (0 … 99 s), then one more at 150 s: the window of 100 s
        // ending there holds the values from 50 s on — 50 of them, plus the new one.
        for (const std::size_t maxSamples : {std::size_t(1024), std::size_t(8)}) {
            ValueWindow window(100 * kSecond, maxSamples, 10);
            ValueWindowState state;
            for (int i = 0; i < 100; ++i) {
                QVERIFY(window.add(state, 1, kBaseNs + i * kSecond, std::uint64_t(i)));
                QVERIFY(state.samples.size() <= maxSamples);
            }
            QCOMPARE(state.count, 100.0);
            QCOMPARE(state.sum, 100.0);
            QVERIFY(window.add(state, 1, kBaseNs + 150 * kSecond, 100));
            QVERIFY(state.samples.size() <= maxSamples);
            QCOMPARE(state.sum, state.count);
            if (maxSamples == 1024) {
                QCOMPARE(state.count, 51.0); // exact below the cap
            } else {
                // Merged samples straddling the window's start count in proportion: about right,
                // within the resolution of 2 × 100 s / 8 = 25 s.
                QVERIFY2(std::abs(state.count - 51.0) <= 25.0, qPrintable(QString::number(state.count)));
            }
            QVERIFY(!window.add(state, 1, kBaseNs + 49 * kSecond, 101)); // before the window: late
        }
    }

    // Conditions with an upper bound: alice's window opens at her first event and is decided
    // when node-a's clock (any event from it) passes its end, 60 s later.
    void decidedWhenTheWindowCloses_data() {
        QTest::addColumn<QString>("condition");
        QTest::addColumn<QList<int>>("offsets");
        QTest::addColumn<int>("clock");
        QTest::addColumn<QList<int>>("expected");
        QTest::addRow("lt 5, 3 events") << u"lt 5"_s << QList<int> {0, 10, 20} << 61 << QList<int> {3};
        QTest::addRow("lt 5, 5 events") << u"lt 5"_s << QList<int> {0, 1, 2, 3, 4} << 61 << QList<int> {};
        QTest::addRow("not closed yet") << u"lt 5"_s << QList<int> {0, 10, 20} << 60 << QList<int> {};
        QTest::addRow("lte 3") << u"lte 3"_s << QList<int> {0, 10, 20} << 61 << QList<int> {3};
        QTest::addRow("eq 3") << u"eq 3"_s << QList<int> {0, 10, 20} << 61 << QList<int> {3};
        QTest::addRow("eq 3, 4 events") << u"eq 3"_s << QList<int> {0, 10, 20, 30} << 61 << QList<int> {};
        QTest::addRow("neq 3") << u"neq 3"_s << QList<int> {0, 10} << 61 << QList<int> {2};
        QTest::addRow("range") << u"gt 2 lte 4"_s << QList<int> {0, 10, 20} << 61 << QList<int> {3};
        QTest::addRow("range, above") << u"gt 2 lte 4"_s << QList<int> {0, 1, 2, 3, 4} << 61 << QList<int> {};
        QTest::addRow("range, below") << u"gt 2 lte 4"_s << QList<int> {0, 1} << 61 << QList<int> {};
        // The out-of-order event at -5 opens the window earlier: it closes at 55.
        QTest::addRow("out of order") << u"lt 5"_s << QList<int> {0, -5} << 56 << QList<int> {2};
    }
    void decidedWhenTheWindowCloses() {
        QFETCH(QString, condition);
        QFETCH(QList<int>, offsets);
        QFETCH(int, clock);
        QFETCH(QList<int>, expected);
        CorrelationRule r = rule("quiet", CorrelationType::EventCount, {"User"}, 60s, condition);
        r.signalIds = {1};
        CorrelationEngine engine = engineWith(r);
        Feed feed;
        for (int offset : offsets)
            feed.add(offset, {{"User", "alice"}}, {1});
        QVERIFY(feed.run(engine).empty()); // nothing is decided while the window is open
        Feed later(100);
        later.add(clock, {{"User", "bob"}}); // any event moves the node's clock; bob is not taken
        QCOMPARE(eventCounts(later.run(engine)), expected);
        QCOMPARE(engine.counters().front().groupsLive, clock > 60 + std::min(0, offsets.back()) ? 0u : 1u);
    }

    void closedWindowDetection() {
        CorrelationRule r = rule("quiet", CorrelationType::EventCount, {"User"}, 60s, u"lt 5"_s);
        r.signalIds = {1};
        r.label = "rule heartbeat";
        CorrelationEngine engine = engineWith(r);
        Feed feed;
        feed.add(0, {{"User", "alice"}}, {1});
        feed.add(10, {{"User", "alice"}}, {1}, "node-b");
        feed.add(70, {{"User", "alice"}}, {1}); // past the window: decides it, opens the next
        feed.add(75, {{"User", "alice"}}, {1});
        std::vector<Detection> detections = feed.run(engine);
        QCOMPARE(detections.size(), std::size_t(1));
        const Detection &d = detections[0];
        QCOMPARE(d.eventCount, 2u);
        QCOMPARE(evidenceIds(d), (std::vector<std::uint64_t> {1, 2}));
        QCOMPARE(d.firstSeenNs, kBaseNs);
        QCOMPARE(d.lastSeenNs, kBaseNs + 10 * kSecond);
        QCOMPARE(d.nodeId, std::string("node-b"));
        QCOMPARE(QString::fromStdString(d.explanation),
            u"2 events matching rule heartbeat from User alice in a 60s window (condition count < 5)"_s);

        Feed late(10);
        late.add(5, {{"User", "alice"}}, {1}); // 70 s before the newest: its window was decided
        QVERIFY(late.run(engine).empty());
        QCOMPARE(engine.counters().front().eventsLate, 1u);
        Feed close(20);
        close.add(131, {{"User", "zed"}}, {}, "node-a");
        detections = close.run(engine);
        QCOMPARE(eventCounts(detections), QList<int> {2}); // the window of 70 and 75
        QCOMPARE(evidenceIds(detections[0]), (std::vector<std::uint64_t> {3, 4}));
    }

    // The other kinds with upper bounds, each closed by a later event of the node.
    void otherKindsAtWindowClose_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("condition");
        QTest::addColumn<QStringList>("events"); // "offset value-or-signal"
        QTest::addColumn<QString>("explanation"); // empty: no detection
        const int valueCount = static_cast<int>(CorrelationType::ValueCount);
        const int temporal = static_cast<int>(CorrelationType::Temporal);
        const int sum = static_cast<int>(CorrelationType::ValueSum);
        const int avg = static_cast<int>(CorrelationType::ValueAvg);
        QTest::addRow("value_count lt 3") << valueCount << u"lt 3"_s << QStringList {u"0 a"_s, u"1 a"_s, u"2 b"_s}
                                          << u"2 distinct values of v among 3 events matching signal 1 from User "
                                             "alice in a 60s window (condition distinct < 3)"_s;
        QTest::addRow("value_count lt 3, 3 values")
            << valueCount << u"lt 3"_s << QStringList {u"0 a"_s, u"1 b"_s, u"2 c"_s, u"3 d"_s} << QString();
        QTest::addRow("temporal lt 3") << temporal << u"lt 3"_s << QStringList {u"0 1"_s, u"1 2"_s, u"2 2"_s}
                                       << u"events of 2 of 3 steps (rule a; rule b; rule c) from User alice in a 60s "
                                          "window (condition steps < 3, 3 events)"_s;
        QTest::addRow("temporal lt 3, all three")
            << temporal << u"lt 3"_s << QStringList {u"0 1"_s, u"1 2"_s, u"2 3"_s} << QString();
        QTest::addRow("value_sum lte 100") << sum << u"lte 100"_s << QStringList {u"0 30"_s, u"1 70"_s}
                                           << u"sum of v 100 over 2 events matching signal 1 from User alice in a 60s "
                                              "window (condition sum <= 100)"_s;
        QTest::addRow("value_sum lte 100, above")
            << sum << u"lte 100"_s << QStringList {u"0 30"_s, u"1 71"_s} << QString();
        QTest::addRow("value_avg lt 10") << avg << u"lt 10"_s << QStringList {u"0 5"_s, u"1 12"_s}
                                         << u"average of v 8.5 over 2 events matching signal 1 from User alice in a "
                                            "60s window (condition average < 10)"_s;
        QTest::addRow("value_avg lt 10, above") << avg << u"lt 10"_s << QStringList {u"0 5"_s, u"1 15"_s} << QString();
    }
    void otherKindsAtWindowClose() {
        QFETCH(int, type);
        QFETCH(QString, condition);
        QFETCH(QStringList, events);
        QFETCH(QString, explanation);
        const auto kind = static_cast<CorrelationType>(type);
        CorrelationRule r = rule("closing", kind, {"User"}, 60s, condition);
        if (kind == CorrelationType::Temporal) {
            r.steps.push_back(signalStep(1, "rule a"));
            r.steps.push_back(signalStep(2, "rule b"));
            r.steps.push_back(signalStep(3, "rule c"));
        } else {
            r.signalIds = {1};
            r.valueFields = {internField("v")};
        }
        CorrelationEngine engine = engineWith(r);
        Feed feed;
        for (const QString &spec : events) {
            const auto [offset, value] = timed(spec);
            if (kind == CorrelationType::Temporal)
                feed.add(offset, {{"User", "alice"}}, {static_cast<SignalId>(std::stoul(value))});
            else
                feed.add(offset, {{"User", "alice"}, {"v", value}}, {1});
        }
        QVERIFY(feed.run(engine).empty());
        Feed later(100);
        later.add(61, {{"User", "bob"}});
        const std::vector<Detection> detections = later.run(engine);
        if (explanation.isEmpty()) {
            QVERIFY(detections.empty());
            return;
        }
        QCOMPARE(detections.size(), std::size_t(1));
        QCOMPARE(detections[0].eventCount, static_cast<std::uint32_t>(events.size()));
        QCOMPARE(QString::fromStdString(detections[0].explanation), explanation);
    }

    void percentile() {
        CorrelationRule r = rule("rare_process", CorrelationType::ValuePercentile, {"ComputerName"}, 24h, u"lte 10"_s);
        r.signalIds = {5};
        r.valueFields = {internField("Image")};
        r.label = "rule process_creation";
        CorrelationEngine engine = engineWith(r);
        Feed feed;
        for (int i = 0; i < 18; ++i)
            feed.add(i, {{"ComputerName", "pc1"}, {"Image", "C:\\Windows\\svchost.exe"}}, {5});
        feed.add(100, {{"ComputerName", "pc1"}, {"Image", "C:\\Temp\\evil.exe"}}, {5});
        feed.add(50, {{"ComputerName", "pc1"}, {"Image", "C:\\Windows\\cmd.exe"}}, {5});
        feed.add(200, {{"ComputerName", "pc1"}, {"Image", "C:\\Windows\\cmd.exe"}}, {5});
        feed.add(10, {{"ComputerName", "pc2"}, {"Image", "C:\\Temp\\evil.exe"}}, {5}); // 100% on pc2
        QVERIFY(feed.run(engine).empty()); // a share is known only when the window closes

        Feed later(100);
        later.add(24 * 3600 + 1, {{"ComputerName", "pc3"}}); // closes pc1's window (opened at 0)
        const std::vector<Detection> detections = later.run(engine);
        QCOMPARE(detections.size(), std::size_t(2)); // in the order the values first appeared
        const Detection &cmd = detections[0];
        QCOMPARE(cmd.group, (Fields {{"ComputerName", "pc1"}, {"Image", "C:\\Windows\\cmd.exe"}}));
        QCOMPARE(cmd.eventCount, 2u);
        QCOMPARE(evidenceIds(cmd), (std::vector<std::uint64_t> {20, 21}));
        QCOMPARE(cmd.firstSeenNs, kBaseNs + 50 * kSecond);
        QCOMPARE(cmd.lastSeenNs, kBaseNs + 200 * kSecond);
        const Detection &evil = detections[1];
        QCOMPARE(evil.group, (Fields {{"ComputerName", "pc1"}, {"Image", "C:\\Temp\\evil.exe"}}));
        QCOMPARE(evil.eventCount, 1u);
        QCOMPARE(evidenceIds(evil), (std::vector<std::uint64_t> {19}));
        QCOMPARE(QString::fromStdString(evil.explanation),
            u"Image C:\\Temp\\evil.exe in 1 event of 21 events matching rule process_creation from ComputerName pc1 in "
            "a 1d window: 4.76% (condition percent <= 10)"_s);
        QVERIFY(dedupKey(cmd) != dedupKey(evil)); // one alert per rare value
        QCOMPARE(engine.counters().front().groupsLive, 1u); // pc2's window (opened at 10 s) is still open
    }

    void percentileOfCommonValues() {
        CorrelationRule r = rule("dominant", CorrelationType::ValuePercentile, {"ComputerName"}, 1h, u"gte 50"_s);
        r.signalIds = {5};
        r.valueFields = {internField("Image")};
        CorrelationEngine engine = engineWith(r);
        Feed feed;
        for (const char *image : {"a", "b", "a", "c", "a"})
            feed.add(1, {{"ComputerName", "pc1"}, {"Image", image}}, {5});
        feed.add(3602, {{"ComputerName", "pc1"}, {"Image", "x"}}, {5}); // past the window: decides it
        const std::vector<Detection> detections = feed.run(engine);
        QCOMPARE(detections.size(), std::size_t(1));
        QCOMPARE(detections[0].group.back(), (std::pair<std::string, std::string>("Image", "a")));
        QCOMPARE(detections[0].eventCount, 3u);
    }

    void percentileValuesAreBounded() {
        CorrelationRule r = rule("rare_process", CorrelationType::ValuePercentile, {"ComputerName"}, 1h, u"lte 40"_s);
        r.signalIds = {5};
        r.valueFields = {internField("Image")};
        CorrelationLimits limits;
        limits.maxDistinctValuesPerGroup = 2;
        CorrelationEngine engine = engineWith(r, limits);
        Feed feed;
        for (const char *image : {"a", "a", "a", "b", "c"})
            feed.add(1, {{"ComputerName", "pc1"}, {"Image", image}}, {5});
        feed.add(3700, {{"ComputerName", "pc9"}});
        const std::vector<Detection> detections = feed.run(engine);
        // b is 1 of 5 (20%); c was beyond the cap: counted in the total, not judged.
        QCOMPARE(detections.size(), std::size_t(1));
        QCOMPARE(detections[0].group.back().second, std::string("b"));
        QCOMPARE(engine.counters().front().valuesUntracked, 1u);
    }

    // The specification's example: many failed logins, then a successful login of that user.
    // event_count emits signal 100 on the events it fires on; temporal_ordered takes it as step 1.
    void chainedCorrelation_data() {
        QTest::addColumn<QStringList>("events"); // "offset F|S user"
        QTest::addColumn<QList<int>>("expected"); // event counts of the sequence's detections
        QTest::addColumn<int>("countDetections");
        QTest::addRow("three failures then success")
            << QStringList {u"0 F alice"_s, u"1 F alice"_s, u"2 F alice"_s, u"3 S alice"_s} << QList<int> {2} << 1;
        QTest::addRow("two failures then success")
            << QStringList {u"0 F alice"_s, u"1 F alice"_s, u"3 S alice"_s} << QList<int> {} << 0;
        QTest::addRow("success of another user")
            << QStringList {u"0 F alice"_s, u"1 F alice"_s, u"2 F alice"_s, u"3 S bob"_s} << QList<int> {} << 1;
        QTest::addRow("success first") << QStringList {u"0 S alice"_s, u"1 F alice"_s, u"2 F alice"_s, u"3 F alice"_s}
                                       << QList<int> {} << 1;
        QTest::addRow("more failures: each marks its event")
            << QStringList {u"0 F alice"_s, u"1 F alice"_s, u"2 F alice"_s, u"3 F alice"_s, u"4 S alice"_s}
            << QList<int> {3} << 2;
        QTest::addRow("success too late")
            << QStringList {u"0 F alice"_s, u"1 F alice"_s, u"2 F alice"_s, u"603 S alice"_s} << QList<int> {} << 1;
    }
    void chainedCorrelation() {
        QFETCH(QStringList, events);
        QFETCH(QList<int>, expected);
        QFETCH(int, countDetections);
        const auto make = [] {
            // The consumer comes first: the engine runs emitters first anyway.
            CorrelationRule sequence = rule("failed_then_success", CorrelationType::TemporalOrdered, {"User"}, 10min);
            sequence.steps.push_back(signalStep(100, "rule multiple_failed_login"));
            sequence.steps.push_back(signalStep(11, "rule successful_login"));
            CorrelationRule count
                = rule("multiple_failed_login", CorrelationType::EventCount, {"User"}, 10min, u"gte 3"_s);
            count.signalIds = {10};
            count.emits = 100;
            std::vector<CorrelationRule> rules;
            rules.push_back(std::move(sequence));
            rules.push_back(std::move(count));
            return engineWith(std::move(rules));
        };
        const auto add = [](Feed &feed, const QString &spec) {
            const QStringList parts = spec.split(u' ');
            feed.add(parts[0].toDouble(), {{"User", parts[2].toStdString()}}, {parts[1] == u"F" ? 10u : 11u});
        };
        const auto check = [&](const std::vector<Detection> &detections) {
            QList<int> sequences;
            int counts = 0;
            for (const Detection &d : detections) {
                if (d.ruleId == "failed_then_success")
                    sequences.append(static_cast<int>(d.eventCount));
                else
                    ++counts;
            }
            QCOMPARE(sequences, expected);
            QCOMPARE(counts, countDetections);
        };
        CorrelationEngine engine = make();
        QCOMPARE(engine.counters().front().ruleId, std::string("multiple_failed_login"));
        Feed feed;
        for (const QString &spec : events)
            add(feed, spec);
        check(feed.run(engine));
        if (QTest::currentTestFailed())
            return;
        CorrelationEngine single = make();
        std::vector<Detection> all;
        std::uint64_t id = 1;
        for (const QString &spec : events) {
            Feed one(id++);
            add(one, spec);
            const std::vector<Detection> out = one.run(single);
            all.insert(all.end(), out.begin(), out.end());
        }
        check(all);
    }

    void chainedDetectionNamesTheChain() {
        CorrelationRule sequence = rule("failed_then_success", CorrelationType::TemporalOrdered, {"User"}, 10min);
        sequence.steps.push_back(signalStep(100, "rule multiple_failed_login"));
        sequence.steps.push_back(signalStep(11, "rule successful_login"));
        CorrelationRule count = rule("multiple_failed_login", CorrelationType::EventCount, {"User"}, 10min, u"gte 2"_s);
        count.signalIds = {10};
        count.emits = 100;
        std::vector<CorrelationRule> rules;
        rules.push_back(std::move(sequence));
        rules.push_back(std::move(count));
        CorrelationEngine engine = engineWith(std::move(rules));
        Feed feed;
        feed.add(0, {{"User", "alice"}}, {10});
        feed.add(5, {{"User", "alice"}}, {10});
        feed.add(9, {{"User", "alice"}}, {11});
        const std::vector<Detection> detections = feed.run(engine);
        QCOMPARE(detections.size(), std::size_t(2));
        QCOMPARE(detections[0].ruleId, std::string("multiple_failed_login"));
        QCOMPARE(detections[1].ruleId, std::string("failed_then_success"));
        QCOMPARE(evidenceIds(detections[1]), (std::vector<std::uint64_t> {2, 3}));
        QCOMPARE(QString::fromStdString(detections[1].explanation),
            u"sequence completed by User alice within 10m: 1 event matching rule multiple_failed_login, then 1 event "
            "matching rule successful_login (2 events over 4s)"_s);
    }

    void chainProblems() {
        CorrelationRule a = rule("a", CorrelationType::EventCount, {"User"}, 60s, u"gte 2"_s);
        a.signalIds = {2};
        a.emits = 1;
        CorrelationRule b = rule("b", CorrelationType::EventCount, {"User"}, 60s, u"gte 2"_s);
        b.signalIds = {1};
        b.emits = 2;
        CorrelationRule c = rule("c", CorrelationType::EventCount, {"User"}, 60s, u"gte 2"_s);
        c.signalIds = {2, 7};
        c.emits = 3;
        CorrelationRule fine = rule("fine", CorrelationType::EventCount, {"User"}, 60s, u"gte 2"_s);
        fine.signalIds = {7};
        std::vector<ChainProblem> problems = CorrelationEngine::checkChains({a, b, c, fine});
        QCOMPARE(problems.size(), std::size_t(3));
        QCOMPARE(problems[0].rule, std::size_t(0));
        QCOMPARE(QString::fromStdString(problems[0].message),
            u"rule 'a' depends on chained rules that form a cycle (a -> b -> a)"_s);
        QCOMPARE(problems[1].rule, std::size_t(1));
        QCOMPARE(problems[2].rule, std::size_t(2));
        QCOMPARE(QString::fromStdString(problems[2].message),
            u"rule 'c' depends on chained rules that form a cycle (b -> a -> b)"_s);
        auto refused = CorrelationEngine::create({a, b, fine});
        QVERIFY(!refused.ok());
        QVERIFY(QString::fromStdString(refused.error().message).contains(u"cycle"));
        QVERIFY(CorrelationEngine::create({b, fine}).ok());

        CorrelationRule closing = rule("closing", CorrelationType::EventCount, {"User"}, 60s, u"lt 5"_s);
        closing.signalIds = {7};
        closing.emits = 8;
        CorrelationRule consumer = rule("consumer", CorrelationType::EventCount, {"User"}, 60s, u"gte 1"_s);
        consumer.signalIds = {8};
        problems = CorrelationEngine::checkChains({closing, consumer});
        QCOMPARE(problems.size(), std::size_t(1));
        QCOMPARE(problems[0].rule, std::size_t(1));
        QCOMPARE(QString::fromStdString(problems[0].message),
            u"rule 'consumer' takes the result of 'closing', which is decided when its window closes and so marks no "
            "event to chain on"_s);
        QVERIFY(!CorrelationEngine::create({closing, consumer}).ok());
        QVERIFY(CorrelationEngine::create({closing}).ok());
    }

    void invalidRules_data() {
        QTest::addColumn<int>("broken");
        QTest::addColumn<QString>("message");
        const QStringList messages {
            u"a value_count rule needs a value field"_s,
            u"a value_sum rule takes exactly one value field"_s,
            u"a value_avg rule needs a condition"_s,
            u"a count condition's value must be between 0 and 10000"_s,
            u"a percentile condition's value must be between 0 and 100"_s,
            u"a temporal_ordered rule takes no conditions (all its steps must happen in order)"_s,
            u"a temporal rule needs between 2 and 16 steps"_s,
            u"the condition asks for more distinct steps than the rule has"_s,
            u"has group_by fields for signal 9, which it does not take"_s,
            u"the group_by fields for signal 1 must be as many as group_by's"_s,
            u"takes the signal it emits (signal 1)"_s,
            u"an event_count rule has no value field"_s,
            u"a condition's value must be a finite number"_s,
            u"a temporal rule's steps take one event each (min_count 1)"_s,
            u"a temporal rule takes its signals in its steps"_s,
        };
        for (int i = 0; i < messages.size(); ++i)
            QTest::addRow("%d", i) << i << messages[i];
    }
    void invalidRules() {
        QFETCH(int, broken);
        QFETCH(QString, message);
        CorrelationRule r = rule("r", CorrelationType::ValueCount, {"User"}, 60s, u"gte 2"_s);
        r.signalIds = {1};
        r.valueFields = {internField("v")};
        const auto temporal = [&] {
            r.type = CorrelationType::Temporal;
            r.signalIds.clear();
            r.valueFields.clear();
            r.conditions.clear();
            r.steps = {signalStep(1, "a"), signalStep(2, "b"), signalStep(3, "c")};
        };
        switch (broken) {
        case 0:
            r.valueFields.clear();
            break;
        case 1:
            r.type = CorrelationType::ValueSum;
            r.valueFields.push_back(internField("w"));
            break;
        case 2:
            r.type = CorrelationType::ValueAvg;
            r.conditions.clear();
            break;
        case 3:
            r.conditions = conditions(u"gte 10001"_s);
            break;
        case 4:
            r.type = CorrelationType::ValuePercentile;
            r.conditions = conditions(u"lte 150"_s);
            break;
        case 5:
            temporal();
            r.type = CorrelationType::TemporalOrdered;
            r.conditions = conditions(u"gte 3"_s);
            break;
        case 6:
            temporal();
            r.steps.resize(1);
            break;
        case 7:
            temporal();
            r.conditions = conditions(u"gte 4"_s);
            break;
        case 8:
            r.aliases.push_back(SignalFields {9, {internField("x")}});
            break;
        case 9:
            r.aliases.push_back(SignalFields {1, {internField("x"), internField("y")}});
            break;
        case 10:
            r.emits = 1;
            break;
        case 11:
            r.type = CorrelationType::EventCount;
            break;
        case 12:
            r.conditions = {RuleCondition {CompareOp::Gt, std::nan("")}};
            break;
        case 13:
            temporal();
            r.steps[0].minCount = 2;
            break;
        case 14:
            temporal();
            r.signalIds = {1};
            break;
        }
        auto engine = CorrelationEngine::create({r});
        QVERIFY(!engine.ok());
        QCOMPARE(QString::fromStdString(engine.error().message), u"rule 'r': "_s + message);
    }

    void groupsAreBoundedForEveryKind_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("condition");
        QTest::addRow("value_count") << static_cast<int>(CorrelationType::ValueCount) << u"gte 5"_s;
        QTest::addRow("value_sum") << static_cast<int>(CorrelationType::ValueSum) << u"gt 1000"_s;
        QTest::addRow("temporal") << static_cast<int>(CorrelationType::Temporal) << QString();
        QTest::addRow("closing window") << static_cast<int>(CorrelationType::EventCount) << u"lt 5"_s;
    }
    void groupsAreBoundedForEveryKind() {
        QFETCH(int, type);
        QFETCH(QString, condition);
        CorrelationRule r = rule("bounded", static_cast<CorrelationType>(type), {"User"}, 60s, condition);
        if (r.type == CorrelationType::Temporal) {
            r.steps = {signalStep(1, "a"), signalStep(2, "b")};
        } else {
            r.signalIds = {1};
            if (r.type != CorrelationType::EventCount)
                r.valueFields = {internField("v")};
        }
        CorrelationLimits limits;
        limits.maxGroupsPerRule = 3;
        CorrelationEngine engine = engineWith(r, limits);
        Feed feed;
        for (int i = 0; i < 10; ++i)
            feed.add(i, {{"User", "user" + std::to_string(i)}, {"v", "1"}}, {1});
        QVERIFY(feed.run(engine).empty());
        const RuleCounters counters = engine.counters().front();
        QCOMPARE(counters.groupsLive, 3u);
        QCOMPARE(counters.groupsEvicted, 7u);
    }

    // Timestamps come from logs: any int64 value must leave every kind's arithmetic defined.
    void extremeTimestamps_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("condition");
        QTest::addRow("value_count") << static_cast<int>(CorrelationType::ValueCount) << u"gte 2"_s;
        QTest::addRow("value_sum") << static_cast<int>(CorrelationType::ValueSum) << u"gt 1"_s;
        QTest::addRow("value_avg") << static_cast<int>(CorrelationType::ValueAvg) << u"gt 0"_s;
        QTest::addRow("temporal") << static_cast<int>(CorrelationType::Temporal) << QString();
        QTest::addRow("closing count") << static_cast<int>(CorrelationType::EventCount) << u"lt 5"_s;
        QTest::addRow("closing sum") << static_cast<int>(CorrelationType::ValueSum) << u"lt 5"_s;
        QTest::addRow("percentile") << static_cast<int>(CorrelationType::ValuePercentile) << u"lte 60"_s;
    }
    void extremeTimestamps() {
        QFETCH(int, type);
        QFETCH(QString, condition);
        CorrelationRule r = rule("extreme", static_cast<CorrelationType>(type), {"User"}, 30 * 24h, condition);
        if (r.type == CorrelationType::Temporal) {
            r.steps = {signalStep(1, "a"), signalStep(2, "b")};
        } else {
            r.signalIds = {1, 2};
            if (r.type != CorrelationType::EventCount)
                r.valueFields = {internField("v")};
        }
        CorrelationLimits limits;
        limits.maxSamplesPerGroup = 2;
        CorrelationEngine engine = engineWith(r, limits);
        constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
        constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
        Feed feed;
        for (const std::int64_t t : {kMax, kMin, std::int64_t(0), kMin, kMin + 1, kMax, kMax - 1, kMax}) {
            Event &event = feed.add(0, {{"User", "alice"}, {"v", t % 2 == 0 ? "1" : "2"}}, {1, 2});
            event.timestampNs = t;
        }
        std::vector<Detection> detections = feed.run(engine);
        Feed other(100);
        other.add(0, {{"User", "bob"}});
        other.batch.events().back().timestampNs = kMax;
        const std::vector<Detection> more = other.run(engine);
        detections.insert(detections.end(), more.begin(), more.end());
        for (const Detection &d : detections) {
            QVERIFY(d.eventCount >= 1);
            QVERIFY(d.firstSeenNs <= d.lastSeenNs);
        }
        // kMin after kMax is late (a temporal group completes on each event here and starts over).
        if (r.type != CorrelationType::Temporal)
            QVERIFY(engine.counters().front().eventsLate >= 1);
    }

    void limitsFromConfig() {
        auto section
            = config::Section::loadString("max_samples_per_group: 64\nmax_distinct_values_per_group: 500\n", "c.yaml");
        QVERIFY(section.ok());
        auto limits = CorrelationLimits::fromConfig(*section);
        QVERIFY(limits.ok());
        QCOMPARE(limits->maxSamplesPerGroup, std::size_t(64));
        QCOMPARE(limits->maxDistinctValuesPerGroup, std::size_t(500));
        QCOMPARE(limits->maxGroupsPerRule, CorrelationLimits().maxGroupsPerRule);
        auto tooSmall
            = CorrelationLimits::fromConfig(*config::Section::loadString("max_samples_per_group: 1\n", "c.yaml"));
        QVERIFY(!tooSmall.ok());
        QVERIFY(QString::fromStdString(tooSmall.error().message).contains(u"max_samples_per_group"));
    }

    void conditionHelpers() {
        const std::vector<RuleCondition> range = conditions(u"gt 100 lte 200"_s);
        QCOMPARE(QString::fromStdString(conditionText(range, "count")), u"count > 100 and count <= 200"_s);
        QVERIFY(!conditionsHold(range, 100));
        QVERIFY(conditionsHold(range, 100.5));
        QVERIFY(conditionsHold(range, 200));
        QVERIFY(!conditionsHold(range, 201));
        QVERIFY(conditionsHold({}, 0));
        QCOMPARE(formatNumber(1000000), std::string("1000000"));
        QCOMPARE(formatNumber(8.5), std::string("8.5"));
        QCOMPARE(toString(CorrelationType::ValuePercentile), std::string_view("value_percentile"));
        CorrelationRule r = rule("r", CorrelationType::EventCount, {"User"}, 60s, u"gt 2"_s);
        QVERIFY(!decidedAtWindowClose(r));
        QCOMPARE(requiredCount(r), 3u);
        r.conditions = conditions(u"gte 2 neq 4"_s);
        QVERIFY(decidedAtWindowClose(r));
        r.type = CorrelationType::ValuePercentile;
        r.conditions = conditions(u"gte 50"_s);
        QVERIFY(decidedAtWindowClose(r));
    }
};

QTEST_GUILESS_MAIN(TestCorrelationKinds)
#include "tst_correlationkinds.moc"
