// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/metrics/metricssampler.h"

#include "unit/sentinel/metrics/fakehost.h"

#include <QStorageInfo>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace vanopticon::sentinel;
using namespace vanopticon::testsupport;
using namespace Qt::StringLiterals;

namespace {

template<typename Rate> const Rate *find(const std::vector<Rate> &rates, const char *name) {
    const auto it = std::find_if(rates.begin(), rates.end(), [name](const Rate &rate) { return rate.name == name; });
    return it == rates.end() ? nullptr : &*it;
}

template<typename Rate> QStringList namesOf(const std::vector<Rate> &rates) {
    QStringList names;
    for (const Rate &rate : rates)
        names << QString::fromStdString(rate.name);
    return names;
}

} // namespace

class TestMetricsSampler : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ratesBetweenTwoReadings() {
        FakeHost host;
        MetricsSampler sampler(MetricsConfig {}, host.paths());
        host.show(kFirst);
        QVERIFY(!sampler.sample(5 * kSecondNs).has_value()); // the first reading only
        host.show(kSecond);
        const auto sample = sampler.sample(7 * kSecondNs);
        QVERIFY(sample.has_value());
        QCOMPARE(sample->intervalNs, 2 * kSecondNs);

        QVERIFY(sample->cpu.has_value());
        QCOMPARE(sample->cpu->user, 40.0);
        QCOMPARE(sample->cpu->system, 15.0);
        QCOMPARE(sample->cpu->idle, 40.0);
        QCOMPARE(sample->cpu->iowait, 4.0);
        QCOMPARE(sample->cpu->steal, 1.0);
        QVERIFY(sample->memory.has_value());
        QCOMPARE(sample->memory->usedPercent(), 75.0);
        QCOMPARE(sample->memory->swapUsedPercent(), 75.0);
        QVERIFY(sample->load.has_value());
        QCOMPARE(sample->load->one, 0.5);
        QCOMPARE(sample->load->total, std::uint32_t(150));

        // Whole disks only (vda1 is a partition: no /sys/block entry), no loop devices; nvme0n1
        // appeared during the interval, so its rates start with the next one.
        QCOMPARE(namesOf(sample->disks), QStringList({u"vda"_s}));
        const DiskRate *vda = find(sample->disks, "vda");
        QCOMPARE(vda->readBytesPerSecond, 4000.0 * 512 / 2);
        QCOMPARE(vda->writeBytesPerSecond, 2000.0 * 512 / 2);
        QCOMPARE(vda->busyPercent, 25.0);

        // Every interface but lo; a counter reset gives 0, not a huge rate.
        QCOMPARE(namesOf(sample->interfaces), QStringList({u"eth0"_s, u"eth1"_s}));
        const InterfaceRate *eth0 = find(sample->interfaces, "eth0");
        QCOMPARE(eth0->rxBytesPerSecond, 1000.0);
        QCOMPARE(eth0->txBytesPerSecond, 250.0);
        QCOMPARE(eth0->rxErrors, std::uint64_t(3));
        QCOMPARE(eth0->rxDrops, std::uint64_t(1));
        QCOMPARE(eth0->txErrors, std::uint64_t(0));
        const InterfaceRate *eth1 = find(sample->interfaces, "eth1");
        QCOMPARE(eth1->rxBytesPerSecond, 0.0);
        QCOMPARE(eth1->txErrors, std::uint64_t(0));

        QVERIFY(sample->mounts.empty());
        QCOMPARE(sampler.stats().samples, std::uint64_t(1));
        QCOMPARE(sampler.stats().readFailures, std::uint64_t(0));
        QCOMPARE(sampler.stats().malformedLines, std::uint64_t(0));

