// SPDX-License-Identifier: Apache-2.0
#include "shared/core/prometheustext.h"

#include <QTest>

#include <cmath>

using vanopticon::PrometheusText;

class TestPrometheusText : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void familyAndSamples() {
        PrometheusText out;
        out.family("vanopticon_events_total", "counter", "Events.");
        out.sample("vanopticon_events_total", 42);
        out.sample("vanopticon_events_total", 7, {{"reason", "too_old"}, {"node", "n1"}});
        QCOMPARE(QByteArray::fromStdString(out.text()),
            QByteArray("# HELP vanopticon_events_total Events.\n# TYPE vanopticon_events_total counter\n"
                       "vanopticon_events_total 42\nvanopticon_events_total{reason=\"too_old\",node=\"n1\"} 7\n"));
    }

    // A rule title with quotes, backslashes and a newline cannot end the label or the line.
    void labelValuesAreEscaped() {
        PrometheusText out;
        out.sample("m", 1, {{"title", "say \"hi\"\\now\nnext"}});
        QCOMPARE(QByteArray::fromStdString(out.text()), QByteArray("m{title=\"say \\\"hi\\\"\\\\now\\nnext\"} 1\n"));
        PrometheusText help;
        help.family("m", "gauge", "line\nbreak \"kept\"");
        QVERIFY(QByteArray::fromStdString(help.text()).startsWith("# HELP m line\\nbreak \"kept\"\n"));
    }

    void numbers() {
        PrometheusText out;
        out.sample("a", 0.25);
        out.sample("b", 1e20);
        out.sample("c", std::nan(""));
        out.sample("d", -INFINITY);
        out.sample("e", -3);
        QCOMPARE(QByteArray::fromStdString(out.text()), QByteArray("a 0.25\nb 1e+20\nc NaN\nd -Inf\ne -3\n"));
    }
};

QTEST_APPLESS_MAIN(TestPrometheusText)
#include "tst_prometheustext.moc"
