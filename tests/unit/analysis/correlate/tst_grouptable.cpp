// SPDX-License-Identifier: Apache-2.0
// GroupTable: least recently seen groups make room at the cap, sweeps and erasures remove groups,
// and a group made from a spare node is indistinguishable from a new one.
#include "analysis/correlate/grouptable.h"

#include <QTest>

#include <string>
#include <vector>

using namespace vanopticon::analysis;

namespace {

struct Counts {
    std::vector<int> values;
    int total = 0;
};

using Table = GroupTable<Counts>;

// Records something in every part of a group, so that a reused one would show it.
void dirty(Table::Group &group, int value) {
    group.newestNs = 1000 + value;
    group.nodeSlot = 7;
    group.detectionBatch = 3;
    group.detectionIndex = 5;
    group.state.values.assign(100, value);
    group.state.total = value;
}

void verifyFresh(const Table::Group &group, const std::string &key) {
    QCOMPARE(group.key, key);
    QCOMPARE(group.newestNs, 0);
    QCOMPARE(group.nodeSlot, 0u);
    QCOMPARE(group.detectionBatch, 0u);
    QCOMPARE(group.detectionIndex, std::size_t(0));
    QVERIFY(group.state.values.empty());
    QCOMPARE(group.state.total, 0);
}

// A key long enough to live on the heap, so reusing its buffer matters.
std::string keyOf(int i) {
    return "sshd|203.0.113." + std::to_string(i) + "|a-long-enough-key";
}

} // namespace

class TestGroupTable : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void theLeastRecentlySeenGroupMakesRoom() {
        Table table(3);
        for (int i = 0; i < 3; ++i)
            QVERIFY(table.touch(keyOf(i)).created);
        QVERIFY(!table.touch(keyOf(0)).created); // 0 is now the most recently seen, 1 the least
        const auto fourth = table.touch(keyOf(3));
        QVERIFY(fourth.created);
        QVERIFY(fourth.evictedAnother);
        QCOMPARE(table.size(), std::size_t(3));
        QVERIFY(!table.touch(keyOf(0)).created);
        QVERIFY(!table.touch(keyOf(2)).created);
        QVERIFY(!table.touch(keyOf(3)).created);
        QVERIFY(table.touch(keyOf(1)).created); // the one evicted
    }

    void aGroupMadeFromASpareStartsFresh() {
        Table table(2);
        dirty(table.touch(keyOf(0)).group, 10);
        dirty(table.touch(keyOf(1)).group, 11);
        // Evicts 0 and reuses its node at once.
        auto touched = table.touch(keyOf(2));
        QVERIFY(touched.created && touched.evictedAnother);
        verifyFresh(touched.group, keyOf(2));
        // The group kept is untouched by the reuse.
        const auto kept = table.touch(keyOf(1));
        QVERIFY(!kept.created);
        QCOMPARE(kept.group.state.total, 11);
        QCOMPARE(kept.group.state.values.size(), std::size_t(100));
    }

    void erasedAndSweptGroupsAreGoneAndTheirNodesReused() {
        Table table(100);
        for (int i = 0; i < 10; ++i)
            dirty(table.touch(keyOf(i)).group, i);
        table.erase(table.touch(keyOf(4)).group);
        QCOMPARE(table.size(), std::size_t(9));
        QCOMPARE(table.spares(), std::size_t(1));
        // Sweeps the odd ones, least recently seen first, within a budget of all.
        const std::size_t removed
            = table.sweep([](const Table::Group &group) { return group.state.total % 2 == 1; }, 100);
        QCOMPARE(removed, std::size_t(5));
        QCOMPARE(table.size(), std::size_t(4));
        QCOMPARE(table.spares(), std::size_t(6));
        for (int i : {0, 2, 6, 8})
            QCOMPARE(table.touch(keyOf(i)).group.state.total, i);
        // Every key removed is found no more: touching makes a fresh group from a spare.
        for (int i : {1, 3, 4, 5, 7, 9}) {
            const auto touched = table.touch(keyOf(i));
            QVERIFY(touched.created);
            verifyFresh(touched.group, keyOf(i));
        }
        QCOMPARE(table.spares(), std::size_t(0));
        QCOMPARE(table.size(), std::size_t(10));
    }

    void aSweepStopsAtItsBudget() {
        Table table(100);
        for (int i = 0; i < 10; ++i)
            table.touch(keyOf(i));
        QCOMPARE(table.sweep([](const Table::Group &) { return true; }, 4), std::size_t(4));
        QCOMPARE(table.size(), std::size_t(6));
        // The four least recently seen went.
        for (int i = 4; i < 10; ++i)
            QVERIFY(!table.touch(keyOf(i)).created);
    }

    // Many more groups come and go than spares are kept: the table stays consistent.
    void churnKeepsTheIndexAndTheOrderInStep() {
        Table table(50);
        for (int round = 0; round < 20; ++round) {
            for (int i = 0; i < 400; ++i) {
                auto touched = table.touch(keyOf(round * 1000 + i));
                QVERIFY(touched.created);
                touched.group.state.total = round * 1000 + i;
            }
            QCOMPARE(table.size(), std::size_t(50));
            // The 50 most recent of the round are there, each with its own state.
            for (int i = 399; i >= 350; --i) {
                const auto touched = table.touch(keyOf(round * 1000 + i));
                QVERIFY(!touched.created);
                QCOMPARE(touched.group.state.total, round * 1000 + i);
            }
            table.sweep([](const Table::Group &) { return true; }, 1000);
            QCOMPARE(table.size(), std::size_t(0));
            QVERIFY(table.spares() <= Table::kMaxSpares);
        }
    }
};

QTEST_GUILESS_MAIN(TestGroupTable)
#include "tst_grouptable.moc"
