// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/enricher.h"
#include "sentinel/filter/eventfilter.h"

#include <QTest>

using namespace vanopticon;
using namespace vanopticon::sentinel;

namespace {
EventBatch sample() {
    EventBatch batch;
    const char *types[] = {"auth_failed", "syslog", "auth_success", "syslog"};
    for (const char *type : types) {
        Event &e = batch.addEvent();
        batch.setField(e, field::EventType, type);
        batch.setField(e, field::SourceType, "syslog");
    }
    batch.setField(batch.events()[0], field::Host, "from-the-line");
    return batch;
}
config::Section yaml(const std::string &text) {
    return config::Section::loadString(text, "sentinel.yaml").value();
}
} // namespace

class TestStages : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void enricherFillsHostAndTags() {
        auto config = parseEnricherConfig(yaml("tags: {environment: production, site: ams1}"), "web-01");
        QVERIFY(config.ok());
        auto created = Enricher::create(std::move(*config));
        QVERIFY(created);
        Enricher &enricher = **created;
        EventBatch batch = sample();
        enricher.process(batch);
        QCOMPARE(batch.events()[0].value(field::Host), std::string_view("from-the-line")); // kept
        QCOMPARE(batch.events()[1].value(field::Host), std::string_view("web-01"));
        QCOMPARE(batch.events()[3].value(internField("environment")), std::string_view("production"));
        QCOMPARE(enricher.counters().in, 4u);
        QCOMPARE(enricher.counters().out, 4u);
    }

    void enricherConfigErrors() {
        QVERIFY(!parseEnricherConfig(yaml("tags: [a, b]"), "h").ok());
        QVERIFY(!parseEnricherConfig(yaml("tags: {'bad name': x}"), "h").ok());
        QVERIFY(!parseEnricherConfig(yaml("geoip: true"), "h").ok());
        auto noHost = parseEnricherConfig(yaml("host_metadata: false"), "web-01");
        QVERIFY(noHost.ok() && noHost->hostname.empty());
    }

    void filterDropsMatchingEventsAndCounts() {
        auto rules = parseFilterConfig(yaml(R"(rules:
  - name: drop_noise
    condition: 'event_type == "syslog"'
    action: drop
)"));
        QVERIFY2(rules.ok(), rules.ok() ? "" : rules.error().message.c_str());
        EventFilter filter(std::move(*rules));
        EventBatch batch = sample();
        filter.process(batch);
        QCOMPARE(batch.size(), std::size_t(2));
        QCOMPARE(batch.events()[0].value(field::EventType), std::string_view("auth_failed"));
        QCOMPARE(batch.events()[1].value(field::EventType), std::string_view("auth_success"));
        QCOMPARE(filter.counters().dropped, 2u);
        QCOMPARE(filter.counters().out, 2u);
        QCOMPARE(filter.rules().front()->counters().matched, 2u);
    }

    void filterRefusesWhatItCannotDo() {
        auto unsupported = parseFilterConfig(yaml("rules:\n  - name: r\n    condition: x exists\n    action: shred\n"));
        QVERIFY(!unsupported.ok());
        QVERIFY(QString::fromStdString(unsupported.error().message).contains(u"unknown filter action 'shred'"));
        QVERIFY(!parseFilterConfig(yaml("rules:\n  - name: r\n    action: drop\n")).ok());
        QVERIFY(!parseFilterConfig(yaml("rules:\n  - name: r\n    condition: 'x =='\n    action: drop\n")).ok());
    }

    void rateLimitKeepsRatePerGroupOnEventTime() {
        auto rules = parseFilterConfig(yaml(R"(rules:
  - name: cron
    condition: 'service == "cron"'
    action: rate_limit
    rate: 2/second
    group_by: [host]
)"));
        QVERIFY2(rules.ok(), rules.ok() ? "" : rules.error().message.c_str());
        EventFilter filter(std::move(*rules));
        EventBatch batch;
        // Host a: 5 events in the same instant (burst of 2 allowed), then one a second later.
        // Host b: its own bucket. A non-matching event always passes.
        const auto add = [&](const char *host, const char *service, std::int64_t ms) {
            Event &e = batch.addEvent();
            e.timestampNs = ms * 1'000'000;
            batch.setField(e, field::Host, host);
            batch.setField(e, field::Service, service);
        };
        for (int i = 0; i < 5; ++i)
            add("a", "cron", 1000);
        add("b", "cron", 1000);
        add("a", "sshd", 1000);
        add("a", "cron", 1500); // half a second: one token back
        add("a", "cron", 1500);
        filter.process(batch);
        QCOMPARE(batch.size(), std::size_t(5)); // a×2, b, sshd, a (refilled)
        QCOMPARE(filter.counters().dropped, 4u);
        QCOMPARE(filter.rules().front()->counters().matched, 8u);
        QCOMPARE(filter.rules().front()->counters().dropped, 4u);
    }

    void sampleKeepsExactlyTheFraction() {
        auto rules = parseFilterConfig(
            yaml("rules:\n  - {name: s, condition: 'x exists', action: sample, sample_rate: 0.25}\n"));
        QVERIFY(rules.ok());
        EventFilter filter(std::move(*rules));
        EventBatch batch;
        for (int i = 0; i < 1000; ++i)
            batch.setField(batch.addEvent(), internField("x"), "1");
        filter.process(batch);
        QCOMPARE(batch.size(), std::size_t(250));
    }

    void dedupDropsRepeatsWithinTheWindow() {
        auto rules = parseFilterConfig(yaml(R"(rules:
  - {name: d, condition: 'event_type == "syslog"', action: dedup, window: 10s, fields: [host, message]}
)"));
        QVERIFY(rules.ok());
        EventFilter filter(std::move(*rules));
        EventBatch batch;
        const auto add = [&](const char *message, std::int64_t seconds, const char *pid) {
            Event &e = batch.addEvent();
            e.timestampNs = seconds * 1'000'000'000;
            batch.setField(e, field::EventType, "syslog");
            batch.setField(e, field::Host, "h");
            batch.setField(e, field::Message, message);
            batch.setField(e, field::ProcessId, pid); // not part of the identity here
        };
        add("disk full", 0, "1");
        add("disk full", 5, "2"); // repeat within 10 s: dropped
        add("disk ok", 6, "3"); // different message: kept
        add("disk full", 11, "4"); // 11 s after the kept one: kept, window restarts
        add("disk full", 20, "5"); // 9 s after that: dropped
        filter.process(batch);
        QCOMPARE(batch.size(), std::size_t(3));
        QCOMPARE(batch.events()[2].value(field::ProcessId), std::string_view("4"));
    }

    void dedupWithoutFieldsComparesWholeEvents() {
        auto rules
            = parseFilterConfig(yaml("rules:\n  - {name: d, condition: 'x exists', action: dedup, window: 1m}\n"));
        QVERIFY(rules.ok());
        EventFilter filter(std::move(*rules));
        EventBatch batch;
        for (const char *value : {"a", "a", "b"}) {
            Event &e = batch.addEvent();
            batch.setField(e, internField("x"), value);
            batch.setField(e, field::Raw, value[0] == 'a' ? "raw differs 1" : "raw"); // raw is not identity
        }
        batch.setField(batch.events()[1], field::Raw, "raw differs 2");
        filter.process(batch);
        QCOMPARE(batch.size(), std::size_t(2));
    }

    void filterSettingsBelongToTheirAction_data() {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("message");
        QTest::addRow("rate on drop") << "{name: r, condition: 'x exists', action: drop, rate: 1/second}"
                                      << "'rate' applies to action rate_limit";
        QTest::addRow("bad rate") << "{name: r, condition: 'x exists', action: rate_limit, rate: ten}"
                                  << "is not a rate";
        QTest::addRow("rate unit") << "{name: r, condition: 'x exists', action: rate_limit, rate: 1/week}"
                                   << "unknown unit";
        QTest::addRow("no sample_rate") << "{name: r, condition: 'x exists', action: sample}"
                                        << "sample_rate in (0, 1]";
        QTest::addRow("sample_rate > 1") << "{name: r, condition: 'x exists', action: sample, sample_rate: 2}"
                                         << "must be between";
        QTest::addRow("window on sample")
            << "{name: r, condition: 'x exists', action: sample, sample_rate: 0.5, window: 1s}"
            << "'window' applies to action dedup";
        QTest::addRow("zero window") << "{name: r, condition: 'x exists', action: dedup, window: 0s}"
                                     << "greater than zero";
    }
    void filterSettingsBelongToTheirAction() {
        QFETCH(QString, rule);
        QFETCH(QString, message);
        auto rules = parseFilterConfig(yaml(QString(u"rules:\n  - " + rule + u"\n").toStdString()));
        QVERIFY(!rules.ok());
        QVERIFY2(QString::fromStdString(rules.error().message).contains(message), rules.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestStages)
#include "tst_stages.moc"
