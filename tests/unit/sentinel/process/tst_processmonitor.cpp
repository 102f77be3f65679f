// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/process/processmonitor.h"

#include "unit/sentinel/process/fakeproc.h"

#include <QTemporaryDir>
#include <QTest>

#include <pwd.h>
#include <unistd.h>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace vanopticon::testsupport;
using namespace Qt::StringLiterals;

namespace {

constexpr std::int64_t kBoot = 1'700'000'000'000'000'000; // wall time at boot
const std::int64_t kTicks = ::sysconf(_SC_CLK_TCK);

ProcessClock clockAt(std::int64_t sinceBootNs) {
    return ProcessClock {kBoot + sinceBootNs, kBoot, kBoot};
}

QString userName(std::uint32_t uid) {
    const passwd *entry = ::getpwuid(uid);
    return entry != nullptr ? QString::fromUtf8(entry->pw_name) : QString::number(uid);
}

ProcEvent forkOf(Pid parent, Pid child, std::uint64_t at = 0) {
    ProcEvent event;
    event.kind = ProcEvent::Kind::Fork;
    event.parentPid = parent;
    event.parentTgid = parent;
    event.pid = child;
    event.tgid = child;
    event.timestampNs = at;
    return event;
}

ProcEvent threadOf(Pid process, Pid thread) {
    ProcEvent event = forkOf(process, thread);
    event.tgid = process;
    return event;
}

ProcEvent execOf(Pid pid, std::uint64_t at) {
    ProcEvent event;
    event.kind = ProcEvent::Kind::Exec;
    event.pid = pid;
    event.tgid = pid;
    event.timestampNs = at;
    return event;
}

ProcEvent exitOf(Pid pid, std::uint32_t status, std::uint64_t at) {
    ProcEvent event;
    event.kind = ProcEvent::Kind::Exit;
    event.pid = pid;
    event.tgid = pid;
    event.exitCode = status;
    event.timestampNs = at;
    return event;
}

// A shell (pid 100, child of init) is running when monitoring starts.
struct Host {
    QTemporaryDir dir;
    FakeProc proc {dir.path()};
    Host() {
        proc.add(FakeProcess {1, 0, "systemd", "/usr/lib/systemd/systemd", QByteArray("/sbin/init\0", 11), "/", 0, 10});
        proc.add(FakeProcess {
            100, 1, "bash", "/usr/bin/bash", QByteArray("-bash\0", 6), "/home/alice", 1000, std::uint64_t(kTicks) * 5});
    }
};

} // namespace

