// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/keyvalue/fieldnamemap.h"
#include "sentinel/parse/keyvalue/keyvalueevent.h"

#include <QTest>

#include <string>
#include <vector>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

namespace {

constexpr FieldRename kRenames[] = {
    {"src", "SourceIp"},
    {"from", "SourceIp"},
    {"msg", "message"},
};

QString nameOf(std::optional<FieldId> id) {
    const std::string_view name = id ? fieldName(*id) : std::string_view("<refused>");
    return QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size()));
}

} // namespace

class TestFieldNameMap : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void resolve() {
        FieldNameMap map(kRenames, "t.");
        RecordFieldStats stats;
        QCOMPARE(nameOf(map.resolve("src", stats)), u"SourceIp"_s);
        QCOMPARE(nameOf(map.resolve("from", stats)), u"SourceIp"_s);
        QCOMPARE(nameOf(map.resolve("msg", stats)), u"message"_s); // renamed on purpose
        QCOMPARE(nameOf(map.resolve("message", stats)), u"t.message"_s); // not on purpose
        for (const char *core : {"event_type", "category", "host", "service", "raw", "source_type", "severity"})
            QCOMPARE(nameOf(map.resolve(core, stats)), u"t."_s + QLatin1String(core));
        QCOMPARE(nameOf(map.resolve("DestinationIp", stats)), u"DestinationIp"_s); // a Sigma name as is
        QCOMPARE(nameOf(map.resolve("vendor.field-1", stats)), u"vendor.field-1"_s);
        QCOMPARE(stats.unacceptableNames, std::uint64_t {0});

        for (const char *bad : {"", "a b", "a[0]", "a/b", "a,b", "é"})
            QVERIFY2(!map.resolve(bad, stats), bad);
        QVERIFY(!map.resolve(std::string(65, 'a'), stats));
        QVERIFY(map.resolve(std::string(64, 'a'), stats));
        QCOMPARE(stats.unacceptableNames, std::uint64_t {7});
        QCOMPARE(stats.namesRefused, std::uint64_t {0});
    }

    // More distinct keys than the cache has slots: evicted keys resolve again, to the same ids.
    void cacheEviction() {
        FieldNameMap map(kRenames, "t.");
        RecordFieldStats stats;
        const std::size_t keys = FieldNameMap::kCacheSlots * 3;
        std::vector<FieldId> first;
        for (std::size_t i = 0; i < keys; ++i)
            first.push_back(*map.resolve("evict" + std::to_string(i), stats));
        for (std::size_t round = 0; round < 2; ++round) {
            for (std::size_t i = 0; i < keys; ++i) {
                const std::string key = "evict" + std::to_string(i);
                const auto id = map.resolve(key, stats);
                QVERIFY(id);
                QCOMPARE(*id, first[i]);
                QCOMPARE(nameOf(id), QString::fromStdString(key));
            }
        }
        QCOMPARE(nameOf(map.resolve("src", stats)), u"SourceIp"_s);
    }

    // Once the process's field table is full, new names from records are refused and counted;
    // names already known, and the renames, still resolve. (Runs last: it fills the table.)
    void tableFull() {
        FieldNameMap map(kRenames, "t.");
        RecordFieldStats stats;
        QVERIFY(map.resolve("knownBeforeFull", stats));
        FieldRegistry &registry = FieldRegistry::instance();
        for (std::size_t i = 0; registry.size() < FieldRegistry::kMaxNames; ++i)
            QVERIFY(registry.tryIntern("filler" + std::to_string(i)));
        QCOMPARE(registry.size(), FieldRegistry::kMaxNames);

        QVERIFY(!map.resolve("brandNewName", stats));
        QVERIFY(!map.resolve("brandNewName", stats));
        QCOMPARE(stats.namesRefused, std::uint64_t {2});
        QCOMPARE(nameOf(map.resolve("knownBeforeFull", stats)), u"knownBeforeFull"_s);
        QCOMPARE(nameOf(map.resolve("filler7", stats)), u"filler7"_s);
        QCOMPARE(nameOf(map.resolve("src", stats)), u"SourceIp"_s);
        QCOMPARE(registry.size(), FieldRegistry::kMaxNames);

        // Through a parser: the event keeps what it can and counts the rest.
        EventBatch batch;
        RecordFieldStats parsed;
        SyslogContext context;
        QVERIFY(parseKeyValueEvent("src=10.0.0.1 anotherNewName=1 filler3=x", context, batch, &parsed).ok());
        const Event &event = batch.events().front();
        QVERIFY(event.value(field::SourceIp) == "10.0.0.1");
        QVERIFY(event.value(*registry.find("filler3")) == "x");
        QVERIFY(!registry.find("anotherNewName"));
        QCOMPARE(parsed.namesRefused, std::uint64_t {1});
    }
};

QTEST_GUILESS_MAIN(TestFieldNameMap)
#include "tst_fieldnamemap.moc"
