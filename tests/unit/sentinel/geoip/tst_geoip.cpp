// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/geoip/geoipconfig.h"
#include "sentinel/enrich/geoip/geoipdatabase.h"
#include "sentinel/enrich/geoip/geoipstep.h"
#include "sentinel/enrich/geoip/ipkey.h"
#include "sentinel/enrich/geoip/lrucache.h"
#include "sentinel/respond/ipnetwork.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <set>

// Counts heap allocations, so the test can show that a warm lookup allocates nothing.
namespace {
std::atomic<std::size_t> g_allocations {0};
}
void *operator new(std::size_t size) {
    ++g_allocations;
    if (void *p = std::malloc(size == 0 ? 1 : size))
        return p;
    throw std::bad_alloc();
}
void operator delete(void *p) noexcept {
    std::free(p);
}
void operator delete(void *p, std::size_t) noexcept {
    std::free(p);
}

using namespace vanopticon;
using namespace vanopticon::sentinel;

namespace {

const std::string kMaxMind = VANOPTICON_TEST_DATA_DIR "/maxmind";

std::string testDb(const char *name) {
    return kMaxMind + "/test-data/" + name;
}

config::Section yaml(const std::string &text) {
    return config::Section::loadString(text, "sentinel.yaml").value();
}

std::unique_ptr<GeoIpStep> makeStep(const std::string &city, const std::string &asn, std::size_t cacheSize = 1000) {
    GeoIpConfig config;
    config.cityDatabase = city;
    config.asnDatabase = asn;
    config.cacheSize = cacheSize;
    auto step = GeoIpStep::create(config);
    if (!step) {
        qWarning("%s", step.error().message.c_str());
        return nullptr;
    }
    return std::move(*step);
}

QString fieldOf(const Event &event, const std::string &name) {
    const std::string_view value = event.value(internField(name));
    return QString::fromUtf8(value.data(), static_cast<qsizetype>(value.size()));
}

// The MaxMind source JSON: a list of {"network": record}. Expected values for an address come
// from the most specific network containing it, as in the database built from it.
struct SourceEntry {
    IpNetwork network;
    QJsonObject record;
};

std::vector<SourceEntry> loadSource(const char *name) {
    QFile file(QString::fromStdString(kMaxMind + "/source-data/" + name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    std::vector<SourceEntry> entries;
    const QJsonArray list = QJsonDocument::fromJson(file.readAll()).array();
    for (const QJsonValue &item : list) {
        const QJsonObject object = item.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            auto network = IpNetwork::parse(it.key().toStdString());
            if (network)
                entries.push_back({*network, it.value().toObject()});
        }
    }
    return entries;
}

const SourceEntry *mostSpecific(const std::vector<SourceEntry> &entries, const IpAddress &address) {
    const SourceEntry *best = nullptr;
    for (const SourceEntry &entry : entries) {
        if (entry.network.contains(address) && (!best || entry.network.prefixLength() > best->network.prefixLength()))
            best = &entry;
    }
    return best;
}

QStringList testDatabases() {
    return QDir(QString::fromStdString(kMaxMind + "/test-data"))
        .entryList({QStringLiteral("*.mmdb")}, QDir::Files, QDir::Name);
}

// The suite's README names them: static files kept from the old writer, broken on purpose.
bool isBrokenOnPurpose(const QString &file) {
    return file.contains(u"Broken") || file.contains(u"Invalid") || file.contains(u"-broken-");
}

// The first address of every network in every source file, and the addresses the reader test
// databases (MaxMind-DB-test-*) are built around, which have no source file.
std::vector<IpKey> probeAddresses() {
    std::vector<IpKey> probes;
    std::set<std::string> seen;
    const QStringList sources = QDir(QString::fromStdString(kMaxMind + "/source-data"))
                                    .entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    for (const QString &source : sources) {
        for (const SourceEntry &entry : loadSource(source.toLatin1().constData())) {
            const std::string text = entry.network.address().toString();
            if (seen.insert(text).second)
                probes.push_back(*parseIpKey(text));
        }
    }
    for (const char *text : {"1.1.1.1", "1.1.1.3", "1.1.1.32", "::1:ffff:ffff", "::2:0:40", "::1.1.1.1"}) {
        if (seen.insert(text).second)
            probes.push_back(*parseIpKey(text));
    }
    return probes;
}

QString englishName(const QJsonObject &object) {
    return object.value(u"names").toObject().value(u"en").toString();
}

} // namespace

class TestGeoIp : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ipKeys_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("canonical"); // empty: not an address
        QTest::addRow("v4") << "81.2.69.160"
                            << "81.2.69.160";
        QTest::addRow("v4 zeros") << "0.0.0.0"
                                  << "0.0.0.0";
        QTest::addRow("v6") << "2001:0218:0000::1"
                            << "2001:218::1";
        QTest::addRow("v6 upper") << "2001:DB8::A"
                                  << "2001:db8::a";
        QTest::addRow("v4-mapped is v4") << "::ffff:81.2.69.160"
                                         << "81.2.69.160";
        QTest::addRow("leading zero") << "010.0.0.1" << QString();
        QTest::addRow("three parts") << "10.0.1" << QString();
        QTest::addRow("octet too big") << "1.2.3.256" << QString();
        QTest::addRow("with port") << "1.2.3.4:22" << QString();
        QTest::addRow("trailing dot") << "1.2.3.4." << QString();
        QTest::addRow("hostname") << "example.org" << QString();
        QTest::addRow("scope id") << "fe80::1%eth0" << QString();
        QTest::addRow("brackets") << "[2001:db8::1]" << QString();
        QTest::addRow("space") << " 1.2.3.4" << QString();
        QTest::addRow("empty") << QString() << QString();
        QTest::addRow("long") << QString(60, u'1') << QString();
    }
    void ipKeys() {
        QFETCH(QString, text);
        QFETCH(QString, canonical);
        const std::string bytes = text.toStdString();
        const std::optional<IpKey> key = parseIpKey(bytes);
        QCOMPARE(key.has_value(), !canonical.isEmpty());
        if (key)
            QCOMPARE(QString::fromStdString(key->toString()), canonical);
    }

    void prefixes() {
        const auto v4 = parseIpPrefix("81.2.69.161/27");
        QVERIFY(v4);
        QCOMPARE(v4->prefix, 96 + 27);
        QCOMPARE(QString::fromStdString(v4->key.toString()), u"81.2.69.160"); // host bits cleared
        const auto host = parseIpPrefix("1.2.3.4");
        QVERIFY(host && host->prefix == 128);
        const auto v6 = parseIpPrefix("2001:218::/32");
        QVERIFY(v6 && v6->prefix == 32);
        QVERIFY(!parseIpPrefix("1.2.3.4/33"));
        QVERIFY(!parseIpPrefix("1.2.3.4/"));
        QVERIFY(!parseIpPrefix("1.2.3.4/-1"));
        QVERIFY(!parseIpPrefix("2001:db8::/129"));
    }

    void publicAddresses_data() {
        QTest::addColumn<QString>("address");
        QTest::addColumn<bool>("isPublic");
        const std::pair<const char *, bool> rows[] = {{"81.2.69.160", true}, {"8.8.8.8", true}, {"172.32.0.1", true},
            {"100.128.0.1", true}, {"10.1.2.3", false}, {"172.16.0.1", false}, {"172.31.255.255", false},
            {"192.168.1.1", false}, {"100.64.0.1", false}, {"127.0.0.1", false}, {"169.254.1.1", false},
            {"0.1.2.3", false}, {"192.0.2.7", false}, {"198.51.100.7", false}, {"203.0.113.7", false},
            {"198.18.0.1", false}, {"224.0.0.1", false}, {"240.0.0.1", false}, {"255.255.255.255", false},
            {"::ffff:10.0.0.1", false}, {"2001:218::1", true}, {"2a02:d3c0::1", true}, {"::", false}, {"::1", false},
            {"fe80::1", false}, {"fd12:3456::1", false}, {"2001:db8::1", false}, {"ff02::1", false}};
        for (const auto &[address, isPublic] : rows)
            QTest::addRow("%s", address) << QString::fromLatin1(address) << isPublic;
    }
    void publicAddresses() {
        QFETCH(QString, address);
        QFETCH(bool, isPublic);
        const auto key = parseIpKey(address.toStdString());
        QVERIFY(key);
        QCOMPARE(isPublicAddress(*key), isPublic);
    }

    void lruEvictsLeastRecentlyUsed() {
        LruCache<int, int, std::hash<int>> cache(2);
        cache.insert(1) = 10;
        cache.insert(2) = 20;
        QVERIFY(cache.find(1) != nullptr); // 1 is now more recent than 2
        cache.insert(3) = 30; // evicts 2
        QCOMPARE(cache.size(), std::size_t(2));
        QVERIFY(cache.find(2) == nullptr);
        QCOMPARE(*cache.find(1), 10);
        QCOMPARE(*cache.find(3), 30);
        QCOMPARE(cache.evictions(), 1u);
        cache.clear();
        QVERIFY(cache.find(1) == nullptr);
        cache.insert(1) = 11;
        QCOMPARE(*cache.find(1), 11);
    }

    void lruManyKeys() {
        // Many keys in few buckets' worth of chains: eviction must unlink from the right chain.
        LruCache<int, int, std::hash<int>> cache(100);
        for (int i = 0; i < 10000; ++i) {
            if (cache.find(i % 150) == nullptr)
                cache.insert(i % 150) = i % 150;
        }
        QCOMPARE(cache.size(), std::size_t(100));
        for (int i = 0; i < 150; ++i) {
            if (const int *value = cache.find(i))
                QCOMPARE(*value, i);
        }
    }

    // A large cache leaves entries moved recently in place on a hit (bump interval capacity/8),
    // but still keeps what was used and evicts what was not.
    void lruKeepsWhatIsUsed() {
        LruCache<int, int, std::hash<int>> cache(80); // interval 10
        for (int i = 0; i < 80; ++i)
            cache.insert(i) = i;
        for (int round = 0; round < 3; ++round) {
            for (int i = 0; i < 40; ++i)
                QVERIFY(cache.find(i) != nullptr);
        }
        for (int i = 80; i < 120; ++i)
            cache.insert(i) = i; // evicts 40 entries: the 40 unused ones
        QCOMPARE(cache.evictions(), 40u);
        for (int i = 0; i < 40; ++i)
            QVERIFY2(cache.find(i) != nullptr, qPrintable(QString::number(i)));
        for (int i = 40; i < 80; ++i)
            QVERIFY2(cache.find(i) == nullptr, qPrintable(QString::number(i)));
        for (int i = 80; i < 120; ++i)
            QCOMPARE(*cache.find(i), i);
    }

    void cityVectors_data() {
        QTest::addColumn<QString>("database");
        QTest::addColumn<QString>("source");
        QTest::addColumn<int>("minimum"); // networks the source lists, at least
        QTest::addRow("GeoIP2-City") << "GeoIP2-City-Test.mmdb"
                                     << "GeoIP2-City-Test.json" << 200;
        QTest::addRow("GeoLite2-City") << "GeoLite2-City-Test.mmdb"
                                       << "GeoLite2-City-Test.json" << 200;
        QTest::addRow("GeoIP2-Enterprise") << "GeoIP2-Enterprise-Test.mmdb"
                                           << "GeoIP2-Enterprise-Test.json" << 30;
        QTest::addRow("GeoIP2-Precision-Enterprise") << "GeoIP2-Precision-Enterprise-Test.mmdb"
                                                     << "GeoIP2-Precision-Enterprise-Test.json" << 50;
        QTest::addRow("GeoIP2-City-Shield") << "GeoIP2-City-Shield-Test.mmdb"
                                            << "GeoIP2-City-Test.json" << 200;
        QTest::addRow("GeoIP2-Enterprise-Shield") << "GeoIP2-Enterprise-Shield-Test.mmdb"
                                                  << "GeoIP2-Enterprise-Test.json" << 30;
        QTest::addRow("GeoIP2-Precision-Enterprise-Shield") << "GeoIP2-Precision-Enterprise-Shield-Test.mmdb"
                                                            << "GeoIP2-Precision-Enterprise-Test.json" << 50;
    }
    void cityVectors() {
        QFETCH(QString, database);
        QFETCH(QString, source);
        QFETCH(int, minimum);
        const std::vector<SourceEntry> entries = loadSource(source.toLatin1().constData());
        QVERIFY(entries.size() >= std::size_t(minimum));
        auto step = makeStep(testDb(database.toLatin1().constData()), "");
        QVERIFY(step);

        std::size_t checked = 0;
        std::size_t withCity = 0;
        for (const SourceEntry &entry : entries) {
            const IpAddress &address = entry.network.address(); // the network's first address
            const std::string text = address.toString();
            EventBatch batch;
            Event &event = batch.addEvent();
            batch.setField(event, field::SourceIp, text);
            step->process(batch);

            if (!isPublicAddress(*parseIpKey(text))) {
                QCOMPARE(fieldOf(event, "SourceIp.geo.country"), QString());
                continue;
            }
            const SourceEntry *expected = mostSpecific(entries, address);
            QVERIFY(expected != nullptr);
            const QJsonObject &record = expected->record;
            QJsonObject country = record.value(u"country").toObject();
            if (!country.contains(u"iso_code"))
                country = record.value(u"registered_country").toObject();
            const QJsonObject location = record.value(u"location").toObject();
            const QByteArray where = QByteArray::fromStdString(text);
            QVERIFY2(fieldOf(event, "SourceIp.geo.country") == country.value(u"iso_code").toString(), where);
            QVERIFY2(fieldOf(event, "SourceIp.geo.country_name") == englishName(country), where);
            QVERIFY2(fieldOf(event, "SourceIp.geo.city") == englishName(record.value(u"city").toObject()), where);
            if (location.contains(u"latitude") && location.contains(u"longitude")) {
                QVERIFY2(
                    fieldOf(event, "SourceIp.geo.lat").toDouble() == location.value(u"latitude").toDouble(), where);
                QVERIFY2(
                    fieldOf(event, "SourceIp.geo.lon").toDouble() == location.value(u"longitude").toDouble(), where);
            } else {
                QVERIFY2(fieldOf(event, "SourceIp.geo.lat").isEmpty(), where);
            }
            withCity += record.contains(u"city") ? 1 : 0;
            ++checked;
        }
        QVERIFY(checked >= std::size_t(minimum) / 2);
        QVERIFY(withCity > 5);
        QCOMPARE(step->counters().errors, 0u);
    }

    void namedPlaces_data() {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("country");
        QTest::addColumn<QString>("countryName");
        QTest::addColumn<QString>("city");
        QTest::addRow("London") << "81.2.69.160"
                                << "GB"
                                << "United Kingdom"
                                << "London";
        QTest::addRow("Linköping") << "89.160.20.112"
                                   << "SE"
                                   << "Sweden" << QStringLiteral("Link\u00f6ping");
        QTest::addRow("Milton") << "216.160.83.56"
                                << "US"
                                << "United States"
                                << "Milton";
        QTest::addRow("Japan, no city") << "2001:218::1"
                                        << "JP"
                                        << "Japan" << QString();
        QTest::addRow("v4-mapped London") << "::ffff:81.2.69.160"
                                          << "GB"
                                          << "United Kingdom"
                                          << "London";
    }
    void namedPlaces() {
        QFETCH(QString, address);
        QFETCH(QString, country);
        QFETCH(QString, countryName);
        QFETCH(QString, city);
        auto step = makeStep(testDb("GeoIP2-City-Test.mmdb"), "");
        QVERIFY(step);
        EventBatch batch;
        Event &event = batch.addEvent();
        batch.setField(event, field::DestinationIp, address.toStdString());
        step->process(batch);
        QCOMPARE(fieldOf(event, "DestinationIp.geo.country"), country);
        QCOMPARE(fieldOf(event, "DestinationIp.geo.country_name"), countryName);
        QCOMPARE(fieldOf(event, "DestinationIp.geo.city"), city);
        QCOMPARE(step->counters().found, 1u);
    }

    void languageFallsBackToEnglish() {
        GeoIpConfig config;
        config.cityDatabase = testDb("GeoIP2-City-Test.mmdb");
        config.language = "de";
        auto step = GeoIpStep::create(config);
        QVERIFY(step);
        EventBatch batch;
        Event &event = batch.addEvent();
        batch.setField(event, field::SourceIp, "81.2.69.160");
        (*step)->process(batch);
        QCOMPARE(fieldOf(event, "SourceIp.geo.country_name"), u"Vereinigtes K\u00f6nigreich");
        QCOMPARE(fieldOf(event, "SourceIp.geo.city"), u"London");
    }

    void asnVectors_data() {
        QTest::addColumn<QString>("database");
        QTest::addColumn<QString>("source");
        QTest::addRow("GeoLite2-ASN") << "GeoLite2-ASN-Test.mmdb"
                                      << "GeoLite2-ASN-Test.json";
        QTest::addRow("GeoIP2-ISP") << "GeoIP2-ISP-Test.mmdb"
                                    << "GeoIP2-ISP-Test.json";
    }
    void asnVectors() {
        QFETCH(QString, database);
        QFETCH(QString, source);
        const std::vector<SourceEntry> entries = loadSource(source.toLatin1().constData());
        QVERIFY(entries.size() > 100);
        auto step = makeStep("", testDb(database.toLatin1().constData()));
        QVERIFY(step);
        std::size_t checked = 0;
        for (const SourceEntry &entry : entries) {
            const std::string text = entry.network.address().toString();
            EventBatch batch;
            Event &event = batch.addEvent();
            batch.setField(event, field::SourceIp, text);
            step->process(batch);
            if (!isPublicAddress(*parseIpKey(text)))
                continue;
            const QJsonObject &record = mostSpecific(entries, entry.network.address())->record;
            const QByteArray where = QByteArray::fromStdString(text);
            const QJsonValue number = record.value(u"autonomous_system_number");
            QVERIFY2(fieldOf(event, "SourceIp.asn")
                    == (number.isUndefined() ? QString() : QString::number(number.toInteger())),
                where);
            QVERIFY2(
                fieldOf(event, "SourceIp.as_org") == record.value(u"autonomous_system_organization").toString(), where);
            QVERIFY2(fieldOf(event, "SourceIp.geo.country").isEmpty(), where); // no city database
            ++checked;
        }
        QVERIFY(checked > 100);
        QCOMPARE(step->counters().errors, 0u);
    }

    void namedAutonomousSystem() {
        auto step = makeStep("", testDb("GeoLite2-ASN-Test.mmdb"));
        QVERIFY(step);
        EventBatch batch;
        Event &telstra = batch.addEvent();
        batch.setField(telstra, field::SourceIp, "1.128.0.1");
        step->process(batch);
        QCOMPARE(fieldOf(telstra, "SourceIp.asn"), u"1221");
        QCOMPARE(fieldOf(telstra, "SourceIp.as_org"), u"Telstra Pty Ltd");
    }

    void cityAndAsnTogether() {
        auto step = makeStep(testDb("GeoIP2-City-Test.mmdb"), testDb("GeoLite2-ASN-Test.mmdb"));
        QVERIFY(step);
        EventBatch batch;
        batch.setField(batch.addEvent(), field::SourceIp, "81.2.69.160");
        batch.setField(batch.events()[0], field::DestinationIp, "1.128.0.1");
        batch.setField(batch.addEvent(), field::SourceIp, "192.168.1.10");
        batch.setField(batch.events()[1], field::DestinationIp, "not-an-address");
        step->process(batch);
        const Event &event = batch.events()[0];
        QCOMPARE(fieldOf(event, "SourceIp.geo.city"), u"London");
        QCOMPARE(fieldOf(event, "DestinationIp.asn"), u"1221");
        QCOMPARE(fieldOf(event, "DestinationIp.geo.country"), QString()); // not in the City test data
        QCOMPARE(batch.events()[1].fields().size(), std::size_t(2)); // nothing added
        const GeoIpCounters &counters = step->counters();
        QCOMPARE(counters.lookups, 4u);
        QCOMPARE(counters.skippedPrivate, 1u);
        QCOMPARE(counters.invalid, 1u);
        QCOMPARE(counters.cacheMisses, 2u);
        QCOMPARE(counters.found, 2u);
        QCOMPARE(counters.enrichedEvents, 1u);
        QCOMPARE(counters.stage.in, 2u);
        QCOMPARE(counters.stage.out, 2u);
    }

    void warmCacheHitsWithoutAllocating() {
        auto step = makeStep(testDb("GeoIP2-City-Test.mmdb"), testDb("GeoLite2-ASN-Test.mmdb"), 100);
        QVERIFY(step);
        const char *addresses[] = {"81.2.69.160", "89.160.20.112", "216.160.83.56", "1.128.0.1", "2001:218::1"};
        const auto fill = [&](EventBatch &batch) {
            for (int i = 0; i < 50; ++i) {
                Event &event = batch.addEvent();
                batch.setField(event, field::SourceIp, addresses[i % 5]);
                batch.setField(event, field::EventType, "auth_failed");
            }
        };
        EventBatch cold;
        fill(cold);
        step->process(cold);
        QCOMPARE(step->counters().cacheMisses, 5u);
        QCOMPARE(step->counters().cacheHits, 45u);

        EventBatch warm;
        fill(warm);
        warm.events().reserve(warm.size()); // nothing left to grow
        const std::size_t before = g_allocations.load();
        step->process(warm);
        const std::size_t allocated = g_allocations.load() - before;
        QCOMPARE(allocated, std::size_t(0));
        QCOMPARE(step->counters().cacheMisses, 5u);
        QCOMPARE(step->counters().cacheHits, 95u);
        QCOMPARE(fieldOf(warm.events()[0], "SourceIp.geo.city"), u"London");
        QCOMPARE(fieldOf(warm.events()[48], "SourceIp.asn"), u"1221");
        QCOMPARE(step->counters().hitRate(), 95.0 / 100.0);
    }

    void smallCacheEvicts() {
        auto step = makeStep(testDb("GeoIP2-City-Test.mmdb"), "", 2);
        QVERIFY(step);
        EventBatch batch;
        for (const char *address : {"81.2.69.160", "89.160.20.112", "216.160.83.56", "81.2.69.160"}) {
            Event &event = batch.addEvent();
            batch.setField(event, field::SourceIp, address);
        }
        step->process(batch);
        QCOMPARE(step->cachedAddresses(), std::size_t(2));
        QCOMPARE(step->counters().cacheMisses, 4u); // London was evicted before it came back
        for (const Event &event : batch.events())
            QVERIFY(!fieldOf(event, "SourceIp.geo.country").isEmpty());
        QVERIFY(step->counters().cacheResets >= 1u); // two record slots for three cities
    }

    void brokenDatabasesAreRefusedAtLoad_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("reason");
        QTest::addRow("invalid node count") << "GeoIP2-City-Test-Invalid-Node-Count.mmdb"
                                            << "invalid metadata";
        QTest::addRow("broken double format") << "GeoIP2-City-Test-Broken-Double-Format.mmdb"
                                              << "data record at offset";
        QTest::addRow("broken pointers") << "MaxMind-DB-test-broken-pointers-24.mmdb"
                                         << "the GeoIP database is corrupt";
        QTest::addRow("broken search tree") << "MaxMind-DB-test-broken-search-tree-24.mmdb"
                                            << "has an invalid record";
        QTest::addRow("not a database") << "../source-data/GeoIP2-City-Test.json"
                                        << "cannot open the GeoIP database";
        QTest::addRow("missing file") << "no-such-file.mmdb"
                                      << "No such file or directory";
    }
    void brokenDatabasesAreRefusedAtLoad() {
        QFETCH(QString, file);
        QFETCH(QString, reason);
        const std::string path = testDb(file.toLatin1().constData());
        auto opened = GeoIpDatabase::open(path, true);
        QVERIFY(!opened.ok());
        const QString message = QString::fromStdString(opened.error().message);
        QVERIFY2(message.startsWith(QString::fromStdString(path)), qPrintable(message));
        QVERIFY2(message.contains(reason), qPrintable(message));

        GeoIpConfig config;
        config.cityDatabase = path;
        auto step = GeoIpStep::create(config);
        QVERIFY(!step.ok());
        QCOMPARE(QString::fromStdString(step.error().message), message);
    }

    void wrongDatabaseKindIsRefused() {
        GeoIpConfig config;
        config.cityDatabase = testDb("GeoLite2-ASN-Test.mmdb");
        auto step = GeoIpStep::create(config);
        QVERIFY(!step.ok());
        QVERIFY(QString::fromStdString(step.error().message).contains(u"has no city data"));
        config.cityDatabase.clear();
        config.asnDatabase = testDb("GeoIP2-Country-Test.mmdb");
        step = GeoIpStep::create(config);
        QVERIFY(!step.ok());
        QVERIFY(QString::fromStdString(step.error().message).contains(u"has no autonomous system data"));
        config.asnDatabase = testDb("GeoIP2-ISP-Test.mmdb"); // ISP data carries the AS too
        QVERIFY(GeoIpStep::create(config).ok());
    }

    void testSuiteIsComplete() {
        const QStringList files = testDatabases();
        QVERIFY2(files.size() >= 40, qPrintable(files.join(u' ')));
        QCOMPARE(std::count_if(files.begin(), files.end(), isBrokenOnPurpose), 4);
    }

    // Every database of the MaxMind test suite, as it is: the ones broken on purpose are refused
    // at load with the reason; every other one loads, passes the verification walk, and answers
    // lookups of every address the source data names (and those of the reader tests) without an
    // error, its records decoding as City or ASN data where its type says it holds them.
    void everyTestDatabase_data() {
        QTest::addColumn<QString>("file");
        for (const QString &file : testDatabases())
            QTest::addRow("%s", qPrintable(file)) << file;
    }
    void everyTestDatabase() {
        QFETCH(QString, file);
        const std::string path = testDb(file.toLatin1().constData());
        auto opened = GeoIpDatabase::open(path, true);
        if (isBrokenOnPurpose(file)) {
            QVERIFY(!opened.ok());
            const QString message = QString::fromStdString(opened.error().message);
            QVERIFY2(message.startsWith(QString::fromStdString(path + ": ")), qPrintable(message));
            QVERIFY2(message.contains(u"corrupt") || message.contains(u"cannot open"), qPrintable(message));
            return;
        }
        QVERIFY2(opened.ok(), opened.ok() ? "" : opened.error().message.c_str());
        const GeoIpDatabase &database = **opened;
        const bool city = database.requireKind(GeoIpDatabase::Kind::City).ok();
        const bool asn = database.requireKind(GeoIpDatabase::Kind::Asn).ok();
        const std::vector<IpKey> probes = probeAddresses();
        std::size_t found = 0;
        for (const IpKey &address : probes) {
            std::uint32_t offset = 0;
            const GeoIpDatabase::Status status = database.lookup(address, offset);
            QVERIFY2(status != GeoIpDatabase::Status::Error, address.toString().c_str());
            if (status != GeoIpDatabase::Status::Found)
                continue;
            ++found;
            GeoCityText cityText;
            GeoAsnText asnText;
            QVERIFY2(!city || database.readCity(offset, "en", cityText), address.toString().c_str());
            QVERIFY2(!asn || database.readAsn(offset, asnText), address.toString().c_str());
        }
        QVERIFY2(found > 0, qPrintable(QString::number(probes.size())));
        if (!city && !asn)
            return;

        // The same through the step: every probe that finds a record is enriched, nothing errs.
        GeoIpConfig config;
        (city ? config.cityDatabase : config.asnDatabase) = path;
        auto step = GeoIpStep::create(config);
        QVERIFY2(step.ok(), step.ok() ? "" : step.error().message.c_str());
        EventBatch batch;
        for (const IpKey &address : probes)
            batch.setField(batch.addEvent(), field::SourceIp, address.toString());
        (*step)->process(batch);
        const GeoIpCounters &counters = (*step)->counters();
        QCOMPARE(counters.errors, 0u);
        QVERIFY(counters.found > 0);
        QVERIFY(counters.enrichedEvents > 0);
    }

    // Without the verification walk, corrupt records are met at lookup: they must be counted as
    // errors and add nothing, never crash.
    void brokenRecordsFailLookupsGracefully() {
        GeoIpConfig config;
        config.cityDatabase = testDb("GeoIP2-City-Test-Broken-Double-Format.mmdb");
        config.verify = false;
        auto created = GeoIpStep::create(config);
        QVERIFY(created);
        GeoIpStep &step = **created;
        const std::vector<SourceEntry> entries = loadSource("GeoIP2-City-Test.json");
        EventBatch batch;
        for (const SourceEntry &entry : entries) {
            Event &event = batch.addEvent();
            batch.setField(event, field::SourceIp, entry.network.address().toString());
        }
        step.process(batch);
        // 202 of its 247 records fail to decode: counted, and nothing of them reaches an event.
        // (The other 45 decode: their doubles are wrong but well-formed, which no reader can
        // tell; the load-time verification refuses the file because of the 202.)
        const GeoIpCounters &counters = step.counters();
        QVERIFY(counters.errors > 100u);
        QCOMPARE(counters.found + counters.errors + counters.notFound, counters.cacheMisses);
        std::size_t enriched = 0;
        for (const Event &event : batch.events())
            enriched += event.fields().size() > 1 ? 1 : 0; // anything besides SourceIp
        QVERIFY(enriched < batch.size() - 100);
        QCOMPARE(counters.enrichedEvents, enriched);
        QCOMPARE(counters.stage.out, batch.size());

        auto pointers = GeoIpDatabase::open(testDb("MaxMind-DB-test-broken-pointers-24.mmdb"), false);
        QVERIFY(pointers);
        std::uint32_t offset = 0;
        QCOMPARE((*pointers)->lookup(*parseIpKey("1.1.1.32"), offset), GeoIpDatabase::Status::Error);
        QCOMPARE((*pointers)->lookup(*parseIpKey("1.1.1.16"), offset), GeoIpDatabase::Status::Found);
        GeoCityText text;
        QVERIFY(!(*pointers)->readCity(offset, "en", text)); // the record's pointer is broken
        QVERIFY(!(*pointers)->requireKind(GeoIpDatabase::Kind::City).ok()); // type "Test"

        auto tree = GeoIpDatabase::open(testDb("MaxMind-DB-test-broken-search-tree-24.mmdb"), false);
        QVERIFY(tree);
        // Its root points back at itself: the upper half of the space finds nothing, and the walk
        // for 255.255.255.255 ends on a "record" that is no record.
        QCOMPARE((*tree)->lookup(*parseIpKey("1.1.1.1"), offset), GeoIpDatabase::Status::Found);
        QVERIFY((*tree)->readCity(offset, "en", text));
        QCOMPARE((*tree)->lookup(*parseIpKey("128.0.0.1"), offset), GeoIpDatabase::Status::NotFound);
        QCOMPARE((*tree)->lookup(*parseIpKey("255.255.255.255"), offset), GeoIpDatabase::Status::Found);
        QVERIFY(!(*tree)->readCity(offset, "en", text));
        QVERIFY(!(*tree)->verify().ok());
    }

    void config() {
        auto full = parseGeoIpConfig(yaml(R"(city_database: /var/lib/GeoIP/GeoLite2-City.mmdb
asn_database: /var/lib/GeoIP/GeoLite2-ASN.mmdb
fields: [SourceIp, DestinationIp, ClientIp]
cache_size: 5000
language: pt-BR
verify: false
)"));
        QVERIFY2(full.ok(), full.ok() ? "" : full.error().message.c_str());
        QCOMPARE(full->cityDatabase, std::string("/var/lib/GeoIP/GeoLite2-City.mmdb"));
        QCOMPARE(full->asnDatabase, std::string("/var/lib/GeoIP/GeoLite2-ASN.mmdb"));
        QCOMPARE(full->fields.size(), std::size_t(3));
        QCOMPARE(full->cacheSize, std::size_t(5000));
        QCOMPARE(full->language, std::string("pt-BR"));
        QVERIFY(!full->verify);

        auto defaults = parseGeoIpConfig(yaml("asn_database: /x.mmdb"));
        QVERIFY(defaults.ok());
        QCOMPARE(defaults->fields, (std::vector<std::string> {"SourceIp", "DestinationIp"}));
        QCOMPARE(defaults->cacheSize, std::size_t(100000));
        QVERIFY(defaults->verify);
    }

    void configErrors_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::addRow("unknown key") << "city_database: /a.mmdb\ncache: 5"
                                     << "sentinel.yaml:2:1: unknown setting 'cache'";
        QTest::addRow("no database") << "fields: [SourceIp]"
                                     << "set city_database, asn_database or both";
        QTest::addRow("relative path") << "city_database: GeoLite2-City.mmdb"
                                       << "sentinel.yaml:1:16: city_database: expected an absolute path";
        QTest::addRow("zero cache") << "city_database: /a.mmdb\ncache_size: 0"
                                    << "cache_size: must be between 1 and 10000000";
        QTest::addRow("bad field") << "city_database: /a.mmdb\nfields: ['Source Ip']"
                                   << "'Source Ip' is not a usable field name";
        QTest::addRow("long field") << QString::fromStdString("city_database: /a.mmdb\nfields: [" + std::string(50, 'x')
            + "]") << "is not a usable field name";
        QTest::addRow("no fields") << "city_database: /a.mmdb\nfields: []"
                                   << "expected at least one field";
        QTest::addRow("language") << "city_database: /a.mmdb\nlanguage: '../en'"
                                  << "expected a language tag";
        QTest::addRow("not a map") << "true"
                                   << "expected a mapping";
    }
    void configErrors() {
        QFETCH(QString, text);
        QFETCH(QString, message);
        auto config = parseGeoIpConfig(yaml(text.toStdString()));
        QVERIFY(!config.ok());
        QVERIFY2(QString::fromStdString(config.error().message).contains(message), config.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestGeoIp)
#include "tst_geoip.moc"