class TestProcessMonitor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void forkThenExecIsOneStartWithItsParent() {
        Host host;
        ProcessMonitor monitor(ProcessReader(host.proc.root()), 1024);
        monitor.setClock(clockAt(100'000'000'000));
        QVERIFY(monitor.snapshot());
        QCOMPARE(monitor.table().size(), std::size_t(2));

        EventBatch batch;
        monitor.handle(forkOf(100, 200, 1'000), batch);
        QVERIFY(batch.empty()); // a fork alone is not a start
        QVERIFY(host.proc.add(FakeProcess {200, 100, "sleep", "/usr/bin/sleep",
            QByteArray("sleep\0"
                       "30\0",
                9),
            "/home/alice/work", 1000, std::uint64_t(kTicks) * 7 + std::uint64_t(kTicks) / 2}));
        monitor.handle(execOf(200, 7'600'000'000), batch);
        QCOMPARE(batch.size(), std::size_t(1));
        const auto fields = fieldsOf(batch.events()[0]);
        QCOMPARE(fields[u"event_type"_s], u"process_creation"_s);
        QCOMPARE(fields[u"category"_s], u"process"_s);
        QCOMPARE(fields[u"source_type"_s], u"process_monitor"_s);
        QCOMPARE(fields[u"Image"_s], u"/usr/bin/sleep"_s);
        QCOMPARE(fields[u"CommandLine"_s], u"sleep 30"_s);
        QCOMPARE(fields[u"CurrentDirectory"_s], u"/home/alice/work"_s);
        QCOMPARE(fields[u"ProcessId"_s], u"200"_s);
        QCOMPARE(fields[u"ParentProcessId"_s], u"100"_s);
        QCOMPARE(fields[u"ParentImage"_s], u"/usr/bin/bash"_s);
        QCOMPARE(fields[u"ParentCommandLine"_s], u"-bash"_s);
        QCOMPARE(fields[u"User"_s], userName(1000));
        QCOMPARE(fields[u"StartTime"_s], u"2023-11-14T22:13:27.500000000Z"_s); // boot + 7.5 s
        QCOMPARE(fields[u"message"_s], u"process started: sleep 30 (pid 200, parent 100 /usr/bin/bash)"_s);
        QCOMPARE(batch.events()[0].timestampNs, kBoot + 7'600'000'000); // the exec, from the connector

        monitor.handle(exitOf(200, 0, 9'000'000'000), batch);
        QCOMPARE(batch.size(), std::size_t(2));
        const auto exited = fieldsOf(batch.events()[1]);
        QCOMPARE(exited[u"event_type"_s], u"process_exit"_s);
        QCOMPARE(exited[u"Image"_s], u"/usr/bin/sleep"_s); // remembered: /proc no longer says
        QCOMPARE(exited[u"CommandLine"_s], u"sleep 30"_s);
        QCOMPARE(exited[u"ExitCode"_s], u"0"_s);
        QVERIFY(!exited.contains(u"ExitSignal"_s));
        QCOMPARE(batch.events()[1].timestampNs, kBoot + 9'000'000'000);
        QCOMPARE(monitor.stats().started, 1u);
        QCOMPARE(monitor.stats().exited, 1u);
        QCOMPARE(monitor.table().size(), std::size_t(2));
    }

    void forksThatNeverExecAreNotReported() {
        Host host;
        ProcessMonitor monitor(ProcessReader(host.proc.root()), 1024);
        monitor.setClock(clockAt(0));
        QVERIFY(monitor.snapshot());
        EventBatch batch;
        monitor.handle(forkOf(100, 201), batch); // a subshell
        monitor.handle(forkOf(201, 202), batch); // which starts a program
        QVERIFY(host.proc.add(FakeProcess {202, 201, "ls", "/usr/bin/ls", QByteArray("ls\0", 3), "/", 1000, 9}));
        monitor.handle(execOf(202, 5), batch);
        monitor.handle(exitOf(202, 0, 6), batch);
        monitor.handle(exitOf(201, 0, 7), batch);
        QCOMPARE(batch.size(), std::size_t(2)); // ls started and exited; the subshell is noise
        const auto started = fieldsOf(batch.events()[0]);
        QCOMPARE(started[u"Image"_s], u"/usr/bin/ls"_s);
        QCOMPARE(started[u"ParentProcessId"_s], u"201"_s);
        // The subshell runs its parent's program: that is the parent the start names.
        QCOMPARE(started[u"ParentImage"_s], u"/usr/bin/bash"_s);
        QCOMPARE(started[u"ParentCommandLine"_s], u"-bash"_s);
        QCOMPARE(monitor.stats().forks, 2u);
        QCOMPARE(monitor.stats().forkOnlyExits, 1u);
    }

    void threadsAreNotProcesses() {
        Host host;
        ProcessMonitor monitor(ProcessReader(host.proc.root()), 1024);
        QVERIFY(monitor.snapshot());
        EventBatch batch;
        monitor.handle(threadOf(100, 150), batch);
        ProcEvent threadExit = exitOf(150, 0, 1);
        threadExit.tgid = 100;
        monitor.handle(threadExit, batch);
        QVERIFY(batch.empty());
        QCOMPARE(monitor.stats().forks, 0u);
        QVERIFY(monitor.table().find(100) != nullptr); // the process goes on
    }

    void aProcessGoneBeforeItIsReadIsStillReported() {
        Host host;
        ProcessMonitor monitor(ProcessReader(host.proc.root()), 1024);
        monitor.setClock(clockAt(0));
        QVERIFY(monitor.snapshot());
        EventBatch batch;
        monitor.handle(forkOf(100, 300), batch);
        monitor.handle(execOf(300, 50), batch); // no /proc/300: it is already gone
        monitor.handle(exitOf(300, 9, 60), batch); // killed by SIGKILL
        QCOMPARE(batch.size(), std::size_t(2));
        const auto started = fieldsOf(batch.events()[0]);
        QCOMPARE(started[u"ProcessId"_s], u"300"_s);
        QCOMPARE(started[u"ParentProcessId"_s], u"100"_s);
        QCOMPARE(started[u"ParentImage"_s], u"/usr/bin/bash"_s);
        QVERIFY(!started.contains(u"Image"_s)); // not the parent's program: unknown
        QVERIFY(started[u"message"_s].startsWith(u"process started and exited before it could be read"_s));
        const auto exited = fieldsOf(batch.events()[1]);
        QCOMPARE(exited[u"ExitSignal"_s], u"9"_s);
        QVERIFY(!exited.contains(u"ExitCode"_s));
        QCOMPARE(monitor.stats().shortLived, 1u);
    }

    void exitsOfProcessesRunningAtStartAreReported() {
        Host host;
        ProcessMonitor monitor(ProcessReader(host.proc.root()), 1024);
        QVERIFY(monitor.snapshot());
        EventBatch batch;
        monitor.handle(exitOf(100, 1 << 8, 10), batch);
        monitor.handle(exitOf(999, 0, 11), batch); // never seen
        QCOMPARE(batch.size(), std::size_t(1));
        const auto exited = fieldsOf(batch.events()[0]);
        QCOMPARE(exited[u"Image"_s], u"/usr/bin/bash"_s);
        QCOMPARE(exited[u"ExitCode"_s], u"1"_s);
        QCOMPARE(exited[u"ParentImage"_s], u"/usr/lib/systemd/systemd"_s);
        QCOMPARE(monitor.stats().unknownExits, 1u);
    }

    void scansReportNewAndGoneProcesses() {
        Host host;
        ProcessMonitor monitor(ProcessReader(host.proc.root()), 1024);
        monitor.setClock(clockAt(0));
        QVERIFY(monitor.snapshot());
        EventBatch batch;
        QVERIFY(monitor.scan(batch));
        QVERIFY(batch.empty()); // nothing changed

        // A program and its child, both new: the parent is reported first.
        QVERIFY(host.proc.add(FakeProcess {401, 400, "curl", "/usr/bin/curl", QByteArray("curl\0-s\0x\0", 10), "/tmp",
            0, std::uint64_t(kTicks) * 21}));
        QVERIFY(host.proc.add(FakeProcess {400, 100, "sh", "/usr/bin/dash", QByteArray("sh\0-c\0curl -s x\0", 17),
            "/tmp", 0, std::uint64_t(kTicks) * 20}));
        monitor.setClock(clockAt(30'000'000'000));
        QVERIFY(monitor.scan(batch));
        QCOMPARE(batch.size(), std::size_t(2));
        const auto shell = fieldsOf(batch.events()[0]);
        const auto curl = fieldsOf(batch.events()[1]);
        QCOMPARE(shell[u"Image"_s], u"/usr/bin/dash"_s);
        QCOMPARE(shell[u"CommandLine"_s], u"sh -c curl -s x"_s);
        QCOMPARE(curl[u"Image"_s], u"/usr/bin/curl"_s);
        QCOMPARE(curl[u"ParentImage"_s], u"/usr/bin/dash"_s);
        QCOMPARE(curl[u"ParentCommandLine"_s], u"sh -c curl -s x"_s);
        QCOMPARE(batch.events()[1].timestampNs, kBoot + 21'000'000'000); // polling dates a start by its start time

        QVERIFY(host.proc.remove(401));
        monitor.setClock(clockAt(31'000'000'000));
        QVERIFY(monitor.scan(batch));
        QCOMPARE(batch.size(), std::size_t(3));
        const auto exited = fieldsOf(batch.events()[2]);
        QCOMPARE(exited[u"event_type"_s], u"process_exit"_s);
        QCOMPARE(exited[u"Image"_s], u"/usr/bin/curl"_s);
        QVERIFY(!exited.contains(u"ExitCode"_s)); // /proc does not say
        QCOMPARE(batch.events()[2].timestampNs, kBoot + 31'000'000'000); // when it was seen gone
    }

    void scansSeeAForkExecLater() {
        Host host;
        ProcessMonitor monitor(ProcessReader(host.proc.root()), 1024);
        monitor.setClock(clockAt(0));
        QVERIFY(monitor.snapshot());
        // Caught between fork and exec: it still runs its parent's program.
        QVERIFY(
            host.proc.add(FakeProcess {500, 100, "bash", "/usr/bin/bash", QByteArray("-bash\0", 6), "/", 1000, 30}));
        EventBatch batch;
        QVERIFY(monitor.scan(batch));
        QVERIFY(batch.empty());
        QCOMPARE(monitor.stats().forks, 1u);
        QVERIFY(host.proc.add(
            FakeProcess {500, 100, "vi", "/usr/bin/vi", QByteArray("vi\0/etc/passwd\0", 15), "/", 1000, 30}));
        monitor.setClock(clockAt(5'000'000'000));
        QVERIFY(monitor.scan(batch));
        QCOMPARE(batch.size(), std::size_t(1));
        const auto started = fieldsOf(batch.events()[0]);
        QCOMPARE(started[u"CommandLine"_s], u"vi /etc/passwd"_s);
        QCOMPARE(started[u"ParentImage"_s], u"/usr/bin/bash"_s);
        QCOMPARE(batch.events()[0].timestampNs, kBoot + 5'000'000'000);
        QVERIFY(monitor.scan(batch));
        QCOMPARE(batch.size(), std::size_t(1)); // reported once
    }

    void theTableIsBounded() {
        Host host;
        ProcessMonitor monitor(ProcessReader(host.proc.root()), 4);
        QVERIFY(monitor.snapshot());
        for (int pid = 600; pid < 606; ++pid)
            QVERIFY(host.proc.add(
                FakeProcess {pid, 1, "x", "/usr/bin/x" + QByteArray::number(pid), "x", "/", 0, std::uint64_t(pid)}));
        EventBatch batch;
        QVERIFY(monitor.scan(batch));
        QCOMPARE(monitor.table().size(), std::size_t(4));
        QCOMPARE(batch.size(), std::size_t(2)); // what fits is tracked and reported
        QCOMPARE(monitor.stats().untracked, 4u);
        QVERIFY(monitor.scan(batch));
        QCOMPARE(batch.size(), std::size_t(2)); // and the others are not reported again and again
    }

    void theTableCompactsCommandLinesWhenItsBytesRunOut() {
        ProcessTable table(2, 2200);
        TrackedProcess large;
        large.commandLine = std::string(1500, 'a');
        QVERIFY(table.put(1, large));
        QCOMPARE(table.find(1)->commandLine.size(), std::size_t(1500));
        QVERIFY(table.put(2, large));
        QCOMPARE(table.find(2)->commandLine.size(), ProcessTable::kCompactCommandLine);
        QCOMPARE(table.compacted(), 1u);
        QVERIFY(!table.put(3, large)); // the count is reached
        QCOMPARE(table.refused(), 1u);
        QVERIFY(table.bytes() <= 2200);
        QVERIFY(table.take(1).has_value());
        QVERIFY(table.put(3, large));
        QVERIFY(table.bytes() <= 2200);
    }
};

QTEST_GUILESS_MAIN(TestProcessMonitor)
#include "tst_processmonitor.moc"
