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
        Enricher enricher(std::move(*config));
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
        QCOMPARE(filter.rules().front().matched, 2u);
    }

    void filterRefusesWhatItCannotDo() {
        auto unsupported
            = parseFilterConfig(yaml("rules:\n  - name: r\n    condition: x exists\n    action: sample\n"));
        QVERIFY(!unsupported.ok());
        QVERIFY(QString::fromStdString(unsupported.error().message).contains(u"'sample' is not supported"));
        QVERIFY(!parseFilterConfig(yaml("rules:\n  - name: r\n    action: drop\n")).ok());
        QVERIFY(!parseFilterConfig(yaml("rules:\n  - name: r\n    condition: 'x =='\n    action: drop\n")).ok());
    }
};

QTEST_GUILESS_MAIN(TestStages)
#include "tst_stages.moc"
