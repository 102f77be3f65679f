// SPDX-License-Identifier: Apache-2.0
// The per-field cache of scan results: what is stored is found again for the same field and
// value only, a colliding value takes its slot over, long values are never cached, 0 slots
// turn it off.
#include "analysis/sigma/engine/scancache.h"

#include <QTest>

using namespace vanopticon::analysis::sigma;

class TestScanCache : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void findsWhatWasStoredForThatFieldAndValueOnly() {
        ScanCache cache(16);
        QVERIFY(cache.enabled());
        QVERIFY(cache.find(3, "C:\\Windows\\System32\\cmd.exe") == nullptr);
        const std::vector<PatternId> hits {7, 42};
        cache.store(3, "C:\\Windows\\System32\\cmd.exe", hits);
        const std::vector<PatternId> *found = cache.find(3, "C:\\Windows\\System32\\cmd.exe");
        QVERIFY(found != nullptr);
        QCOMPARE(*found, hits);
        QVERIFY(cache.find(4, "C:\\Windows\\System32\\cmd.exe") == nullptr); // another field
        QVERIFY(cache.find(3, "c:\\windows\\system32\\cmd.exe") == nullptr); // values are exact
        QCOMPARE(cache.hits(), std::uint64_t(1));
        QCOMPARE(cache.misses(), std::uint64_t(3));
    }

    void remembersValuesWithoutHits() {
        ScanCache cache(16);
        cache.store(1, "benign", {});
        const std::vector<PatternId> *found = cache.find(1, "benign");
        QVERIFY(found != nullptr);
        QVERIFY(found->empty());
    }

    // With one slot every value collides: the newest wins, the older is scanned again.
    void aCollidingValueTakesTheSlotOver() {
        ScanCache cache(1);
        cache.store(1, "first", std::vector<PatternId> {1});
        cache.store(1, "second", std::vector<PatternId> {2, 3});
        QVERIFY(cache.find(1, "first") == nullptr);
        const std::vector<PatternId> *found = cache.find(1, "second");
        QVERIFY(found != nullptr);
        QCOMPARE(*found, (std::vector<PatternId> {2, 3}));
    }

    void longValuesAreNotCacheable() {
        QVERIFY(ScanCache::cacheable(std::string(ScanCache::kMaxValueBytes, 'a')));
        QVERIFY(!ScanCache::cacheable(std::string(ScanCache::kMaxValueBytes + 1, 'a')));
        QVERIFY(ScanCache::cacheable(""));
    }

    void zeroSlotsTurnItOff() { QVERIFY(!ScanCache(0).enabled()); }
};

QTEST_GUILESS_MAIN(TestScanCache)
#include "tst_scancache.moc"
