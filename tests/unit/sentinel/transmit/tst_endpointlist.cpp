// SPDX-License-Identifier: Apache-2.0
// EndpointList: a fleet spreads over the servers by weight, a node stays with a server that
// answers, and moves to another after max_attempts failures in a row.
#include "sentinel/transmit/endpointlist.h"

#include <QTest>

using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

namespace {

const QUrl kA(u"ws://a.example:8470"_s);
const QUrl kB(u"ws://b.example:8470"_s);
const QUrl kC(u"ws://c.example:8470"_s);

} // namespace

class TestEndpointList : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // 4,000 nodes (seeds) over weights 3 : 1: about three quarters start on the first.
    void aFleetSpreadsByWeight() {
        int onA = 0;
        constexpr int kNodes = 4000;
        for (int seed = 1; seed <= kNodes; ++seed)
            onA += EndpointList({{kA, 3}, {kB, 1}}, 3, std::uint64_t(seed)).current().url == kA ? 1 : 0;
        QVERIFY2(onA > kNodes * 72 / 100 && onA < kNodes * 78 / 100, qPrintable(QString::number(onA)));
    }

    void failsOverAfterMaxAttempts() {
        EndpointList list({{kA, 1}, {kB, 1}, {kC, 1}}, 3, 7);
        const QUrl first = list.current().url;
        QVERIFY(!list.failed());
        QVERIFY(!list.failed());
        QCOMPARE(list.current().url, first); // two failures: still there
        QVERIFY(list.failed());
        QVERIFY(list.current().url != first); // the third: another one
        const QUrl second = list.current().url;
        QVERIFY(!list.failed());
        list.succeeded(); // it answered: the count starts again
        QVERIFY(!list.failed());
        QVERIFY(!list.failed());
        QCOMPARE(list.current().url, second);
    }

    void twoEndpointsAlternate() {
        EndpointList list({{kA, 1000}, {kB, 1}}, 1, 11);
        for (int i = 0; i < 10; ++i) {
            const QUrl before = list.current().url;
            QVERIFY(list.failed());
            QVERIFY(list.current().url != before); // never the same again, whatever the weights
        }
    }

    void oneEndpointStays() {
        EndpointList list({{kA, 1}}, 1, 3);
        for (int i = 0; i < 5; ++i)
            QVERIFY(!list.failed());
        QCOMPARE(list.current().url, kA);
    }
};

QTEST_GUILESS_MAIN(TestEndpointList)
#include "tst_endpointlist.moc"
