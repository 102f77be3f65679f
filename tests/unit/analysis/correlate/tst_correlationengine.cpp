// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/correlationengine.h"
#include "analysis/correlate/evidencebuffer.h"
#include "analysis/correlate/ruleloader.h"
#include "shared/config/section.h"

#include <QTest>

#include <limits>
#include <numeric>
#include <random>
#include <set>

using namespace vanopticon;
using namespace vanopticon::analysis;
using namespace Qt::StringLiterals;

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kBaseNs = 1'700'000'000 * kSecond; // 2023-11-14, any fixed instant will do

// Events for the engine, with ids and nodes as ingest would give them.
struct Feed {
    EventBatch batch;
    std::vector<EventRef> refs;
    std::uint64_t nextId = 1;

    explicit Feed(std::uint64_t firstId = 1)
        : nextId(firstId) { }

    Event &add(std::int64_t seconds, std::string_view type, std::string_view ip, std::string_view user = "root",
        std::string_view node = "node-a") {
        return addAt(kBaseNs + seconds * kSecond, type, ip, user, node);
    }
    Event &addAt(std::int64_t timestampNs, std::string_view type, std::string_view ip, std::string_view user = "root",
        std::string_view node = "node-a") {
        Event &event = batch.addEvent();
        event.timestampNs = timestampNs;
        batch.setField(event, field::EventType, type);
        batch.setField(event, field::Service, "sshd");
        if (!ip.empty())
            batch.setField(event, field::SourceIp, ip);
        if (!user.empty())
            batch.setField(event, field::User, user);
        refs.push_back(EventRef {nextId++, node});
        return event;
    }
    std::vector<Detection> runThrough(
        CorrelationEngine &engine, CorrelationEngine::Repeats repeats = CorrelationEngine::Repeats::EachEvent) const {
        std::vector<Detection> out;
        engine.process(batch, refs, out, repeats);
        return out;
    }
};

CorrelationRule ruleFrom(const std::string &yaml) {
    auto rules = parseCorrelationRules("rules:\n" + yaml, "test.yaml");
    if (!rules || rules->size() != 1)
        qFatal("test rule does not load: %s", rules ? "not one rule" : rules.error().message.c_str());
    return std::move(rules->front());
}

CorrelationRule countRule(const std::string &window = "60s", int threshold = 5) {
    return ruleFrom(R"(  - id: ssh_brute_force
    title: SSH brute force
    description: Many failed SSH logins from one source address in a short time.
    type: event_count
    severity: high
    confidence: 0.9
    filter: 'event_type == "auth_failed" AND service == "sshd"'
    group_by: [SourceIp]
    window: )"
        + window + "\n    threshold: " + std::to_string(threshold) + "\n");
}

CorrelationRule sequenceRule() {
    return ruleFrom(R"(  - id: brute_force_attack
    title: Brute force followed by a successful login
    type: temporal_ordered
    severity: critical
    group_by: [User, SourceIp]
    window: 5m
    steps:
      - filter: 'event_type == "auth_failed"'
        min_count: 5
      - filter: 'event_type == "auth_success"'
)");
}

CorrelationEngine engineWith(CorrelationRule rule, CorrelationLimits limits = {}) {
    std::vector<CorrelationRule> rules;
    rules.push_back(std::move(rule));
    return CorrelationEngine(std::move(rules), limits);
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

std::vector<std::uint64_t> idRange(std::uint64_t first, std::uint64_t last) {
    std::vector<std::uint64_t> ids;
    for (std::uint64_t id = first; id <= last; ++id)
        ids.push_back(id);
    return ids;
}

} // namespace

