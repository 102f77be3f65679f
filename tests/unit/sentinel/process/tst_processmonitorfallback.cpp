// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/process/processmonitorsource.h"

#include "support/networknamespace.h"
#include "unit/sentinel/process/fakeproc.h"

#include <QProcess>
#include <QTest>

using namespace vanopticon;
using namespace vanopticon::sentinel;
using namespace vanopticon::testsupport;
using namespace Qt::StringLiterals;

// Runs in a network namespace of its own (CTest starts it with `unshare -n`), where the kernel's
// proc connector does not exist: the real situation of a sentinel in a container.
class TestProcessMonitorFallback : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        const QString why = whyNotInOwnNetworkNamespace();
        QVERIFY2(why.isEmpty(), qPrintable(u"run this test with `unshare -n`: "_s + why));
    }

    void autoFallsBackToPollingAndSaysWhy() {
        ProcessMonitorConfig config;
        config.method = ProcessMonitorMethod::Auto;
        config.pollInterval = std::chrono::milliseconds(20);
        ProcessMonitorSource source(config);
        QList<QHash<QString, QString>> events;
        source.setSink([&events](Delivery &&delivery) {
            for (const Event &event : delivery.events.events())
                events.append(fieldsOf(event));
        });
        source.start();
        QVERIFY(source.isRunning());
        QVERIFY(source.activeMethod() == ProcessMonitorMethod::Proc);
        QVERIFY2(QString::fromStdString(source.fallbackReason()).contains(u"proc connector"_s),
            source.fallbackReason().c_str());
        QCOMPARE(source.status()[u"active_method"_s].toString(), u"proc"_s);
        QCOMPARE(source.status()[u"fallback_reason"_s].toString(), QString::fromStdString(source.fallbackReason()));

        // And polling works.
        QProcess sleep;
        sleep.start(u"/bin/sleep"_s, {u"0.3"_s, u"0.000271828"_s});
        QVERIFY(sleep.waitForStarted());
        const QString pid = QString::number(sleep.processId());
        QTRY_VERIFY(std::any_of(events.begin(), events.end(), [&pid](const QHash<QString, QString> &event) {
            return event[u"event_type"_s] == u"process_creation"_s && event[u"ProcessId"_s] == pid
                && event[u"CommandLine"_s] == u"/bin/sleep 0.3 0.000271828"_s;
        }));
        QVERIFY(sleep.waitForFinished());
    }

    void netlinkAskedForAndUnavailableIsAnError() {
        ProcessMonitorConfig config;
        config.method = ProcessMonitorMethod::Netlink;
        ProcessMonitorSource source(config);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"method netlink: .*proc connector.*not collecting"_s));
        source.start();
        QVERIFY(!source.isRunning());
        QVERIFY(!source.lastError().empty());
        QCOMPARE(source.status()[u"active_method"_s].toString(), u"none"_s);
        QCOMPARE(source.status()[u"errors"_s].toInteger(), 1);
    }
};

QTEST_GUILESS_MAIN(TestProcessMonitorFallback)
#include "tst_processmonitorfallback.moc"
