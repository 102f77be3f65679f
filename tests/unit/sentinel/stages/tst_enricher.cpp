// SPDX-License-Identifier: Apache-2.0
// The enrich stage assembled from an `enricher:` block, with MaxMind's test databases and real
// IOC feeds (../shared/data): the steps run in order on one batch, a database that cannot be used
// is refused when the stage is built, and the status reports what each step did.
#include "sentinel/enrich/enricher.h"
#include "sentinel/enrich/enricherstatus.h"

#include <QJsonArray>
#include <QSet>
#include <QTest>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

namespace {

const std::string kData = VANOPTICON_TEST_DATA_DIR;

config::Section yaml(const std::string &text) {
    auto section = config::Section::loadString(text, "sentinel.yaml");
    Q_ASSERT(section);
    return *section;
}

std::string fullConfig() {
    return "tags: {site: ams1}\n"
           "correlation_ids: true\n"
           "geoip:\n"
           "  city_database: "
        + kData + "/maxmind/test-data/GeoIP2-City-Test.mmdb\n  asn_database: " + kData
        + "/maxmind/test-data/GeoLite2-ASN-Test.mmdb\n"
          "threat_intel:\n"
          "  feeds:\n"
          "    - {name: ipsum, type: plain, path: "
        + kData + "/ioc/ipsum/levels_7.txt}\n    - {name: partner, type: stix, path: " + kData
        + "/ioc/stix/indicator-for-c2-ip-address.json}\n";
}

std::string_view valueOf(const Event &event, std::string_view name) {
    const auto id = FieldRegistry::instance().find(name);
    return id ? event.value(*id) : std::string_view();
}

} // namespace

class TestEnricher : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void allStepsOnOneBatch() {
        auto config = parseEnricherConfig(yaml(fullConfig()), "sentinel-01");
        QVERIFY2(config, config ? "" : config.error().message.c_str());
        auto created = Enricher::create(std::move(*config));
        QVERIFY2(created, created ? "" : created.error().message.c_str());
        Enricher &enricher = **created;

        EventBatch batch;
        Event &london = batch.addEvent();
        batch.setField(london, field::SourceIp, "81.2.69.160"); // GB / London in the City test database
        batch.setField(london, field::DestinationIp, "77.90.185.20"); // on ipsum's level-7 list
        Event &asn = batch.addEvent();
        batch.setField(asn, field::Host, "web-02");
        batch.setField(asn, field::SourceIp, "1.128.0.1"); // AS1221 in the ASN test database
        batch.setField(asn, field::DestinationIp, "10.0.0.0"); // the STIX bundle's C2 address
        enricher.process(batch);

        const Event &first = batch.events()[0];
        QCOMPARE(valueOf(first, "SourceIp.geo.country"), "GB");
        QCOMPARE(valueOf(first, "SourceIp.geo.city"), "London");
        QCOMPARE(valueOf(first, "threat.matched"), "true");
        QCOMPARE(valueOf(first, "threat.feeds"), "ipsum");
        QCOMPARE(valueOf(first, "threat.indicator"), "77.90.185.20");
        QCOMPARE(first.value(field::Host), "sentinel-01"); // the source named none
        QCOMPARE(valueOf(first, "collector.host"), "sentinel-01");
        QVERIFY(valueOf(first, "collector.os").starts_with("Linux "));
        QCOMPARE(valueOf(first, "site"), "ams1");

        const Event &second = batch.events()[1];
        QCOMPARE(second.value(field::Host), "web-02"); // kept: the source named it
        QCOMPARE(valueOf(second, "SourceIp.asn"), "1221");
        QCOMPARE(valueOf(second, "threat.feeds"), "partner");
        QVERIFY(valueOf(second, "DestinationIp.geo.country").empty()); // private: never looked up

        // Correlation ids: unique, with one prefix per process.
        const std::string_view id1 = valueOf(first, "correlation_id");
        const std::string_view id2 = valueOf(second, "correlation_id");
        QVERIFY(!id1.empty() && id1 != id2);
        QCOMPARE(id1.substr(0, 17), id2.substr(0, 17));

        const QJsonObject status = enricherStatus(enricher);
        QCOMPARE(status[u"in"_s].toInt(), 2);
        QCOMPARE(status[u"threat_intel"_s].toObject()[u"matched_events"_s].toInt(), 2);
        QCOMPARE(status[u"threat_intel"_s].toObject()[u"feeds"_s].toArray().size(), 2);
        QVERIFY(status[u"geoip"_s].toObject()[u"lookups"_s].toInt() >= 2);
        QVERIFY(status[u"geoip"_s].toObject().contains(u"cache_hit_rate"_s));
        QVERIFY(!status.contains(u"reverse_dns"_s)); // not configured

        // The same addresses again: answered from the GeoIP cache.
        EventBatch again;
        again.setField(again.addEvent(), field::SourceIp, "81.2.69.160");
        enricher.process(again);
        QCOMPARE(valueOf(again.events()[0], "SourceIp.geo.city"), "London");
        QVERIFY(enricherStatus(enricher)[u"geoip"_s].toObject()[u"cache_hits"_s].toInt() >= 1);
    }

    // A broken database is refused when the stage is built, naming the block.
    void brokenDatabaseRefused() {
        auto config = parseEnricherConfig(
            yaml("geoip: {city_database: " + kData + "/maxmind/test-data/GeoIP2-City-Test-Invalid-Node-Count.mmdb}"),
            "h");
        QVERIFY(config);
        auto created = Enricher::create(std::move(*config));
        QVERIFY(!created);
        QVERIFY2(created.error().message.starts_with("enricher.geoip: "), created.error().message.c_str());
        QVERIFY2(
            created.error().message.find("Invalid-Node-Count") != std::string::npos, created.error().message.c_str());
    }

    // A feed that cannot be read does not stop the sentinel: reported, retried at the next refresh.
    void missingFeedReported() {
        auto config = parseEnricherConfig(
            yaml("threat_intel:\n  feeds:\n    - {name: gone, type: plain, path: /nonexistent/feed.txt}\n"), "h");
        QVERIFY(config);
        auto created = Enricher::create(std::move(*config));
        QVERIFY(created);
        const QJsonObject feed
            = enricherStatus(**created)[u"threat_intel"_s].toObject()[u"feeds"_s].toArray()[0].toObject();
        QCOMPARE(feed[u"load_errors"_s].toInt(), 1);
        QVERIFY(!feed[u"last_error"_s].toString().isEmpty());
    }

    void configErrors_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("error");
        QTest::newRow("unknown key") << QByteArray("geo_ip: {}") << QByteArray("unknown setting 'geo_ip'");
        QTest::newRow("correlation_ids not a boolean")
            << QByteArray("correlation_ids: sometimes") << QByteArray("correlation_ids");
        QTest::newRow("geoip without databases") << QByteArray("geoip: {fields: [SourceIp]}") << QByteArray("geoip");
        QTest::newRow("bad feed type") << QByteArray("threat_intel: {feeds: [{name: a, type: csv, path: /x}]}")
                                       << QByteArray("csv");
        QTest::newRow("bad dns timeout") << QByteArray("reverse_dns: {timeout: forever}") << QByteArray("timeout");
    }

    void configErrors() {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, error);
        auto config = parseEnricherConfig(yaml(text.toStdString()), "h");
        QVERIFY(!config);
        QVERIFY2(config.error().message.find(error.toStdString()) != std::string::npos, config.error().message.c_str());
        QVERIFY2(config.error().message.starts_with("sentinel.yaml:"), config.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestEnricher)
#include "tst_enricher.moc"