class TestCorrelationEngine : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Failed logins from one address at these offsets (seconds); the detections' event counts.
    void eventCount_data() {
        QTest::addColumn<QList<int>>("offsets");
        QTest::addColumn<QList<int>>("expected");
        QTest::addRow("threshold reached at 5") << QList<int> {0, 1, 2, 3, 4} << QList<int> {5};
        QTest::addRow("4 stay below") << QList<int> {0, 1, 2, 3} << QList<int> {};
        QTest::addRow("5 spanning 61s") << QList<int> {0, 15, 30, 45, 61} << QList<int> {};
        QTest::addRow("5 spanning exactly 60s") << QList<int> {0, 15, 30, 45, 60} << QList<int> {5};
        QTest::addRow("repeats after firing") << QList<int> {0, 1, 2, 3, 4, 5, 6, 7} << QList<int> {5, 1, 1, 1};
        QTest::addRow("reset after the window")
            << QList<int> {0, 1, 2, 3, 4, 200, 201, 202, 203, 204} << QList<int> {5, 5};
        QTest::addRow("below again, then reached again")
            << QList<int> {0, 1, 2, 3, 4, 50, 100, 150, 151, 152, 153} << QList<int> {5, 1, 5};
        QTest::addRow("sliding window") << QList<int> {0, 30, 61, 62, 63, 64} << QList<int> {5};
        QTest::addRow("out of order") << QList<int> {4, 0, 3, 1, 2} << QList<int> {5};
        QTest::addRow("late event inside the window counts") << QList<int> {0, 1, 2, 10, -30} << QList<int> {5};
        QTest::addRow("late event outside the window is ignored")
            << QList<int> {0, 1, 2, 3, 100, -100} << QList<int> {};
    }
    void eventCount() {
        QFETCH(QList<int>, offsets);
        QFETCH(QList<int>, expected);
        CorrelationEngine engine = engineWith(countRule());
        Feed feed;
        for (int offset : offsets)
            feed.add(offset, "auth_failed", "203.0.113.7");
        QCOMPARE(eventCounts(feed.runThrough(engine)), expected);

        // One event per batch gives the same answer: state lives in the engine, not the batch.
        CorrelationEngine oneByOne = engineWith(countRule());
        QList<int> counts;
        std::uint64_t id = 1;
        for (int offset : offsets) {
            Feed single(id++);
            single.add(offset, "auth_failed", "203.0.113.7");
            counts += eventCounts(single.runThrough(oneByOne));
        }
        QCOMPARE(counts, expected);

        // Merged per batch: one detection holding every event the group fired on.
        CorrelationEngine merging = engineWith(countRule());
        const QList<int> total
            = expected.isEmpty() ? QList<int>() : QList<int> {std::accumulate(expected.begin(), expected.end(), 0)};
        QCOMPARE(eventCounts(feed.runThrough(merging, CorrelationEngine::Repeats::MergedPerBatch)), total);
    }

    // Many sources over several batches, through a count rule and a sequence: detections merged
    // per batch are what the alert layer would have made of one detection per event.
    void repeatsMergedPerBatchAreWhatTheAlertLayerMerges() {
        std::vector<CorrelationRule> rules;
        rules.push_back(countRule("60s", 3));
        rules.push_back(sequenceRule());
        std::vector<CorrelationRule> copies = rules;
        CorrelationEngine eachEvent(std::move(rules));
        CorrelationEngine merging(std::move(copies));
        std::mt19937_64 random(7);
        std::uint64_t id = 1;
        std::size_t perEvent = 0;
        std::size_t merged = 0;
        for (int batchNumber = 0; batchNumber < 40; ++batchNumber) {
            Feed feed(id);
            for (int i = 0; i < 200; ++i) {
                const std::string ip = "203.0.113." + std::to_string(random() % 12);
                const bool success = random() % 20 == 0;
                const std::int64_t seconds = batchNumber * 20 + i / 10 + std::int64_t(random() % 3);
                feed.add(seconds, success ? "auth_success" : "auth_failed", ip, random() % 2 ? "root" : "admin",
                    random() % 4 ? "node-a" : "node-b");
            }
            id += feed.refs.size();
            const std::vector<Detection> each = feed.runThrough(eachEvent);
            const std::vector<Detection> once = feed.runThrough(merging, CorrelationEngine::Repeats::MergedPerBatch);
            perEvent += each.size();
            merged += once.size();
            const std::vector<Detection> expected = mergeByDedupKey(each);
            const std::vector<Detection> actual = mergeByDedupKey(once);
            QCOMPARE(actual.size(), expected.size());
            for (std::size_t k = 0; k < expected.size(); ++k) {
                QCOMPARE(dedupKey(actual[k]), dedupKey(expected[k]));
                QCOMPARE(actual[k].eventCount, expected[k].eventCount);
                QCOMPARE(actual[k].firstSeenNs, expected[k].firstSeenNs);
                QCOMPARE(actual[k].lastSeenNs, expected[k].lastSeenNs);
                QCOMPARE(actual[k].nodeId, expected[k].nodeId);
                QCOMPARE(evidenceIds(actual[k]), evidenceIds(expected[k]));
                QCOMPARE(actual[k].explanation, expected[k].explanation);
            }
            // The count rule reports each group at most once per batch.
            std::set<std::string> counted;
            for (const Detection &d : once) {
                if (d.ruleId == "ssh_brute_force")
                    QVERIFY(counted.insert(dedupKey(d)).second);
            }
        }
        QVERIFY(perEvent > 1000); // the feed keeps the count rule firing
        QVERIFY(merged * 4 < perEvent);
        // Either way the rule fired as often.
        QCOMPARE(merging.counters().front().detectionsEmitted, eachEvent.counters().front().detectionsEmitted);
    }

    void detectionCarriesTheWindow() {
        CorrelationEngine engine = engineWith(countRule());
        Feed feed;
        for (int i = 0; i < 4; ++i)
            feed.add(i, "auth_failed", "203.0.113.7");
        feed.add(4, "auth_failed", "203.0.113.7", "root", "node-b"); // the last event decides the node
        feed.add(9, "auth_failed", "203.0.113.7");
        const std::vector<Detection> detections = feed.runThrough(engine);
        QCOMPARE(detections.size(), std::size_t(2));

        const Detection &first = detections[0];
        QCOMPARE(first.ruleId, std::string("ssh_brute_force"));
        QCOMPARE(first.title, std::string("SSH brute force"));
        QCOMPARE(first.description, std::string("Many failed SSH logins from one source address in a short time."));
        QVERIFY(first.kind == DetectionKind::Signature);
        QVERIFY(first.severity == Severity::High);
        QCOMPARE(first.confidence, 0.9);
        QCOMPARE(first.group, (std::vector<std::pair<std::string, std::string>> {{"SourceIp", "203.0.113.7"}}));
        QCOMPARE(first.nodeId, std::string("node-b"));
        QCOMPARE(first.firstSeenNs, kBaseNs);
        QCOMPARE(first.lastSeenNs, kBaseNs + 4 * kSecond);
        QCOMPARE(first.eventCount, 5u);
        QCOMPARE(evidenceIds(first), idRange(1, 5));
        QCOMPARE(first.evidence[2].timestampNs, kBaseNs + 2 * kSecond);
        QCOMPARE(QString::fromStdString(first.explanation),
            QStringLiteral("5 events matching (event_type == \"auth_failed\" AND service == \"sshd\") from SourceIp "
                           "203.0.113.7 within 60s (threshold 5)"));

        const Detection &repeat = detections[1];
        QCOMPARE(repeat.eventCount, 1u);
        QCOMPARE(repeat.nodeId, std::string("node-a"));
        QCOMPARE(evidenceIds(repeat), std::vector<std::uint64_t> {6});
        QCOMPARE(repeat.firstSeenNs, kBaseNs + 9 * kSecond);
        QCOMPARE(repeat.lastSeenNs, kBaseNs + 9 * kSecond);
        QCOMPARE(QString::fromStdString(repeat.explanation),
            QStringLiteral(
                "1 more event matching (event_type == \"auth_failed\" AND service == \"sshd\") from SourceIp "
                "203.0.113.7, still at or above the threshold (5 within 60s)"));

        // Both land in the same alert.
        QCOMPARE(dedupKey(first), std::string("ssh_brute_force|SourceIp=203.0.113.7"));
        QCOMPARE(dedupKey(repeat), dedupKey(first));
    }

    void dedupKeysCannotCollide() {
        QCOMPARE(dedupKey("r", {{"User", "a|b=c%"}, {"SourceIp", "1\n2"}}),
            std::string("r|User=a%7Cb%3Dc%25|SourceIp=1%0A2"));
        // "a|SourceIp=b" as one value must not look like two group fields.
        QVERIFY(dedupKey("r", {{"User", "a|SourceIp=b"}}) != dedupKey("r", {{"User", "a"}, {"SourceIp", "b"}}));
    }

    void groupsAreIndependent() {
        CorrelationEngine engine = engineWith(countRule());
        Feed feed;
        std::vector<std::uint64_t> attackerIds;
        for (int i = 0; i < 6; ++i) {
            attackerIds.push_back(feed.nextId);
            feed.add(i * 2, "auth_failed", "203.0.113.7");
            if (i == 1 || i == 3)
                feed.add(i * 2 + 1, "auth_failed", "198.51.100.2", "alice"); // an innocent typo, twice
        }
        const std::vector<Detection> detections = feed.runThrough(engine);
        QCOMPARE(eventCounts(detections), (QList<int> {5, 1}));
        for (const Detection &d : detections)
            QCOMPARE(d.group.front().second, std::string("203.0.113.7"));
        std::vector<std::uint64_t> reported = evidenceIds(detections[0]);
        reported.push_back(detections[1].evidence.front().eventId);
        QCOMPARE(reported, attackerIds);

        const RuleCounters counters = engine.counters().front();
        QCOMPARE(counters.ruleId, std::string("ssh_brute_force"));
        QCOMPARE(counters.eventsMatched, 8u);
        QCOMPARE(counters.detectionsEmitted, 2u);
        QCOMPARE(counters.groupsLive, 2u);
    }

    void nonMatchingEventsDoNotCount() {
        CorrelationEngine engine = engineWith(countRule());
        Feed feed;
        for (int i = 0; i < 4; ++i)
            feed.add(i, "auth_failed", "203.0.113.7");
        feed.add(5, "auth_success", "203.0.113.7");
        Event &otherService = feed.add(6, "auth_failed", "203.0.113.7");
        feed.batch.setField(otherService, field::Service, "sudo");
        QVERIFY(feed.runThrough(engine).empty());
        QCOMPARE(engine.counters().front().eventsMatched, 4u);
    }

    void eventsWithoutTheGroupAreIgnored_data() {
        QTest::addColumn<QString>("sourceIp");
        QTest::addColumn<bool>("present");
        QTest::addRow("absent") << QString() << false;
        QTest::addRow("empty") << QString() << true;
        QTest::addRow("longer than the limit") << QString(17, u'1') << true;
    }
    void eventsWithoutTheGroupAreIgnored() {
        QFETCH(QString, sourceIp);
        QFETCH(bool, present);
        CorrelationLimits limits;
        limits.maxGroupValueBytes = 16;
        CorrelationEngine engine = engineWith(countRule(), limits);
        Feed feed;
        for (int i = 0; i < 6; ++i) {
            Event &event = feed.add(i, "auth_failed", "");
            if (present)
                feed.batch.setField(event, field::SourceIp, sourceIp.toStdString());
        }
        QVERIFY(feed.runThrough(engine).empty());
        const RuleCounters counters = engine.counters().front();
        QCOMPARE(counters.eventsMatched, 6u);
        QCOMPARE(counters.eventsWithoutGroup + counters.eventsGroupTooLong, 6u);
        QCOMPARE(counters.eventsGroupTooLong, sourceIp.isEmpty() ? 0u : 6u);
        QCOMPARE(counters.groupsLive, 0u);
    }

    void lateEventsAreCounted() {
        CorrelationEngine engine = engineWith(countRule());
        Feed feed;
        for (int i = 0; i < 5; ++i)
            feed.add(100 + i, "auth_failed", "203.0.113.7");
        feed.add(0, "auth_failed", "203.0.113.7");
        QCOMPARE(eventCounts(feed.runThrough(engine)), QList<int> {5});
        QCOMPARE(engine.counters().front().eventsLate, 1u);
    }

    void extremeTimestampsDoNotBreakAnything() {
        std::vector<CorrelationRule> rules;
        rules.push_back(countRule("30d", 2));
        rules.push_back(sequenceRule());
        CorrelationEngine engine(std::move(rules));
        Feed feed;
        constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
        constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
        feed.addAt(kMax, "auth_failed", "203.0.113.7");
        feed.addAt(kMin, "auth_failed", "203.0.113.7");
        feed.addAt(0, "auth_failed", "203.0.113.7");
        feed.addAt(kMin, "auth_failed", "198.51.100.2");
        feed.addAt(kMin + 1, "auth_failed", "198.51.100.2");
        feed.addAt(kMax, "auth_success", "198.51.100.2");
        const std::vector<Detection> detections = feed.runThrough(engine);
        // Only the two adjacent minimum timestamps are within 30 days of each other.
        QCOMPARE(detections.size(), std::size_t(1));
        QCOMPARE(detections[0].group.front().second, std::string("198.51.100.2"));
        QCOMPARE(engine.counters()[0].eventsLate, 2u);
    }

    void evictionAtTheCap_data() {
        QTest::addColumn<int>("maxGroups");
        QTest::addColumn<int>("detections");
        QTest::addColumn<int>("evicted");
        QTest::addRow("room for all") << 3 << 1 << 0;
        QTest::addRow("least recently seen goes first") << 2 << 1 << 1;
        QTest::addRow("room for one") << 1 << 0 << 4;
    }
    void evictionAtTheCap() {
        QFETCH(int, maxGroups);
        QFETCH(int, detections);
        QFETCH(int, evicted);
        CorrelationLimits limits;
        limits.maxGroupsPerRule = static_cast<std::size_t>(maxGroups);
        CorrelationEngine engine = engineWith(countRule(), limits);
        Feed feed;
        feed.add(0, "auth_failed", "203.0.113.7");
        feed.add(1, "auth_failed", "203.0.113.7");
        for (int i = 0; i < 4; ++i)
            feed.add(2 + i, "auth_failed", "198.51.100.2");
        feed.add(6, "auth_failed", "203.0.113.7"); // seen again: now 198.51.100.2 is the least recent
        feed.add(7, "auth_failed", "203.0.113.7");
        feed.add(8, "auth_failed", "192.0.2.1"); // a third group: with room for two, one must go
        feed.add(9, "auth_failed", "203.0.113.7"); // the fifth failure, if its group survived
        QCOMPARE(static_cast<int>(feed.runThrough(engine).size()), detections);
        const RuleCounters counters = engine.counters().front();
        QCOMPARE(static_cast<int>(counters.groupsEvicted), evicted);
        QCOMPARE(static_cast<int>(counters.groupsLive), std::min(maxGroups, 3));
    }

    void expiredGroupsAreSweptAsEventTimeAdvances() {
        CorrelationEngine engine = engineWith(countRule());
        Feed first;
        for (int i = 0; i < 10; ++i)
            first.add(0, "auth_failed", "192.0.2." + std::to_string(i));
        QVERIFY(first.runThrough(engine).empty());
        QCOMPARE(engine.counters().front().groupsLive, 10u);

        Feed within(100);
        within.add(60, "session_opened", "198.51.100.2"); // any event moves the node's clock
        QVERIFY(within.runThrough(engine).empty());
        QCOMPARE(engine.counters().front().groupsLive, 10u);

        Feed after(200);
        after.add(61, "session_opened", "198.51.100.2");
        QVERIFY(after.runThrough(engine).empty());
        QCOMPARE(engine.counters().front().groupsLive, 0u);
        QCOMPARE(engine.counters().front().groupsExpired, 10u);
        QCOMPARE(engine.counters().front().groupsEvicted, 0u);
    }

    void aNodeReplayingItsBacklogKeepsItsGroups() {
        CorrelationEngine engine = engineWith(countRule());
        Feed backlog;
        for (int i = 0; i < 3; ++i)
            backlog.add(i, "auth_failed", "203.0.113.7", "root", "node-b");
        QVERIFY(backlog.runThrough(engine).empty());

        Feed live(100);
        live.add(3600, "session_opened", "198.51.100.2", "alice", "node-a"); // an hour ahead
        QVERIFY(live.runThrough(engine).empty());
        QCOMPARE(engine.counters().front().groupsLive, 1u);

        Feed rest(200);
        rest.add(3, "auth_failed", "203.0.113.7", "root", "node-b");
        rest.add(4, "auth_failed", "203.0.113.7", "root", "node-b");
        QCOMPARE(eventCounts(rest.runThrough(engine)), QList<int> {5});
    }

    void evidenceIsBounded() {
        CorrelationLimits limits;
        limits.maxEvidencePerGroup = 10;
        CorrelationEngine engine = engineWith(countRule("5m", 100), limits);
        Feed feed;
        for (int i = 0; i < 100; ++i)
            feed.add(i, "auth_failed", "203.0.113.7");
        const std::vector<Detection> detections = feed.runThrough(engine);
        QCOMPARE(detections.size(), std::size_t(1));
        QCOMPARE(detections[0].eventCount, 100u);
        std::vector<std::uint64_t> expected = idRange(1, 5);
        for (std::uint64_t id : idRange(96, 100))
            expected.push_back(id);
        QCOMPARE(evidenceIds(detections[0]), expected);
        QCOMPARE(detections[0].firstSeenNs, kBaseNs);
        QCOMPARE(detections[0].lastSeenNs, kBaseNs + 99 * kSecond);
    }

    // Events as "type offset user address": F failed, S success, X something else;
    // addresses A and B.
    void temporalOrdered_data() {
        QTest::addColumn<QStringList>("events");
        QTest::addColumn<QList<int>>("expected");
        const auto failures = [](int from, int to, const QString &suffix = QStringLiteral("alice A")) {
            QStringList out;
            for (int t = from; t <= to; ++t)
                out << QStringLiteral("F %1 %2").arg(t).arg(suffix);
            return out;
        };
        QTest::addRow("5 failures then success") << (failures(0, 4) << u"S 5 alice A"_s) << QList<int> {6};
        QTest::addRow("4 failures then success") << (failures(0, 3) << u"S 4 alice A"_s) << QList<int> {};
        QTest::addRow("success before failures") << (QStringList {u"S 0 alice A"_s} + failures(1, 5)) << QList<int> {};
        QTest::addRow("success from another address") << (failures(0, 4) << u"S 5 alice B"_s) << QList<int> {};
        QTest::addRow("success for another user") << (failures(0, 4) << u"S 5 bob A"_s) << QList<int> {};
        QTest::addRow("failures from two addresses")
            << (failures(0, 1) + failures(2, 4, u"alice B"_s) << u"S 5 alice A"_s) << QList<int> {};
        QTest::addRow("window exceeded") << (failures(0, 4) << u"S 301 alice A"_s) << QList<int> {};
        QTest::addRow("exactly the window") << (failures(0, 4) << u"S 300 alice A"_s) << QList<int> {6};
        QTest::addRow("more failures than needed") << (failures(0, 9) << u"S 10 alice A"_s) << QList<int> {11};
        QStringList longRun;
        for (int t = 0; t <= 600; t += 30)
            longRun << QStringLiteral("F %1 alice A").arg(t);
        // The last ten failures are within 5 minutes of the success: the window slides.
        QTest::addRow("long run of failures, then success") << (longRun << u"S 610 alice A"_s) << QList<int> {11};
        QTest::addRow("gap longer than the window starts over")
            << (failures(0, 3) << u"F 400 alice A"_s << u"S 401 alice A"_s) << QList<int> {};
        QTest::addRow("unrelated events in between") << QStringList {u"F 0 alice A"_s, u"X 1 alice A"_s,
            u"F 2 alice A"_s, u"F 3 alice A"_s, u"F 4 alice A"_s, u"X 5 alice A"_s, u"F 6 alice A"_s, u"S 7 alice A"_s}
                                                     << QList<int> {6};
        QTest::addRow("starts over after firing")
            << (failures(0, 4) << u"S 5 alice A"_s << u"S 6 alice A"_s) << QList<int> {6};
        QTest::addRow("fires again after a new run")
            << (failures(0, 4) << u"S 5 alice A"_s << failures(6, 10) << u"S 11 alice A"_s) << QList<int> {6, 6};
        QTest::addRow("failures out of order") << QStringList {u"F 3 alice A"_s, u"F 0 alice A"_s, u"F 4 alice A"_s,
            u"F 1 alice A"_s, u"F 2 alice A"_s, u"S 5 alice A"_s}
                                               << QList<int> {6};
        QTest::addRow("success arrives before its failures")
            << (QStringList {u"S 5 alice A"_s} + failures(0, 4)) << QList<int> {};
    }
    void temporalOrdered() {
        QFETCH(QStringList, events);
        QFETCH(QList<int>, expected);
        CorrelationEngine engine = engineWith(sequenceRule());
        Feed feed;
        for (const QString &spec : events) {
            const QStringList parts = spec.split(u' ');
            QCOMPARE(parts.size(), 4);
            const char *type = parts[0] == u"F" ? "auth_failed" : parts[0] == u"S" ? "auth_success" : "session_opened";
            const char *ip = parts[3] == u"A" ? "203.0.113.7" : "198.51.100.2";
            feed.add(parts[1].toInt(), type, ip, parts[2].toStdString());
        }
        QCOMPARE(eventCounts(feed.runThrough(engine)), expected);
    }

    void oneEventIsNeverTwoSteps() {
        CorrelationEngine engine = engineWith(ruleFrom(R"(  - id: two_logins
    title: Two logins in a row
    type: temporal_ordered
    severity: low
    group_by: [User]
    window: 1m
    steps:
      - filter: 'event_type == "auth_success"'
      - filter: 'event_type == "auth_success"'
)"));
        Feed feed;
        feed.add(0, "auth_success", "192.0.2.10", "alice");
        QVERIFY(feed.runThrough(engine).empty());
        Feed second(10);
        second.add(1, "auth_success", "192.0.2.10", "alice");
        QCOMPARE(eventCounts(second.runThrough(engine)), QList<int> {2});
    }

    void temporalDetectionCarriesTheSequence() {
        CorrelationEngine engine = engineWith(sequenceRule());
        Feed feed;
        feed.add(0, "auth_success", "203.0.113.7", "alice"); // a success long before: not in the window
        for (int i = 0; i < 5; ++i)
            feed.add(400 + i, "auth_failed", "203.0.113.7", "alice");
        feed.add(405, "auth_success", "203.0.113.7", "alice", "node-b");
        const std::vector<Detection> detections = feed.runThrough(engine);
        QCOMPARE(detections.size(), std::size_t(1));
        const Detection &d = detections[0];
        QCOMPARE(d.ruleId, std::string("brute_force_attack"));
        QVERIFY(d.severity == Severity::Critical);
        QCOMPARE(d.confidence, 1.0);
        QCOMPARE(d.group,
            (std::vector<std::pair<std::string, std::string>> {{"User", "alice"}, {"SourceIp", "203.0.113.7"}}));
        QCOMPARE(d.nodeId, std::string("node-b"));
        QCOMPARE(d.eventCount, 6u);
        QCOMPARE(evidenceIds(d), idRange(2, 7));
        QCOMPARE(d.firstSeenNs, kBaseNs + 400 * kSecond);
        QCOMPARE(d.lastSeenNs, kBaseNs + 405 * kSecond);
        QCOMPARE(QString::fromStdString(d.explanation),
            QStringLiteral("sequence completed by User alice, SourceIp 203.0.113.7 within 5m: at least 5 events "
                           "matching event_type == \"auth_failed\", then 1 event matching event_type == "
                           "\"auth_success\" (6 events over 5s)"));
        QCOMPARE(dedupKey(d), std::string("brute_force_attack|User=alice|SourceIp=203.0.113.7"));
        QCOMPARE(engine.counters().front().groupsLive, 0u); // reset after firing
    }

    void temporalEvidenceIsBounded() {
        CorrelationLimits limits;
        limits.maxEvidencePerGroup = 10;
        CorrelationEngine engine = engineWith(sequenceRule(), limits);
        Feed feed;
        for (int i = 0; i < 100; ++i)
            feed.add(i, "auth_failed", "203.0.113.7", "alice");
        feed.add(100, "auth_success", "203.0.113.7", "alice");
        const std::vector<Detection> detections = feed.runThrough(engine);
        QCOMPARE(detections.size(), std::size_t(1));
        QCOMPARE(detections[0].eventCount, 101u); // the dropped middle is still counted
        std::vector<std::uint64_t> expected = idRange(1, 5);
        for (std::uint64_t id : idRange(97, 101))
            expected.push_back(id);
        QCOMPARE(evidenceIds(detections[0]), expected);
    }

    void evidenceBufferEstimatesTheExpiredPartOfItsMiddle() {
        EvidenceBuffer buffer;
        for (std::int64_t t = 0; t < 100; ++t)
            buffer.add(Evidence {static_cast<std::uint64_t>(t), t}, 10);
        QCOMPARE(buffer.count(), 100u);
        QCOMPARE(buffer.kept().size(), std::size_t(10));
        buffer.expireBefore(50); // 50 events (50..99) remain, 45 of them in the dropped middle
        QVERIFY2(std::abs(static_cast<int>(buffer.count()) - 50) <= 1, qPrintable(QString::number(buffer.count())));
        QCOMPARE(buffer.kept().size(), std::size_t(5));
        buffer.expireBefore(95);
        QCOMPARE(buffer.count(), 5u);
        buffer.expireBefore(1000);
        QCOMPARE(buffer.count(), 0u);
    }

    void limitsFromConfig() {
        auto section = config::Section::loadString("max_groups_per_rule: 500\nmax_evidence_per_group: 20\n", "c.yaml");
        QVERIFY(section.ok());
        auto limits = CorrelationLimits::fromConfig(*section);
        QVERIFY(limits.ok());
        QCOMPARE(limits->maxGroupsPerRule, std::size_t(500));
        QCOMPARE(limits->maxEvidencePerGroup, std::size_t(20));
        QCOMPARE(limits->maxNodes, CorrelationLimits().maxNodes);

        auto tooSmall
            = CorrelationLimits::fromConfig(*config::Section::loadString("max_evidence_per_group: 1\n", "c.yaml"));
        QVERIFY(!tooSmall.ok());
        QVERIFY(QString::fromStdString(tooSmall.error().message).startsWith(u"c.yaml:1:25: max_evidence_per_group:"));
        auto typo = CorrelationLimits::fromConfig(*config::Section::loadString("max_group: 1\n", "c.yaml"));
        QVERIFY(!typo.ok());
        QVERIFY(QString::fromStdString(typo.error().message).contains(u"unknown setting 'max_group'"));
    }

    void createRefusesInvalidRules() {
        CorrelationRule zero = countRule();
        zero.threshold = 0;
        std::vector<CorrelationRule> rules {zero};
        auto engine = CorrelationEngine::create(rules);
        QVERIFY(!engine.ok());
        QCOMPARE(QString::fromStdString(engine.error().message),
            QStringLiteral("rule 'ssh_brute_force': threshold must be between 1 and 10000"));

        auto duplicate = CorrelationEngine::create({countRule(), countRule()});
        QVERIFY(!duplicate.ok());
        QVERIFY(QString::fromStdString(duplicate.error().message).contains(u"duplicate rule id 'ssh_brute_force'"));

        CorrelationLimits limits;
        limits.maxGroupsPerRule = 0;
        QVERIFY(!CorrelationEngine::create({countRule()}, limits).ok());
        auto fine = CorrelationEngine::create({countRule(), sequenceRule()});
        QVERIFY(fine.ok());
        QCOMPARE(fine->ruleCount(), std::size_t(2));
    }
};

QTEST_GUILESS_MAIN(TestCorrelationEngine)
#include "tst_correlationengine.moc"
