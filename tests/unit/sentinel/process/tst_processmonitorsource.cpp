// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/process/processmonitorsource.h"

#include "unit/sentinel/process/fakeproc.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <pwd.h>
#include <unistd.h>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace vanopticon::testsupport;
using namespace Qt::StringLiterals;

namespace {

using Fields = QHash<QString, QString>;

struct Collected {
    QList<Fields> events;
    int deliveries = 0;

    // The events of one process, by type.
    QList<Fields> of(const QString &type, qint64 pid) const {
        QList<Fields> found;
        for (const Fields &event : events) {
            if (event[u"event_type"_s] == type && event[u"ProcessId"_s] == QString::number(pid))
                found.append(event);
        }
        return found;
    }
    QList<Fields> withParent(const QString &type, qint64 ppid) const {
        QList<Fields> found;
        for (const Fields &event : events) {
            if (event[u"event_type"_s] == type && event[u"ParentProcessId"_s] == QString::number(ppid))
                found.append(event);
        }
        return found;
    }
};

void collect(ProcessMonitorSource &source, Collected &collected) {
    source.setSink([&collected](Delivery &&delivery) {
        ++collected.deliveries;
        QVERIFY(!delivery.checkpoint.has_value()); // nothing to resume from: processes happen now
        for (const Event &event : delivery.events.events())
            collected.events.append(fieldsOf(event));
    });
}

ProcessMonitorConfig configFor(ProcessMonitorMethod method) {
    ProcessMonitorConfig config;
    config.method = method;
    config.pollInterval = std::chrono::milliseconds(20);
    return config;
}

QString userName(uid_t uid) {
    const passwd *entry = ::getpwuid(uid);
    return entry != nullptr ? QString::fromUtf8(entry->pw_name) : QString::number(uid);
}

// Waits for a process to end while the event loop runs (the monitor reads as it happens;
// QProcess::waitForFinished would hold everything up until the process is long gone).
void finish(QProcess &process) {
    QTRY_COMPARE_WITH_TIMEOUT(process.state(), QProcess::NotRunning, 10000);
}

// A distinctive argument, so that the test finds its own processes among the host's.
QString marker() {
    static int counter = 0;
    return u"0.000%1%2"_s.arg(::getpid()).arg(++counter);
}

} // namespace

