// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/correlationengine.h"
#include "analysis/correlate/ruleloader.h"
#include "analysis/score/threatscorer.h"

#include <QTest>

using namespace vanopticon;
using namespace vanopticon::analysis;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kStartNs = 1'767'225'600 * kSecond; // 2026-01-01T00:00:00Z

// What the sshd parser makes of auth.log lines on web-01.
struct AuthLog {
    EventBatch batch;
    std::vector<EventRef> refs;
    std::uint64_t nextId = 1000;

    void line(int second, std::string_view type, std::string_view user, std::string_view ip, int port,
        std::string_view method, std::string_view message) {
        Event &event = batch.addEvent();
        event.sequence = nextId;
        event.timestampNs = kStartNs + second * kSecond;
        event.severity = type == "auth_failed" ? Severity::Low : Severity::Info;
        batch.setField(event, field::EventType, type);
        batch.setField(event, field::Category, "authentication");
        batch.setField(event, field::Service, "sshd");
        batch.setField(event, field::ProcessName, "sshd");
        batch.setField(event, field::ProcessId, std::to_string(4000 + second));
        batch.setField(event, field::Host, "web-01");
        batch.setField(event, field::SourceType, "syslog");
        batch.setField(event, field::Message, message);
        batch.setField(event, field::Raw, "Jan  1 00:00:00 web-01 sshd[4000]: " + std::string(message));
        if (!user.empty())
            batch.setField(event, field::User, user);
        if (!ip.empty()) {
            batch.setField(event, field::SourceIp, ip);
            batch.setField(event, field::SourcePort, std::to_string(port));
        }
        if (!method.empty())
            batch.setField(event, field::AuthMethod, method);
        refs.push_back(EventRef {nextId++, "node_web01"});
    }
    void failed(int second, std::string_view user, std::string_view ip, int port, bool invalidUser = false) {
        const std::string message = std::string("Failed password for ") + (invalidUser ? "invalid user " : "")
            + std::string(user) + " from " + std::string(ip) + " port " + std::to_string(port) + " ssh2";
        line(second, "auth_failed", user, ip, port, "password", message);
    }
    void accepted(int second, std::string_view user, std::string_view ip, int port, std::string_view method) {
        const std::string message = "Accepted " + std::string(method) + " for " + std::string(user) + " from "
            + std::string(ip) + " port " + std::to_string(port) + " ssh2";
        line(second, "auth_success", user, ip, port, method, message);
    }
};

} // namespace

class TestShippedCorrelationRules : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void loadAsSpecified() {
        auto rules = loadCorrelationRuleDirectory(VANOPTICON_SOURCE_DIR "/resources/rules/correlation");
        QVERIFY2(rules.ok(), rules.ok() ? "" : rules.error().message.c_str());
        QCOMPARE(rules->size(), std::size_t(2));

        const CorrelationRule &sequence = rules->at(0); // brute_force_attack.yaml sorts first
        QCOMPARE(sequence.id, std::string("brute_force_attack"));
        QVERIFY(sequence.type == CorrelationType::TemporalOrdered);
        QVERIFY(sequence.severity == Severity::Critical);
        QCOMPARE(sequence.groupBy, (std::vector<FieldId> {field::User, field::SourceIp}));
        QCOMPARE(sequence.window, std::chrono::milliseconds(5min));
        QCOMPARE(sequence.steps.size(), std::size_t(2));
        QCOMPARE(sequence.steps[0].minCount, 5u);
        QCOMPARE(sequence.steps[1].minCount, 1u);

