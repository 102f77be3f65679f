// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/metrics/metricssampler.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include <cstdint>

// A host on cue for the metrics tests: /proc and /sys files in a temporary directory, and two
// readings whose differences are known. Header-only: each test is its own executable.
namespace vanopticon::testsupport {

inline constexpr std::int64_t kSecondNs = 1'000'000'000;

// Two readings of a host's counters (each test says how far apart in time). Between them:
// user+nice 400, system+irq+softirq 150, idle 400, iowait 40, steal 10 ticks; vda read 4000 and
// wrote 2000 sectors and was busy 500 ms; eth0 received 2000 and sent 500 bytes, with 3 receive
// errors and 1 drop; eth1 was reset; nvme0n1 and veth7 appeared.
struct Reading {
    QByteArray stat;
    QByteArray diskstats;
    QByteArray netDev;
};

inline const Reading kFirst {"cpu  1000 100 300 8000 100 20 30 5 0 0\ncpu0 500 50 150 4000 50 10 15 2 0 0\n",
    "   7       0 loop0 10 0 80 0 0 0 0 0 0 5 5 0 0 0 0 0 0\n"
    " 254       0 vda 100 0 10000 50 40 0 5000 30 0 1000 1000 0 0 0 0 0 0\n"
    " 254       1 vda1 90 0 9000 45 35 0 4000 25 0 900 900 0 0 0 0 0 0\n",
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier "
    "compressed\n"
    "    lo:  5000  50 0 0 0 0 0 0  5000  50 0 0 0 0 0 0\n"
    "  eth0: 10000 100 1 0 0 0 0 0 20000 200 0 0 0 0 0 0\n"
    "  eth1: 90000 900 0 0 0 0 0 0 90000 900 5 5 0 0 0 0\n"};

inline const Reading kSecond {"cpu  1350 150 400 8400 140 40 60 15 7 0\ncpu0 700 70 200 4200 70 20 30 7 3 0\n",
    "   7       0 loop0 20 0 160 0 0 0 0 0 0 9 9 0 0 0 0 0 0\n"
    " 254       0 vda 200 0 14000 80 60 0 7000 40 0 1500 1500 0 0 0 0 0 0\n"
    " 254       1 vda1 180 0 13000 70 55 0 6000 35 0 1400 1400 0 0 0 0 0 0\n"
    " 259       0 nvme0n1 1 0 8 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n",
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier "
    "compressed\n"
    "    lo:  9000  90 0 0 0 0 0 0  9000  90 0 0 0 0 0 0\n"
    "  eth0: 12000 120 4 1 0 0 0 0 20500 205 0 0 0 0 0 0\n"
    // Reset (the driver was reloaded): counters smaller than before.
    "  eth1:   100   1 0 0 0 0 0 0   100   1 0 0 0 0 0 0\n"
    // Appeared during the interval.
    "  veth7: 100 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0\n"};

inline const QByteArray kMeminfo = "MemTotal:        1000000 kB\n"
                                   "MemFree:          200000 kB\n"
                                   "MemAvailable:     250000 kB\n"
                                   "SwapTotal:        200000 kB\n"
                                   "SwapFree:          50000 kB\n";

inline const QByteArray kLoadavg = "0.50 0.25 0.10 2/150 4242\n";

// A directory laid out like /proc and /sys, as much as the sampler reads of them.
class FakeHost {
public:
    FakeHost() {
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("proc/net"))));
        for (const char *disk : {"loop0", "vda", "nvme0n1"})
            QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("sys/block/") + QLatin1StringView(disk))));
        write(QStringLiteral("meminfo"), kMeminfo);
        write(QStringLiteral("loadavg"), kLoadavg);
    }

    sentinel::MetricsPaths paths() const {
        return sentinel::MetricsPaths {
            m_dir.filePath(QStringLiteral("proc")).toStdString(), m_dir.filePath(QStringLiteral("sys")).toStdString()};
    }

    void show(const Reading &reading) {
        write(QStringLiteral("stat"), reading.stat);
        write(QStringLiteral("diskstats"), reading.diskstats);
        write(QStringLiteral("net/dev"), reading.netDev);
    }

    void write(const QString &name, const QByteArray &content) {
        QFile file(m_dir.filePath(QStringLiteral("proc/") + name));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(file.write(content), content.size());
    }

    void remove(const QString &name) { QVERIFY(QFile::remove(m_dir.filePath(QStringLiteral("proc/") + name))); }
    QString path() const { return m_dir.path(); }

private:
    QTemporaryDir m_dir;
};

} // namespace vanopticon::testsupport