class TestProcessMonitorSource : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        // Both methods are tested for real: the connector needs root or CAP_NET_ADMIN and the
        // host's network namespace (as CTest runs it here). A test that cannot run fails.
        QVERIFY2(ProcConnector::privileged(), "the netlink method needs root or CAP_NET_ADMIN");
    }

    void startsAndExitsAreSeen_data() {
        QTest::addColumn<ProcessMonitorMethod>("method");
        QTest::addRow("netlink") << ProcessMonitorMethod::Netlink;
        QTest::addRow("proc") << ProcessMonitorMethod::Proc;
    }

    void startsAndExitsAreSeen() {
        QFETCH(ProcessMonitorMethod, method);
        ProcessMonitorSource source(configFor(method));
        Collected collected;
        collect(source, collected);
        source.start();
        QVERIFY2(source.isRunning(), source.lastError().c_str());
        QVERIFY(source.activeMethod() == method);
        QVERIFY(source.fallbackReason().empty());

        QTemporaryDir workDir;
        const QString argument = marker();
        QProcess sleep;
        sleep.setWorkingDirectory(workDir.path());
        sleep.start(u"/bin/sleep"_s, {u"0.3"_s, argument});
        QVERIFY(sleep.waitForStarted());
        const qint64 pid = sleep.processId();
        QTRY_COMPARE(collected.of(u"process_creation"_s, pid).size(), 1);
        const Fields started = collected.of(u"process_creation"_s, pid).first();
        QCOMPARE(started[u"Image"_s], QFileInfo(u"/bin/sleep"_s).canonicalFilePath());
        QCOMPARE(started[u"CommandLine"_s], u"/bin/sleep 0.3 "_s + argument);
        QCOMPARE(started[u"CurrentDirectory"_s], QFileInfo(workDir.path()).canonicalFilePath());
        QCOMPARE(started[u"User"_s], userName(::getuid()));
        QCOMPARE(started[u"ParentProcessId"_s], QString::number(::getpid()));
        QCOMPARE(started[u"ParentImage"_s], QCoreApplication::applicationFilePath());
        QVERIFY(started[u"ParentCommandLine"_s].contains(u"tst_processmonitorsource"_s));
        QCOMPARE(started[u"category"_s], u"process"_s);
        QVERIFY(started.contains(u"StartTime"_s));

        finish(sleep);
        QTRY_COMPARE(collected.of(u"process_exit"_s, pid).size(), 1);
        const Fields exited = collected.of(u"process_exit"_s, pid).first();
        QCOMPARE(exited[u"CommandLine"_s], u"/bin/sleep 0.3 "_s + argument);
        if (method == ProcessMonitorMethod::Netlink)
            QCOMPARE(exited[u"ExitCode"_s], u"0"_s); // the connector knows how it ended; /proc does not
        QCOMPARE(collected.of(u"process_creation"_s, pid).size(), 1); // reported once
        QCOMPARE(source.status()[u"active_method"_s].toString(), QString::fromUtf8(processMonitorMethodName(method)));
        QVERIFY(source.status()[u"started"_s].toInteger() >= 1);
        source.stop();
    }

    void exitStatusAndSignalWithTheConnector() {
        ProcessMonitorSource source(configFor(ProcessMonitorMethod::Netlink));
        Collected collected;
        collect(source, collected);
        source.start();
        QVERIFY2(source.isRunning(), source.lastError().c_str());

        QProcess failing;
        failing.start(u"/bin/sh"_s, {u"-c"_s, u"exit 3"_s, marker()});
        QVERIFY(failing.waitForStarted());
        const qint64 failingPid = failing.processId();
        finish(failing);
        QTRY_COMPARE(collected.of(u"process_exit"_s, failingPid).size(), 1);
        QCOMPARE(collected.of(u"process_exit"_s, failingPid).first()[u"ExitCode"_s], u"3"_s);
        // Even a program that ends at once is seen (the connector tells at exec).
        QCOMPARE(collected.of(u"process_creation"_s, failingPid).size(), 1);

        QProcess killed;
        killed.start(u"/bin/sleep"_s, {u"30"_s, marker()});
        QVERIFY(killed.waitForStarted());
        const qint64 killedPid = killed.processId();
        QTRY_COMPARE(collected.of(u"process_creation"_s, killedPid).size(), 1);
        killed.kill();
        finish(killed);
        QTRY_COMPARE(collected.of(u"process_exit"_s, killedPid).size(), 1);
        const Fields exited = collected.of(u"process_exit"_s, killedPid).first();
        QCOMPARE(exited[u"ExitSignal"_s], u"9"_s);
        QVERIFY(exited[u"message"_s].endsWith(u", signal 9"_s));
    }

    void forkWithoutExecIsNotAStart_data() {
        QTest::addColumn<ProcessMonitorMethod>("method");
        QTest::addRow("netlink") << ProcessMonitorMethod::Netlink;
        QTest::addRow("proc") << ProcessMonitorMethod::Proc;
    }

    void forkWithoutExecIsNotAStart() {
        QFETCH(ProcessMonitorMethod, method);
        ProcessMonitorSource source(configFor(method));
        Collected collected;
        collect(source, collected);
        source.start();
        QVERIFY2(source.isRunning(), source.lastError().c_str());
        // The shell forks a subshell (a copy of itself that never execs), which forks and execs sleep.
        QProcess shell;
        const QString argument = marker();
        shell.start(u"/bin/sh"_s, {u"-c"_s, u"(/bin/sleep 0.3 "_s + argument + u"; true); sleep 0.2"_s});
        QVERIFY(shell.waitForStarted());
        const qint64 shellPid = shell.processId();
        finish(shell);
        QTRY_COMPARE(collected.of(u"process_exit"_s, shellPid).size(), 1);
        QTest::qWait(100);
        // The shell's direct children: the subshell (not reported) and the final sleep.
        const QList<Fields> children = collected.withParent(u"process_creation"_s, shellPid);
        for (const Fields &child : children)
            QVERIFY2(child[u"Image"_s] != QFileInfo(u"/bin/sh"_s).canonicalFilePath(),
                qPrintable(u"a fork of the shell was reported: "_s + child[u"CommandLine"_s]));
        // The subshell's sleep names the copy of the shell as its parent program.
        bool sawSleep = false;
        for (const Fields &event : collected.events) {
            if (event[u"event_type"_s] == u"process_creation"_s && event[u"CommandLine"_s].endsWith(argument)) {
                sawSleep = true;
                QCOMPARE(event[u"ParentImage"_s], QFileInfo(u"/bin/sh"_s).canonicalFilePath());
                QVERIFY(event[u"ParentProcessId"_s] != QString::number(shellPid)); // the subshell
            }
        }
        QVERIFY(sawSleep);
        QVERIFY(source.monitor().stats().forks >= 1);
    }

    void theUserIsTheOneWhoRunsIt() {
        if (::getuid() != 0)
            QFAIL("switching to another user needs root; this test runs as root (as CTest does here)");
        ProcessMonitorSource source(configFor(ProcessMonitorMethod::Netlink));
        Collected collected;
        collect(source, collected);
        source.start();
        QVERIFY2(source.isRunning(), source.lastError().c_str());
        QProcess process;
        const QString argument = marker();
        process.start(u"/usr/bin/setpriv"_s,
            {u"--reuid=65534"_s, u"--regid=65534"_s, u"--clear-groups"_s, u"/bin/sleep"_s, u"0.2"_s, argument});
        QVERIFY(process.waitForStarted());
        const qint64 pid = process.processId();
        finish(process);
        QCOMPARE(process.exitCode(), 0);
        // setpriv, then sleep in the same process: two starts, the second as nobody.
        QTRY_COMPARE(collected.of(u"process_creation"_s, pid).size(), 2);
        const Fields sleep = collected.of(u"process_creation"_s, pid).last();
        QCOMPARE(sleep[u"CommandLine"_s], u"/bin/sleep 0.2 "_s + argument);
        QCOMPARE(sleep[u"User"_s], userName(65534));
    }

    void backedUpDropsAndCounts() {
        ProcessMonitorSource source(configFor(ProcessMonitorMethod::Netlink));
        Collected collected;
        collect(source, collected);
        source.start();
        QVERIFY2(source.isRunning(), source.lastError().c_str());
        QVERIFY(!source.canPause());
        source.setBackedUp(true);
        QProcess process;
        process.start(u"/bin/true"_s, {marker()});
        QVERIFY(process.waitForStarted());
        const qint64 pid = process.processId();
        finish(process);
        QTRY_VERIFY(source.status()[u"dropped_events"_s].toInteger() >= 2);
        QCOMPARE(source.counters().dropped, std::uint64_t(source.status()[u"dropped_events"_s].toInteger()));
        QVERIFY(collected.of(u"process_creation"_s, pid).isEmpty());
        source.setBackedUp(false);
        QProcess next;
        next.start(u"/bin/true"_s, {marker()});
        QVERIFY(next.waitForStarted());
        const qint64 nextPid = next.processId();
        finish(next);
        QTRY_COMPARE(collected.of(u"process_exit"_s, nextPid).size(), 1);
    }

    void lostEventsAreCountedAndMadeUpFor() {
        ProcessMonitorConfig config = configFor(ProcessMonitorMethod::Netlink);
        config.receiveBufferBytes = 4096; // below what the configuration allows: a burst overflows it
        ProcessMonitorSource source(config);
        Collected collected;
        collect(source, collected);
        source.start();
        QVERIFY2(source.isRunning(), source.lastError().c_str());
        // Dozens of processes while the event loop is held up (until the shell says it is done, however
        // slow this machine is): the socket's buffer overflows.
        QTemporaryDir workDir;
        const QString done = workDir.filePath(u"done"_s);
        QProcess burst;
        burst.start(u"/bin/sh"_s,
            {u"-c"_s, u"i=0; while [ $i -lt 60 ]; do /bin/true; i=$((i+1)); done; : > \"$0\"; sleep 0.5"_s, done});
        QVERIFY(burst.waitForStarted());
        const qint64 burstPid = burst.processId();
        QDeadlineTimer deadline(10000);
        while (!QFileInfo::exists(done) && !deadline.hasExpired())
            QTest::qSleep(10);
        QVERIFY(QFileInfo::exists(done));
        QTRY_VERIFY(source.status()[u"lost_overruns"_s].toInteger() >= 1);
        // The loss is made up for from /proc: the shell, still running, is known.
        QTRY_VERIFY(source.monitor().table().find(Pid(burstPid)) != nullptr);
        QVERIFY(source.monitor().stats().scans >= 2); // the snapshot, then at least one resynchronization
        finish(burst);
        QTRY_COMPARE(collected.of(u"process_exit"_s, burstPid).size(), 1);
        // And the connector goes on.
        QProcess after;
        after.start(u"/bin/sleep"_s, {u"0.1"_s, marker()});
        QVERIFY(after.waitForStarted());
        const qint64 afterPid = after.processId();
        QTRY_COMPARE(collected.of(u"process_creation"_s, afterPid).size(), 1);
        finish(after);
    }

    void autoTakesTheConnectorWhenItCan() {
        ProcessMonitorConfig config = configFor(ProcessMonitorMethod::Auto);
        ProcessMonitorSource source(config);
        source.start();
        QVERIFY(source.isRunning());
        QVERIFY(source.activeMethod() == ProcessMonitorMethod::Netlink);
        QCOMPARE(source.status()[u"fallback_reason"_s].toString(), QString());
    }
};

QTEST_GUILESS_MAIN(TestProcessMonitorSource)
#include "tst_processmonitorsource.moc"