        const CorrelationRule &count = rules->at(1);
        QCOMPARE(count.id, std::string("ssh_brute_force"));
        QVERIFY(count.type == CorrelationType::EventCount);
        QVERIFY(count.severity == Severity::High);
        QCOMPARE(count.confidence, 1.0);
        QCOMPARE(count.groupBy, std::vector<FieldId> {field::SourceIp});
        QCOMPARE(count.window, std::chrono::milliseconds(60s));
        QCOMPARE(count.threshold, 5u);
        QCOMPARE(count.tags, (std::vector<std::string> {"attack.credential_access", "attack.t1110"}));
    }

    void realisticSshdSequence() {
        auto rules = loadCorrelationRuleDirectory(VANOPTICON_SOURCE_DIR "/resources/rules/correlation");
        QVERIFY(rules.ok());
        CorrelationEngine engine(std::move(*rules));

        AuthLog log;
        log.accepted(0, "alice", "192.0.2.10", 50022, "publickey"); // an admin at work
        log.failed(5, "bob", "198.51.100.2", 41000); // a typo…
        log.failed(9, "bob", "198.51.100.2", 41002); // … twice
        log.accepted(12, "bob", "198.51.100.2", 41004, "password");
        log.line(13, "session_opened", "bob", "", 0, "", "pam_unix(sshd:session): session opened for user bob");
        // The attack: root and a made-up user from one address, then a guessed password.
        const int rootFailures[] = {20, 23, 26, 29, 32, 35};
        for (int second : rootFailures) {
            log.failed(second, "root", "203.0.113.7", 52000 + second);
            if (second == 20 || second == 23)
                log.failed(second + 1, "admin", "203.0.113.7", 52100 + second, true);
        }
        log.failed(36, "root", "203.0.113.99", 53000); // another address, too few to matter
        log.failed(37, "root", "203.0.113.99", 53001);
        log.accepted(40, "root", "203.0.113.7", 52190, "password");

        std::vector<Detection> detections;
        engine.process(log.batch, log.refs, detections);

        QCOMPARE(detections.size(), std::size_t(5));
        // 5th failure from the address (root 20, admin 21, root 23, admin 24, root 26), then each further one.
        const std::uint32_t expectedCounts[] = {5, 1, 1, 1};
        const std::int64_t expectedLast[] = {26, 29, 32, 35};
        for (std::size_t i = 0; i < 4; ++i) {
            const Detection &d = detections[i];
            QCOMPARE(d.ruleId, std::string("ssh_brute_force"));
            QCOMPARE(d.eventCount, expectedCounts[i]);
            QCOMPARE(d.lastSeenNs, kStartNs + expectedLast[i] * kSecond);
            QCOMPARE(d.nodeId, std::string("node_web01"));
            QCOMPARE(dedupKey(d), std::string("ssh_brute_force|SourceIp=203.0.113.7"));
        }
        QCOMPARE(detections[0].firstSeenNs, kStartNs + 20 * kSecond);
        QCOMPARE(detections[0].evidence.size(), std::size_t(5));

        const Detection &takeover = detections[4];
        QCOMPARE(takeover.ruleId, std::string("brute_force_attack"));
        QVERIFY(takeover.severity == Severity::Critical);
        QCOMPARE(takeover.group,
            (std::vector<std::pair<std::string, std::string>> {{"User", "root"}, {"SourceIp", "203.0.113.7"}}));
        QCOMPARE(takeover.eventCount, 7u); // six failures for root and the success
        QCOMPARE(takeover.firstSeenNs, kStartNs + 20 * kSecond);
        QCOMPARE(takeover.lastSeenNs, kStartNs + 40 * kSecond);
        QCOMPARE(takeover.evidence.back().eventId, log.refs.back().eventId);

        // No alert for the innocent user or the second address.
        for (const Detection &d : detections) {
            for (const auto &[name, value] : d.group)
                QVERIFY(value != "198.51.100.2" && value != "203.0.113.99" && value != "bob");
        }
        const std::vector<RuleCounters> counters = engine.counters();
        QCOMPARE(counters[1].ruleId, std::string("ssh_brute_force"));
        QCOMPARE(counters[1].eventsMatched, 12u); // every failed sshd login
        QCOMPARE(counters[1].detectionsEmitted, 4u);

        // Scored as the alert layer would: the repeats are one piece of evidence.
        const ThreatScorer scorer;
        const ThreatScore bruteForce = scorer.score(std::span<const Detection>(detections.data(), 4));
        QCOMPARE(bruteForce.score, 70);
        QCOMPARE(bruteForce.band, std::string("high"));
        const ThreatScore takeoverScore = scorer.score(std::span<const Detection>(&takeover, 1));
        QCOMPARE(takeoverScore.score, 100);
        QCOMPARE(takeoverScore.band, std::string("critical"));
    }
};

QTEST_GUILESS_MAIN(TestShippedCorrelationRules)
#include "tst_shippedcorrelationrules.moc"
