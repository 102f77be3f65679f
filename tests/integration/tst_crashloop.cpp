// SPDX-License-Identifier: Apache-2.0
// The crash loop with real processes: while a generator writes a known sequence of log lines,
// the sentinel and the server are killed with SIGKILL at random moments (a fixed seed, so a
// failure can be replayed), one or the other or both, and started again each time. At the end
// the server holds every line exactly once, in the order written.
#include "support/daemonprocesses.h"
#include "support/markedlines.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace vanopticon::testsupport;
using namespace Qt::StringLiterals;

namespace {

const QString kMarker = u"crash-loop"_s;
constexpr int kLines = 24'000;
constexpr int kLinesPerWrite = 150; // every 40 ms while the loop runs: about 3,750 lines/s
constexpr int kKills = 14;

} // namespace

class TestCrashLoop : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_server;
    QProcess m_sentinel;
    int m_written = 0;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    bool writeMore(int count) {
        count = std::min(count, kLines - m_written);
        QFile log(path(u"app.log"_s));
        const QByteArray lines = markedAuthLines(m_written, count, kMarker);
        if (!log.open(QIODevice::Append) || log.write(lines) != lines.size())
            return false;
        m_written += count;
        return true;
    }

    void startTheSentinel(const QString &token = {}) {
        startSentinel(m_sentinel, QStringLiteral(VANOPTICOND_PATH), path(u"sentinel.yaml"_s), path(u"sentinel"_s),
            m_server->webSocketUrl(), token);
    }

    QStringList stored() { return storedMarkedUsers(m_server->databasePath(), kMarker); }

private Q_SLOTS:
    void initTestCase() {
        QFile config(path(u"sentinel.yaml"_s));
        QVERIFY(QFile(path(u"app.log"_s)).open(QIODevice::WriteOnly));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(u"collector:\n  sources:\n"
                     u"    - {type: syslog, path: %1, format: rfc3164, start_at: beginning, poll_interval: 20ms}\n"
                     u"buffer:\n  max_size: 64MB\n"
                     u"transmitter:\n  batch_size: 100\n  batch_timeout: 10ms\n  initial_backoff: 50ms\n"
                     u"  max_backoff: 300ms\n  heartbeat_interval: 1s\n"_s.arg(path(u"app.log"_s))
                         .toUtf8());
        config.close();
        m_server = std::make_unique<ServerProcess>(QStringLiteral(VANOPTICOND_PATH), path(u"server"_s));
        const QString started = m_server->start();
        QVERIFY2(started.isEmpty(), qPrintable(started));
    }

    void cleanupTestCase() {
        if (m_sentinel.state() != QProcess::NotRunning) {
            m_sentinel.kill();
            m_sentinel.waitForFinished(5000);
        }
        if (m_server)
            m_server->stop();
    }

    void everyLineStoredOnceThroughKills() {
        QString error;
        const QString token = m_server->enrollmentToken(u"crash-loop"_s, error);
        QVERIFY2(!token.isEmpty(), qPrintable(error));
        startTheSentinel(token);
        QVERIFY(m_sentinel.waitForStarted(10000));
        QVERIFY(writeMore(kLinesPerWrite));
        QVERIFY2(QTest::qWaitFor([&] { return !stored().isEmpty(); }, 20000), "nothing arrived before the first kill");

        QTimer generator;
        bool writeFailed = false;
        QObject::connect(&generator, &QTimer::timeout, &generator, [&] { writeFailed |= !writeMore(kLinesPerWrite); });
        generator.start(40);
        QRandomGenerator random {20261123};
        const quint16 port = m_server->port();
        int sentinelKills = 0;
        int serverKills = 0;
        for (int round = 0; round < kKills; ++round) {
            QTest::qWait(int(random.bounded(150, 900)));
            const int victim = int(random.bounded(3)); // 0 the sentinel, 1 the server, 2 both
            if (victim != 1) {
                m_sentinel.kill();
                QVERIFY(m_sentinel.waitForFinished(5000));
                ++sentinelKills;
            }
            if (victim != 0) {
                m_server->process().kill();
                QVERIFY(m_server->process().waitForFinished(5000));
                ++serverKills;
            }
            QTest::qWait(int(random.bounded(20, 300))); // down for a moment; lines keep coming
            if (victim != 0) {
                const QString restarted = m_server->start({}, port); // where the sentinel looks
                QVERIFY2(restarted.isEmpty(), qPrintable(restarted));
            }
            if (victim != 1) {
                startTheSentinel();
                QVERIFY(m_sentinel.waitForStarted(10000));
            }
        }
        QVERIFY(sentinelKills >= 5 && serverKills >= 5); // the seed kills both sides often
        QVERIFY(!writeFailed);
        generator.stop();
        QVERIFY(writeMore(kLines));
        QCOMPARE(m_written, kLines);

        QVERIFY2(QTest::qWaitFor([&] { return stored().size() >= kLines; }, 60000),
            qPrintable(u"stored %1 of %2"_s.arg(stored().size()).arg(kLines)));
        QTest::qWait(500); // anything sent twice would have landed by now
        const QStringList users = stored();
        if (users != markedUsers(kLines, kMarker)) {
            // Say what is wrong before the comparison prints two long lists.
            QStringList unique = users;
            unique.removeDuplicates();
            qWarning("stored %lld events, %lld distinct, of %d written", qlonglong(users.size()),
                qlonglong(unique.size()), kLines);
        }
        QCOMPARE(users, markedUsers(kLines, kMarker));
        qInfo("%d lines through %d sentinel and %d server kills: each stored once, in order", kLines, sentinelKills,
            serverKills);
    }
};

QTEST_GUILESS_MAIN(TestCrashLoop)
#include "tst_crashloop.moc"
