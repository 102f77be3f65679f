// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/metrics/procmetrics.h"

#include <QTest>

#include <string>

using namespace vanopticon::sentinel;
using namespace Qt::StringLiterals;

namespace {

// Captured from a Linux 6.x host (two CPUs, a virtio disk), trimmed where noted.
constexpr std::string_view kStat = "cpu  1572339 0 456230 777489 2021 0 2497 0 0 0\n"
                                   "cpu0 775416 0 221897 406609 318 0 1075 0 0 0\n"
                                   "cpu1 796923 0 234332 370879 1702 0 1421 0 0 0\n"
                                   "intr 132451515 0 9 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
                                   "ctxt 242934521\n"
                                   "btime 1716450123\n"
                                   "processes 1207512\n"
                                   "procs_running 3\n"
                                   "procs_blocked 0\n";

constexpr std::string_view kMeminfo = "MemTotal:       24683620 kB\n"
                                      "MemFree:        18408620 kB\n"
                                      "MemAvailable:   23511524 kB\n"
                                      "Buffers:           30976 kB\n"
                                      "Cached:          5114756 kB\n"
                                      "SwapCached:            0 kB\n"
                                      "Active:          2227044 kB\n"
                                      "Inactive:        3431816 kB\n"
                                      "SwapTotal:        2097148 kB\n"
                                      "SwapFree:         1048574 kB\n"
                                      "Dirty:             48132 kB\n"
                                      "HugePages_Total:       0\n"
                                      "HugePages_Free:        0\n"
                                      "Hugepagesize:       2048 kB\n";

// Before Linux 3.14 there was no MemAvailable.
constexpr std::string_view kOldMeminfo = "MemTotal:        1000000 kB\n"
                                         "MemFree:          100000 kB\n"
                                         "Buffers:           50000 kB\n"
                                         "Cached:           150000 kB\n"
                                         "SwapCached:            0 kB\n"
                                         "SwapTotal:             0 kB\n"
                                         "SwapFree:              0 kB\n";

// Linux 5.5+ lines have 20 fields (discard and flush counters); 4.18 had 18; 2.6 had 14.
constexpr std::string_view kDiskstats
    = "   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
      " 254       0 vda 317388 25101 13405058 127191 150159 112190 113039416 660720 0 108104 828684 59476 36 "
      "93624504 35056 11572 5716\n"
      " 254       1 vda1 300000 25000 13000000 120000 150000 112000 113000000 660000 0 100000 800000 0 0 0 0 0 0\n"
      "   8       0 sda 100 0 2000 50 30 0 800 20 0 70 70\n"
      " 253       0 zram0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

constexpr std::string_view kNetDev
    = "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier "
      "compressed\n"
      "    lo: 49907080   38166    0    0    0     0          0         0 49907080   38166    0    0    0     0       "
      "0 "
      "         0\n"
      "  eth0: 99218591    3640    2    1    0     0          0         0   204261    2612    4    3    0     0       "
      "0 "
      "         0\n"
      // Old kernels print no space between the colon and a large counter.
      "  eth1:4294967296000 10 1 2 0 0 0 0 5000 20 3 4 0 0 0 0\n"
      "eth0.100: 10 1 0 0 0 0 0 0 20 2 0 0 0 0 0 0\n";

constexpr std::string_view kLoadavg = "9.31 13.10 12.80 8/137 14939\n";

} // namespace

class TestProcMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void statCpuLine() {
        const auto cpu = parseProcStatCpu(kStat);
        QVERIFY(cpu.has_value());
        QCOMPARE(cpu->user, std::uint64_t(1572339));
        QCOMPARE(cpu->nice, std::uint64_t(0));
        QCOMPARE(cpu->system, std::uint64_t(456230));
        QCOMPARE(cpu->idle, std::uint64_t(777489));
        QCOMPARE(cpu->iowait, std::uint64_t(2021));
        QCOMPARE(cpu->irq, std::uint64_t(0));
        QCOMPARE(cpu->softirq, std::uint64_t(2497));
        QCOMPARE(cpu->steal, std::uint64_t(0));
        QCOMPARE(cpu->total(), std::uint64_t(1572339 + 456230 + 777489 + 2021 + 2497));

