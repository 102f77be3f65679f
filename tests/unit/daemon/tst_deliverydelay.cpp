// SPDX-License-Identifier: Apache-2.0
// DeliveryDelay: events fall in the right buckets, quantiles come from them, each node's lag is
// its latest batch's delay, and the Prometheus histogram is cumulative and complete.
#include "daemon/deliverydelay.h"

#include <QTest>

#include <cmath>

using namespace vanopticon;
using namespace vanopticon::daemon;

class TestDeliveryDelay : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void bucketsAndQuantiles() {
        DeliveryDelay delay;
        QCOMPARE(delay.quantile(0.5), 0.0);
        delay.record("a", 1'000, 1'040, 90); // 40 ms
        delay.record("a", 2'000, 2'300, 9); // 300 ms
        delay.record("b", 3'000, 3'000 + 120'000, 1); // 2 minutes
        QCOMPARE(delay.events(), std::uint64_t(100));
        QCOMPARE(delay.quantile(0.5), 0.05);
        QCOMPARE(delay.quantile(0.9), 0.05);
        QCOMPARE(delay.quantile(0.95), 0.5);
        QCOMPARE(delay.quantile(0.99), 0.5);
        QCOMPARE(delay.quantile(1.0), 300.0);
        delay.record("c", 1'000, 1'000 + 3'600'000, 100); // an hour: past every bucket
        QVERIFY(std::isinf(delay.quantile(1.0)));
    }

    void clockSkewAndSilentSentinels() {
        DeliveryDelay delay;
        delay.record("ahead", 5'000, 4'000, 10); // the node's clock runs ahead: no delay, not negative
        delay.record("old", 0, 4'000, 10); // no collection time: not counted
        QCOMPARE(delay.events(), std::uint64_t(10));
        QCOMPARE(delay.quantile(1.0), 0.005);
    }

    void prometheusText() {
        DeliveryDelay delay;
        delay.record("node_a", 1'000, 1'040, 90);
        delay.record("node_a", 2'000, 2'300, 10); // the latest: node_a's lag
        PrometheusText out;
        delay.appendMetrics(out);
        const QString text = QString::fromStdString(out.text());
        QVERIFY(text.contains(u"# TYPE vanopticon_delivery_delay_seconds histogram\n"));
        QVERIFY(text.contains(u"vanopticon_delivery_delay_seconds_bucket{le=\"0.025\"} 0\n"));
        QVERIFY(text.contains(u"vanopticon_delivery_delay_seconds_bucket{le=\"0.05\"} 90\n"));
        QVERIFY(text.contains(u"vanopticon_delivery_delay_seconds_bucket{le=\"0.5\"} 100\n"));
        QVERIFY(text.contains(u"vanopticon_delivery_delay_seconds_bucket{le=\"+Inf\"} 100\n"));
        QVERIFY(text.contains(u"vanopticon_delivery_delay_seconds_count 100\n"));
        QVERIFY(text.contains(u"vanopticon_delivery_delay_seconds_sum 6.6\n")); // 90 × 0.04 + 10 × 0.3
        QVERIFY(text.contains(u"vanopticon_node_lag_seconds{node_id=\"node_a\"} 0.3\n"));
    }
};

QTEST_GUILESS_MAIN(TestDeliveryDelay)
#include "tst_deliverydelay.moc"
