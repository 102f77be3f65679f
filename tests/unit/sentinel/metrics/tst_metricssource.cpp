// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/metrics/metricssource.h"

#include "unit/sentinel/metrics/fakehost.h"

#include <QDateTime>
#include <QDir>
#include <QHash>
#include <QTest>

#include <chrono>
#include <cmath>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace vanopticon::testsupport;
using namespace Qt::StringLiterals;

namespace {

using Fields = QHash<QString, QString>;

constexpr std::int64_t kWallNs = 1'700'000'000'000'000'000;

Fields fieldsOf(const Event &event) {
    Fields fields;
    for (const Field &field : event.fields()) {
        const std::string_view name = fieldName(field.id);
        fields.insert(QString::fromUtf8(name.data(), qsizetype(name.size())),
            QString::fromUtf8(field.value.data(), qsizetype(field.value.size())));
    }
    return fields;
}

struct Collected {
    QList<Fields> events;
    QList<std::int64_t> timestamps;
};

void collect(Source &source, Collected &collected) {
    source.setSink([&collected](Delivery &&delivery) {
        QVERIFY(!delivery.checkpoint.has_value());
        for (const Event &event : delivery.events.events()) {
            collected.events.append(fieldsOf(event));
            collected.timestamps.append(event.timestampNs);
        }
    });
}

// A clock the test moves by hand.
struct ManualClock {
    std::int64_t monotonicNs = 0;
    std::int64_t wallNs = kWallNs;

    MetricsSource::Clock clock() {
        return MetricsSource::Clock {[this] { return monotonicNs; }, [this] { return wallNs; }};
    }
};

} // namespace

class TestMetricsSource : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void oneEventPerInterval() {
        FakeHost host;
        host.show(kFirst);
        ManualClock time;
        time.monotonicNs = 5 * kSecondNs;
        MetricsConfig config;
        config.mounts = {MetricsMount {host.path().toStdString(), "tmp"}};
        MetricsSource source(config, host.paths(), time.clock());
        QVERIFY(source.canPause());
        QCOMPARE(source.name(), std::string("metrics"));
        Collected collected;
        collect(source, collected);
        source.start(); // the first reading: nothing to report yet
        QVERIFY(source.isRunning());
        QVERIFY(collected.events.isEmpty());

        host.show(kSecond);
        time.monotonicNs += 2 * kSecondNs;
        time.wallNs += 2 * kSecondNs;
        source.sampleNow(); // what the timer does every interval
        QCOMPARE(collected.events.size(), 1);
        QCOMPARE(collected.timestamps.first(), kWallNs + 2 * kSecondNs);
        const Fields event = collected.events.first();
        const Fields expected {
            {u"event_type"_s, u"metrics"_s},
            {u"category"_s, u"performance"_s},
            {u"source_type"_s, u"metrics"_s},
            {u"interval_ms"_s, u"2000"_s},
            {u"cpu.user_pct"_s, u"40.00"_s},
            {u"cpu.system_pct"_s, u"15.00"_s},
            {u"cpu.idle_pct"_s, u"40.00"_s},
            {u"cpu.iowait_pct"_s, u"4.00"_s},
            {u"cpu.steal_pct"_s, u"1.00"_s},
            {u"memory.total_bytes"_s, u"1024000000"_s},
            {u"memory.available_bytes"_s, u"256000000"_s},
            {u"memory.used_pct"_s, u"75.00"_s},
            {u"swap.total_bytes"_s, u"204800000"_s},
            {u"swap.used_pct"_s, u"75.00"_s},
            {u"load.1m"_s, u"0.50"_s},
            {u"load.5m"_s, u"0.25"_s},
            {u"load.15m"_s, u"0.10"_s},
            {u"processes.running"_s, u"2"_s},
            {u"processes.total"_s, u"150"_s},
            {u"disk.vda.read_bytes_per_s"_s, u"1024000"_s},
            {u"disk.vda.write_bytes_per_s"_s, u"512000"_s},
            {u"disk.vda.busy_pct"_s, u"25.00"_s},
            {u"net.eth0.rx_bytes_per_s"_s, u"1000"_s},
            {u"net.eth0.tx_bytes_per_s"_s, u"250"_s},
            {u"net.eth0.rx_errors"_s, u"3"_s},
            {u"net.eth0.tx_errors"_s, u"0"_s},
            {u"net.eth0.rx_drops"_s, u"1"_s},
            {u"net.eth0.tx_drops"_s, u"0"_s},
            {u"net.eth1.rx_bytes_per_s"_s, u"0"_s},
            {u"net.eth1.tx_bytes_per_s"_s, u"0"_s},
            {u"net.eth1.rx_errors"_s, u"0"_s},
            {u"net.eth1.tx_errors"_s, u"0"_s},
            {u"net.eth1.rx_drops"_s, u"0"_s},
            {u"net.eth1.tx_drops"_s, u"0"_s},
            {u"message"_s, u"host metrics: cpu 60.00% busy, memory 75.00% used, load 0.50"_s},
        };
        for (auto it = expected.begin(); it != expected.end(); ++it)
            QVERIFY2(event.value(it.key()) == it.value(),
                qPrintable(it.key() + u": "_s + event.value(it.key(), u"(absent)"_s) + u", expected "_s + it.value()));
        // The filesystem's figures are the ones of the real temporary directory.
        QVERIFY(event[u"fs.tmp.total_bytes"_s].toLongLong() > 0);
        QVERIFY(event[u"fs.tmp.free_bytes"_s].toLongLong() <= event[u"fs.tmp.total_bytes"_s].toLongLong());
        const double used = event[u"fs.tmp.used_pct"_s].toDouble();
        QVERIFY(used >= 0.0 && used <= 100.0);
        QCOMPARE(event.size(), expected.size() + 3);