        // Linux 2.4: user nice system idle only.
        const auto old = parseProcStatCpu("cpu  100 2 30 400\ncpu0 100 2 30 400\n");
        QVERIFY(old.has_value());
        QCOMPARE(old->total(), std::uint64_t(532));
        QCOMPARE(old->iowait, std::uint64_t(0));
    }

    void statMalformed_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("a per-cpu line first") << QByteArray("cpu0 1 2 3 4\n");
        QTest::addRow("too few") << QByteArray("cpu 1 2 3\n");
        QTest::addRow("not a number") << QByteArray("cpu 1 2 x 4\n");
        QTest::addRow("negative") << QByteArray("cpu 1 2 -3 4\n");
        QTest::addRow("too large") << QByteArray("cpu 99999999999999999999 2 3 4\n");
        QTest::addRow("another file") << QByteArray("MemTotal: 1 kB\n");
        QTest::addRow("cpu on the second line") << QByteArray("\ncpu 1 2 3 4\n");
    }

    void statMalformed() {
        QFETCH(QByteArray, text);
        QVERIFY(!parseProcStatCpu(std::string_view(text.constData(), std::size_t(text.size()))).has_value());
    }

    void cpuShares() {
        // Between the readings: user+nice 400, system+irq+softirq 150, idle 400, iowait 40,
        // steal 10 ticks (guest 7 is part of user already).
        const auto before = parseProcStatCpu("cpu  1000 100 300 8000 100 20 30 5 0 0\n");
        const auto after = parseProcStatCpu("cpu  1350 150 400 8400 140 40 60 15 7 0\n");
        QVERIFY(before && after);
        const auto shares = cpuPercentages(*before, *after);
        QVERIFY(shares.has_value());
        QCOMPARE(shares->user, 40.0);
        QCOMPARE(shares->system, 15.0);
        QCOMPARE(shares->idle, 40.0);
        QCOMPARE(shares->iowait, 4.0);
        QCOMPARE(shares->steal, 1.0);
        // No time between them, or counters that went back (another boot): nothing to say.
        QVERIFY(!cpuPercentages(*after, *after).has_value());
        QVERIFY(!cpuPercentages(*after, *before).has_value());
        // iowait going back on its own (it does on some kernels): the shares of what was seen.
        const auto dipped = parseProcStatCpu("cpu  1350 150 400 8400 90 40 60 15 7 0\n");
        const auto odd = cpuPercentages(*before, *dipped);
        QVERIFY(odd.has_value());
        QCOMPARE(odd->iowait, 0.0);
        QCOMPARE(odd->user + odd->system + odd->idle + odd->steal, 100.0);
    }

    void meminfo() {
        const auto memory = parseMeminfo(kMeminfo);
        QVERIFY(memory.has_value());
        QCOMPARE(memory->totalBytes, std::uint64_t(24683620) * 1024);
        QCOMPARE(memory->availableBytes, std::uint64_t(23511524) * 1024);
        QCOMPARE(memory->swapTotalBytes, std::uint64_t(2097148) * 1024);
        QCOMPARE(memory->swapFreeBytes, std::uint64_t(1048574) * 1024);
        QCOMPARE(memory->usedPercent(), 100.0 * (24683620.0 - 23511524.0) / 24683620.0);
        QCOMPARE(memory->swapUsedPercent(), 100.0 * (2097148.0 - 1048574.0) / 2097148.0);

        const auto old = parseMeminfo(kOldMeminfo);
        QVERIFY(old.has_value());
        QCOMPARE(old->availableBytes, std::uint64_t(300000) * 1024); // free + buffers + cached
        QCOMPARE(old->usedPercent(), 70.0);
        QCOMPARE(old->swapUsedPercent(), 0.0);
    }

    void meminfoMalformed_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("no total") << QByteArray("MemFree: 100 kB\nMemAvailable: 100 kB\n");
        QTest::addRow("zero total") << QByteArray("MemTotal: 0 kB\n");
        QTest::addRow("total not a number") << QByteArray("MemTotal: lots kB\n");
        QTest::addRow("total overflows in bytes") << QByteArray("MemTotal: 18446744073709551615 kB\n");
    }

    void meminfoMalformed() {
        QFETCH(QByteArray, text);
        QVERIFY(!parseMeminfo(std::string_view(text.constData(), std::size_t(text.size()))).has_value());
    }

    void meminfoBoundsAvailable() {
        // More available than there is (a racy read): capped, never a negative use.
        const auto memory = parseMeminfo("MemTotal: 1000 kB\nMemAvailable: 2000 kB\ngarbage\n: 1\n");
        QVERIFY(memory.has_value());
        QCOMPARE(memory->availableBytes, std::uint64_t(1000) * 1024);
        QCOMPARE(memory->usedPercent(), 0.0);
    }

    void diskstats() {
        std::vector<DiskCounters> disks;
        QCOMPARE(parseDiskstats(kDiskstats, disks, 64), std::size_t(0));
        QCOMPARE(disks.size(), std::size_t(5));
        QCOMPARE(disks[0].name, std::string("loop0"));
        const DiskCounters &vda = disks[1];
        QCOMPARE(vda.name, std::string("vda"));
        QCOMPARE(vda.readsCompleted, std::uint64_t(317388));
        QCOMPARE(vda.sectorsRead, std::uint64_t(13405058));
        QCOMPARE(vda.writesCompleted, std::uint64_t(150159));
        QCOMPARE(vda.sectorsWritten, std::uint64_t(113039416));
        QCOMPARE(vda.ioTicksMs, std::uint64_t(108104));
        const DiskCounters &sda = disks[3]; // the 2.6 layout
        QCOMPARE(sda.name, std::string("sda"));
        QCOMPARE(sda.readsCompleted, std::uint64_t(100));
        QCOMPARE(sda.sectorsRead, std::uint64_t(2000));
        QCOMPARE(sda.writesCompleted, std::uint64_t(30));
        QCOMPARE(sda.sectorsWritten, std::uint64_t(800));
        QCOMPARE(sda.ioTicksMs, std::uint64_t(70));

        std::vector<DiskCounters> bounded;
        QCOMPARE(parseDiskstats(kDiskstats, bounded, 2), std::size_t(0));
        QCOMPARE(bounded.size(), std::size_t(2));
    }

    void diskstatsMalformed() {
        const std::string text = "   8       1 sdb 1 2\n" // cut short
                                 "   8       2 sdc 1 2 x 4 5 6 7 8 9 10 11\n" // sectors read
                                 "\n"
                                 "   8       3 "
            + std::string(65, 'd') + " 1 2 3 4 5 6 7 8 9 10 11\n" + "   8       4 sdd 1 2 3 4 5 6 7 8 9 10 11\n";
        std::vector<DiskCounters> disks;
        QCOMPARE(parseDiskstats(text, disks, 64), std::size_t(3));
        QCOMPARE(disks.size(), std::size_t(1));
        QCOMPARE(disks[0].name, std::string("sdd"));
        QCOMPARE(disks[0].ioTicksMs, std::uint64_t(10));
    }

    void netDev() {
        std::vector<InterfaceCounters> interfaces;
        QCOMPARE(parseNetDev(kNetDev, interfaces, 64), std::size_t(0));
        QCOMPARE(interfaces.size(), std::size_t(4));
        QCOMPARE(interfaces[0].name, std::string("lo"));
        const InterfaceCounters &eth0 = interfaces[1];
        QCOMPARE(eth0.name, std::string("eth0"));
        QCOMPARE(eth0.rxBytes, std::uint64_t(99218591));
        QCOMPARE(eth0.rxPackets, std::uint64_t(3640));
        QCOMPARE(eth0.rxErrors, std::uint64_t(2));
        QCOMPARE(eth0.rxDrops, std::uint64_t(1));
        QCOMPARE(eth0.txBytes, std::uint64_t(204261));
        QCOMPARE(eth0.txPackets, std::uint64_t(2612));
        QCOMPARE(eth0.txErrors, std::uint64_t(4));
        QCOMPARE(eth0.txDrops, std::uint64_t(3));
        const InterfaceCounters &eth1 = interfaces[2];
        QCOMPARE(eth1.name, std::string("eth1"));
        QCOMPARE(eth1.rxBytes, std::uint64_t(4294967296000));
        QCOMPARE(eth1.txBytes, std::uint64_t(5000));
        QCOMPARE(eth1.txDrops, std::uint64_t(4));
        QCOMPARE(interfaces[3].name, std::string("eth0.100"));

        std::vector<InterfaceCounters> bounded;
        QCOMPARE(parseNetDev(kNetDev, bounded, 1), std::size_t(0));
        QCOMPARE(bounded.size(), std::size_t(1));
    }

    void netDevMalformed() {
        const std::string text = std::string(kNetDev.substr(0, kNetDev.find("    lo:"))) + "  bad: 1 2 3\n"
            + ": 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n" + "  eth9: 1 2 3 4 5 6 7 8 x 10 11 12 13 14 15 16\n" + "  "
            + std::string(65, 'n') + ": 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n" + "no colon on this line\n"
            + "  ok: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16";
        std::vector<InterfaceCounters> interfaces;
        QCOMPARE(parseNetDev(text, interfaces, 64), std::size_t(4));
        QCOMPARE(interfaces.size(), std::size_t(1));
        QCOMPARE(interfaces[0].name, std::string("ok"));
        QCOMPARE(interfaces[0].txDrops, std::uint64_t(12));
    }

    void loadavg() {
        const auto load = parseLoadavg(kLoadavg);
        QVERIFY(load.has_value());
        QCOMPARE(load->one, 9.31);
        QCOMPARE(load->five, 13.10);
        QCOMPARE(load->fifteen, 12.80);
        QCOMPARE(load->running, std::uint32_t(8));
        QCOMPARE(load->total, std::uint32_t(137));
    }

    void loadavgMalformed_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("three figures") << QByteArray("1.0 2.0 3.0\n");
        QTest::addRow("no slash") << QByteArray("1.0 2.0 3.0 4 5\n");
        QTest::addRow("negative") << QByteArray("-1.0 2.0 3.0 1/2 5\n");
        QTest::addRow("words") << QByteArray("a b c 1/2 5\n");
        QTest::addRow("bad counts") << QByteArray("1.0 2.0 3.0 x/2 5\n");
        QTest::addRow("too many processes") << QByteArray("1.0 2.0 3.0 1/99999999999 5\n");
    }

    void loadavgMalformed() {
        QFETCH(QByteArray, text);
        QVERIFY(!parseLoadavg(std::string_view(text.constData(), std::size_t(text.size()))).has_value());
    }

    void counterDeltas() {
        QCOMPARE(counterDelta(10, 25), std::uint64_t(15));
        QCOMPARE(counterDelta(25, 25), std::uint64_t(0));
        QCOMPARE(counterDelta(25, 10), std::uint64_t(0)); // reset: no negative rate
    }
};

QTEST_GUILESS_MAIN(TestProcMetrics)
#include "tst_procmetrics.moc"