        // The next interval has the new devices, and goes from the second reading.
        host.show(kSecond);
        const auto quiet = sampler.sample(8 * kSecondNs);
        QVERIFY(quiet.has_value());
        QCOMPARE(quiet->intervalNs, kSecondNs);
        QCOMPARE(namesOf(quiet->disks), QStringList({u"vda"_s, u"nvme0n1"_s}));
        QCOMPARE(find(quiet->disks, "vda")->readBytesPerSecond, 0.0);
        QCOMPARE(namesOf(quiet->interfaces), QStringList({u"eth0"_s, u"eth1"_s, u"veth7"_s}));
        QVERIFY(!quiet->cpu.has_value()); // no tick passed
    }

    void chosenDevices() {
        FakeHost host;
        MetricsConfig config;
        config.disks = {"vda*", "loop?"};
        config.interfaces = {"eth[0-9]", "lo"};
        MetricsSampler sampler(config, host.paths());
        host.show(kFirst);
        QVERIFY(!sampler.sample(kSecondNs).has_value());
        host.show(kSecond);
        const auto sample = sampler.sample(2 * kSecondNs);
        QVERIFY(sample.has_value());
        QCOMPARE(namesOf(sample->disks), QStringList({u"loop0"_s, u"vda"_s, u"vda1"_s}));
        QCOMPARE(namesOf(sample->interfaces), QStringList({u"lo"_s, u"eth0"_s, u"eth1"_s}));
        QCOMPARE(find(sample->interfaces, "lo")->rxBytesPerSecond, 4000.0);
    }

    void missingAndMalformedFilesAreCounted() {
        FakeHost host;
        MetricsSampler sampler(MetricsConfig {}, host.paths());
        host.show(kFirst);
        QVERIFY(!sampler.sample(kSecondNs).has_value());
        host.show(kSecond);
        host.remove(u"net/dev"_s);
        host.write(u"loadavg"_s, "not a load average\n");
        host.write(u"diskstats"_s, kSecond.diskstats + " 254 2 vda2 1 2\n");
        const auto sample = sampler.sample(2 * kSecondNs);
        QVERIFY(sample.has_value());
        QVERIFY(sample->cpu.has_value());
        QVERIFY(sample->memory.has_value());
        QVERIFY(!sample->load.has_value());
        QVERIFY(sample->interfaces.empty());
        QCOMPARE(namesOf(sample->disks), QStringList({u"vda"_s}));
        QCOMPARE(sampler.stats().readFailures, std::uint64_t(2));
        QCOMPARE(sampler.stats().malformedLines, std::uint64_t(1));

        // Nothing readable at all: still an interval, with nothing in it.
        FakeHost empty;
        empty.remove(u"meminfo"_s);
        empty.remove(u"loadavg"_s);
        MetricsSampler blind(MetricsConfig {}, empty.paths());
        QVERIFY(!blind.sample(kSecondNs).has_value());
        const auto nothing = blind.sample(2 * kSecondNs);
        QVERIFY(nothing.has_value());
        QVERIFY(!nothing->cpu && !nothing->memory && !nothing->load);
        QCOMPARE(blind.stats().readFailures, std::uint64_t(10)); // five files, twice
    }

    void noTimeNoSample() {
        FakeHost host;
        host.show(kFirst);
        MetricsSampler sampler(MetricsConfig {}, host.paths());
        QVERIFY(!sampler.sample(kSecondNs).has_value());
        QVERIFY(!sampler.sample(kSecondNs).has_value()); // no time passed
        QVERIFY(!sampler.sample(kSecondNs - 1).has_value()); // the clock went back
        QCOMPARE(sampler.stats().samples, std::uint64_t(0));
    }

    void mountUsage() {
        FakeHost host;
        host.show(kFirst);
        MetricsConfig config;
        config.mounts = {MetricsMount {host.path().toStdString(), "tmp"}, MetricsMount {"/nonexistent/mount", "gone"}};
        MetricsSampler sampler(config, host.paths());
        QVERIFY(!sampler.sample(kSecondNs).has_value());
        const auto sample = sampler.sample(2 * kSecondNs);
        QVERIFY(sample.has_value());
        QCOMPARE(sample->mounts.size(), std::size_t(1));
        const MountUsage &usage = sample->mounts.front();
        QCOMPARE(usage.mount->name, std::string("tmp"));
        const QStorageInfo storage(host.path());
        QCOMPARE(qint64(usage.totalBytes), storage.bytesTotal());
        QVERIFY(usage.freeBytes <= usage.totalBytes);
        QVERIFY(usage.usedPercent >= 0.0 && usage.usedPercent <= 100.0);
        // Free space changes as others write; it stays near what statvfs says a moment later.
        const double freeNow = double(storage.bytesAvailable());
        QVERIFY(std::abs(double(usage.freeBytes) - freeNow) <= 0.01 * double(usage.totalBytes));
        QCOMPARE(sampler.stats().mountFailures, std::uint64_t(1));
    }
};

QTEST_GUILESS_MAIN(TestMetricsSampler)
#include "tst_metricssampler.moc"
