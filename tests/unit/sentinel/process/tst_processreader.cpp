// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/process/processreader.h"

#include "unit/sentinel/process/fakeproc.h"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <unistd.h>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace vanopticon::testsupport;
using namespace Qt::StringLiterals;

class TestProcessReader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parsesStat_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<int>("pid");
        QTest::addColumn<QByteArray>("comm");
        QTest::addColumn<int>("ppid");
        QTest::addColumn<qulonglong>("startTicks");
        // Captured from a Debian 12 host.
        QTest::addRow("systemd") << QByteArray("1 (systemd) S 0 1 1 0 -1 4194560 36394 2520358 99 1306 73 251 3452 "
                                               "1290 20 0 1 0 10 172138496 3207 18446744073709551615 1 1 0 0 0 0 "
                                               "671173123 4096 1260 1 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n")
                                 << true << 1 << QByteArray("systemd") << 0 << 10ull;
        QTest::addRow("kernel thread") << QByteArray(
            "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 1 0 0 20 0 1 0 11 0 0 "
            "18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 17 1 0 0 0 "
            "0 0 0 0 0 0 0 0 0 0\n") << true
                                       << 2 << QByteArray("kthreadd") << 0 << 11ull;
        // A process may name itself anything (prctl PR_SET_NAME): spaces and parentheses included.
        QTest::addRow("hostile name") << QByteArray("4242 (a) b) S 7 (x) R 99 4242 4242 0 -1 4194304 1 0 0 0 0 0 0 0 "
                                                    "20 0 1 0 123456 1 1 1\n")
                                      << true << 4242 << QByteArray("a) b) S 7 (x") << 99 << 123456ull;
        QTest::addRow("cut short") << QByteArray("77 (sleep) S 1 77 77 0 -1 4194304 1 0 0 0") << false << 0
                                   << QByteArray() << 0 << 0ull;
        QTest::addRow("no name") << QByteArray("77 sleep S 1") << false << 0 << QByteArray() << 0 << 0ull;
        QTest::addRow("bad pid") << QByteArray("x (sleep) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0") << false << 0
                                 << QByteArray() << 0 << 0ull;
        QTest::addRow("bad start") << QByteArray("7 (sleep) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 -5 0") << false << 0
                                   << QByteArray() << 0 << 0ull;
        QTest::addRow("empty") << QByteArray() << false << 0 << QByteArray() << 0 << 0ull;
    }

    void parsesStat() {
        QFETCH(QByteArray, text);
        QFETCH(bool, valid);
        const auto stat = parseProcessStat(std::string_view(text.constData(), std::size_t(text.size())));
        QCOMPARE(stat.has_value(), valid);
        if (!valid)
            return;
        QFETCH(int, pid);
        QFETCH(QByteArray, comm);
        QFETCH(int, ppid);
        QFETCH(qulonglong, startTicks);
        QCOMPARE(stat->pid, pid);
        QCOMPARE(QByteArray::fromStdString(stat->comm), comm);
        QCOMPARE(stat->ppid, ppid);
        QCOMPARE(qulonglong(stat->startTicks), startTicks);
    }

    void parsesStatusUid_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("uid"); // -1: none
        QTest::addRow("real") << QByteArray("Name:\tpasswd\nUmask:\t0022\nState:\tR (running)\nTgid:\t812\nNgid:\t0\n"
                                            "Pid:\t812\nPPid:\t700\nTracerPid:\t0\nUid:\t1000\t0\t0\t0\nGid:\t1000\t"
                                            "1000\t1000\t1000\n")
                              << 1000; // set-uid root: the real uid is who ran it
        QTest::addRow("root") << QByteArray("Uid:\t0\t0\t0\t0\n") << 0;
        QTest::addRow("no uid line") << QByteArray("Name:\tx\nGid:\t0\t0\t0\t0\n") << -1;
        QTest::addRow("garbage uid") << QByteArray("Uid:\tabc\t0\n") << -1;
        QTest::addRow("too large") << QByteArray("Uid:\t99999999999\t0\n") << -1;
    }

    void parsesStatusUid() {
        QFETCH(QByteArray, text);
        QFETCH(int, uid);
        const auto parsed = parseStatusUid(std::string_view(text.constData(), std::size_t(text.size())));
        QCOMPARE(parsed.has_value(), uid >= 0);
        if (parsed)
            QCOMPARE(int(*parsed), uid);
    }

    void joinsCommandLines_data() {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("max");
        QTest::addColumn<QByteArray>("joined");
        QTest::addColumn<bool>("cut");
        QTest::addRow("arguments") << QByteArray("/bin/sleep\0"
                                                 "10\0",
            14) << 100 << QByteArray("/bin/sleep 10")
                                   << false;
        QTest::addRow("empty argument") << QByteArray("a\0\0b\0", 5) << 100 << QByteArray("a  b") << false;
        QTest::addRow("no trailing NUL") << QByteArray("nginx: worker process") << 100
                                         << QByteArray("nginx: worker process") << false;
        QTest::addRow("kernel thread") << QByteArray() << 100 << QByteArray() << false;
        QTest::addRow("cut") << QByteArray("abcdef\0", 7) << 4 << QByteArray("abcd") << true;
        // "é" is two bytes: a cut between them would leave half a character.
        QTest::addRow("cut before a character") << QByteArray("ab\xc3\xa9z") << 3 << QByteArray("ab") << true;
        QTest::addRow("cut after a character") << QByteArray("ab\xc3\xa9z") << 4 << QByteArray("ab\xc3\xa9") << true;
    }

    void joinsCommandLines() {
        QFETCH(QByteArray, raw);
        QFETCH(int, max);
        QFETCH(QByteArray, joined);
        QFETCH(bool, cut);
        std::string out = "previous";
        QCOMPARE(
            joinCommandLine(std::string_view(raw.constData(), std::size_t(raw.size())), std::size_t(max), out), cut);
        QCOMPARE(QByteArray::fromStdString(out), joined);
    }

    void readsItself() {
        // The real /proc, for this very process.
        const ProcessReader reader;
        const ProcessInfo info = reader.read(::getpid());
        QVERIFY(!info.gone());
        QCOMPARE(info.stat->pid, ::getpid());
        QCOMPARE(info.stat->ppid, ::getppid());
        QVERIFY(info.stat->startTicks > 0);
        QCOMPARE(QString::fromStdString(info.image), QCoreApplication::applicationFilePath());
        QVERIFY(QString::fromStdString(info.commandLine).contains(u"tst_processreader"_s));
        QCOMPARE(QString::fromStdString(info.currentDirectory), QDir::currentPath());
        QVERIFY(info.uid.has_value());
        QCOMPARE(*info.uid, ::getuid());

        std::vector<Pid> pids;
        QVERIFY(reader.listPids(pids));
        QVERIFY(std::find(pids.begin(), pids.end(), ::getpid()) != pids.end());
        QVERIFY(std::find(pids.begin(), pids.end(), 1) != pids.end());
    }

    void readsALaidOutProcDirectory() {
        QTemporaryDir dir;
        const FakeProc proc(dir.path());
        QVERIFY(proc.add(FakeProcess {
            300, 1, "worker", "/usr/sbin/worker", QByteArray("/usr/sbin/worker\0-x\0", 20), "/srv", 33, 5000}));
        QVERIFY(proc.add(FakeProcess {301, 2, "kworker/0:1", "", "", "", 0, 6000}));
        QVERIFY(QDir(dir.path()).mkdir(u"self"_s)); // not a pid
        QVERIFY(QDir(dir.path()).mkdir(u"0"_s)); // not a pid either

        const ProcessReader reader(proc.root(), 8);
        const ProcessInfo worker = reader.read(300);
        QVERIFY(!worker.gone());
        QCOMPARE(worker.image, std::string("/usr/sbin/worker"));
        QCOMPARE(worker.commandLine, std::string("/usr/sbi")); // max_command_line 8
        QVERIFY(worker.commandLineTruncated);
        QCOMPARE(worker.currentDirectory, std::string("/srv"));
        QCOMPARE(worker.uid.value_or(0), 33u);
        QCOMPARE(worker.stat->startTicks, 5000u);

        const ProcessInfo kernelThread = reader.read(301);
        QVERIFY(!kernelThread.gone());
        QVERIFY(kernelThread.image.empty());
        QVERIFY(kernelThread.commandLine.empty());

        QVERIFY(reader.read(302).gone()); // no such process
        std::vector<Pid> pids;
        QVERIFY(reader.listPids(pids));
        std::sort(pids.begin(), pids.end());
        QCOMPARE(pids, (std::vector<Pid> {300, 301}));
        QVERIFY(!ProcessReader(dir.filePath(u"missing"_s).toStdString()).listPids(pids));
    }

    void refusesAStatOfAnotherPid() {
        QTemporaryDir dir;
        const FakeProc proc(dir.path());
        QVERIFY(proc.add(FakeProcess {400, 1, "x", "/x", "x", "/", 0, 1}));
        QVERIFY(QFile::rename(dir.filePath(u"400"_s), dir.filePath(u"401"_s)));
        QVERIFY(ProcessReader(proc.root()).read(401).gone()); // its stat says 400
    }
};

QTEST_GUILESS_MAIN(TestProcessReader)
#include "tst_processreader.moc"