        const QJsonObject status = source.status();
        QCOMPARE(status[u"in"_s].toInteger(), 1);
        QCOMPARE(status[u"out"_s].toInteger(), 1);
        QCOMPARE(status[u"errors"_s].toInteger(), 0);
        QCOMPARE(status[u"samples"_s].toInteger(), 1);
        QCOMPARE(status[u"interval_ms"_s].toInteger(), 10000);
        QCOMPARE(status[u"running"_s].toBool(), true);
    }

    void pausedItTakesNoReadingsAndCatchesUp() {
        FakeHost host;
        host.show(kFirst);
        ManualClock time;
        MetricsSource source(MetricsConfig {}, host.paths(), time.clock());
        Collected collected;
        collect(source, collected);
        source.start();
        source.stop();
        QVERIFY(!source.isRunning());
        // Paused for ten seconds: started again, the first event covers the whole pause.
        host.show(kSecond);
        time.monotonicNs += 10 * kSecondNs;
        source.start();
        QVERIFY(source.isRunning());
        QCOMPARE(collected.events.size(), 1);
        QCOMPARE(collected.events[0][u"interval_ms"_s], u"10000"_s);
        QCOMPARE(collected.events[0][u"disk.vda.read_bytes_per_s"_s], u"204800"_s);
        // Nothing moved since: no CPU shares to give, the rest as it is.
        time.monotonicNs += kSecondNs;
        source.sampleNow();
        QCOMPARE(collected.events.size(), 2);
        QVERIFY(!collected.events[1].contains(u"cpu.user_pct"_s));
        QCOMPARE(collected.events[1][u"message"_s], u"host metrics: memory 75.00% used, load 0.50"_s);
        source.stop();
    }

    void unreadableFilesAreErrors() {
        FakeHost host;
        host.show(kFirst);
        ManualClock time;
        MetricsSource source(MetricsConfig {}, host.paths(), time.clock());
        Collected collected;
        collect(source, collected);
        source.start();
        host.remove(u"stat"_s);
        host.remove(u"meminfo"_s);
        time.monotonicNs += kSecondNs;
        source.sampleNow();
        QCOMPARE(collected.events.size(), 1);
        QVERIFY(!collected.events[0].contains(u"cpu.idle_pct"_s));
        QVERIFY(!collected.events[0].contains(u"memory.used_pct"_s));
        QCOMPARE(source.status()[u"errors"_s].toInteger(), 2);
        QCOMPARE(source.status()[u"read_failures"_s].toInteger(), 2);
    }

    void deviceNamesAreFieldNamesAndBounded() {
        MetricsEventWriter writer;
        MetricsSample sample;
        sample.intervalNs = kSecondNs;
        InterfaceRate vlan;
        vlan.name = "eth0.100";
        vlan.rxBytesPerSecond = 12.4;
        sample.interfaces.push_back(vlan);
        DiskRate mapper;
        mapper.name = "dm-0";
        mapper.busyPercent = 12.5;
        sample.disks.push_back(mapper);
        EventBatch batch;
        writer.append(sample, kWallNs, batch);
        const Fields event = fieldsOf(batch.events().front());
        QCOMPARE(event[u"net.eth0_100.rx_bytes_per_s"_s], u"12"_s);
        QCOMPARE(event[u"disk.dm-0.busy_pct"_s], u"12.50"_s);
        QCOMPARE(event[u"message"_s], u"host metrics:"_s);
        QCOMPARE(writer.devicesLeftOut(), std::uint64_t(0));

        // Containers come and go with new interface names: the names interned stay bounded.
        MetricsSample churn;
        churn.intervalNs = kSecondNs;
        const std::size_t extra = 10;
        for (std::size_t i = 0; i < MetricsEventWriter::kMaxDeviceNames + extra; ++i) {
            InterfaceRate rate;
            rate.name = "veth" + std::to_string(i);
            churn.interfaces.push_back(rate);
        }
        EventBatch more;
        writer.append(churn, kWallNs, more);
        // Two names taken above; the first kMaxDeviceNames - 2 new ones get fields.
        QCOMPARE(writer.devicesLeftOut(), std::uint64_t(extra + 2));
        const Fields churned = fieldsOf(more.events().front());
        QVERIFY(churned.contains(u"net.veth0.rx_bytes_per_s"_s));
        QVERIFY(!churned.contains(u"net.veth%1.rx_bytes_per_s"_s.arg(MetricsEventWriter::kMaxDeviceNames)));
    }

    // The real /proc of this machine, over a quarter of a second.
    void realProc() {
        MetricsConfig config;
        config.mounts = {MetricsMount {"/", "root"}};
        MetricsSource source(config);
        Collected collected;
        collect(source, collected);
        source.start();
        QTest::qSleep(250); // CPU time is counted in ticks of 10 ms: let some pass
        source.sampleNow();
        source.stop();
        QCOMPARE(collected.events.size(), 1);
        QCOMPARE(source.sampler().stats().readFailures, std::uint64_t(0));
        const Fields event = collected.events.first();
        QVERIFY(event[u"interval_ms"_s].toLongLong() >= 250);
        const qint64 nowNs = QDateTime::currentMSecsSinceEpoch() * 1'000'000;
        QVERIFY(std::abs(collected.timestamps.first() - nowNs) < 5 * kSecondNs);

        double cpuSum = 0;
        for (const QString &share : {u"user"_s, u"system"_s, u"idle"_s, u"iowait"_s, u"steal"_s}) {
            const QString name = u"cpu."_s + share + u"_pct"_s;
            QVERIFY2(event.contains(name), qPrintable(name));
            const double value = event[name].toDouble();
            QVERIFY(value >= 0.0 && value <= 100.0);
            cpuSum += value;
        }
        QVERIFY2(std::abs(cpuSum - 100.0) < 0.05, qPrintable(QString::number(cpuSum)));

        QVERIFY(event[u"memory.total_bytes"_s].toULongLong() > 0);
        QVERIFY(event[u"memory.available_bytes"_s].toULongLong() <= event[u"memory.total_bytes"_s].toULongLong());
        const double memoryUsed = event[u"memory.used_pct"_s].toDouble();
        QVERIFY(memoryUsed > 0.0 && memoryUsed < 100.0);
        QVERIFY(event.contains(u"load.1m"_s));
        QVERIFY(event[u"processes.total"_s].toInt() > 0);
        QVERIFY(event[u"fs.root.total_bytes"_s].toULongLong() > 0);

        // Devices reported are the host's whole disks and interfaces (never loop devices or lo).
        for (auto it = event.begin(); it != event.end(); ++it) {
            const QStringList parts = it.key().split(u'.');
            if (parts.first() == u"disk"_s) {
                QVERIFY2(QDir(u"/sys/block/"_s + parts[1]).exists(), qPrintable(it.key()));
                QVERIFY2(!parts[1].startsWith(u"loop"_s), qPrintable(it.key()));
            } else if (parts.first() == u"net"_s) {
                QVERIFY2(QDir(u"/sys/class/net/"_s + parts[1]).exists(), qPrintable(it.key()));
                QVERIFY2(parts[1] != u"lo"_s, qPrintable(it.key()));
            }
            if (it.key().endsWith(u"_per_s"_s))
                QVERIFY2(it.value().toDouble() >= 0.0, qPrintable(it.key() + u'=' + it.value()));
        }
    }
};

QTEST_GUILESS_MAIN(TestMetricsSource)
#include "tst_metricssource.moc"
