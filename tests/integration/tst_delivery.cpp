// SPDX-License-Identifier: Apache-2.0
// Delivery through an outage with real processes: a sentinel tails a log into its disk buffer
// while the server is down, is killed with SIGKILL, and after both come back every line is
// stored exactly once, in order.
#include "support/daemonprocesses.h"
#include "support/markedlines.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace vanopticon::testsupport;
using namespace Qt::StringLiterals;

namespace {

const QString kMarker = u"delivery-check"_s;

QByteArray authLines(int first, int count, const QString &marker = kMarker) {
    return markedAuthLines(first, count, marker);
}

QByteArray readAll(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("(none)");
}

} // namespace

class TestDelivery : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_server;
    QProcess m_sentinel;
    QProcess m_small; // the sentinel with a small buffer

    QString path(const QString &name) const { return m_dir.filePath(name); }

    bool append(const QByteArray &lines, const QString &name = u"auth.log"_s) {
        QFile log(path(name));
        return log.open(QIODevice::Append) && log.write(lines) == lines.size();
    }

    // The stored lines with `marker`, in the order of their sequence numbers.
    QStringList stored(const QString &marker = kMarker) { return storedMarkedUsers(m_server->databasePath(), marker); }

    bool waitForStored(int count) {
        return QTest::qWaitFor([&] { return stored().size() >= count; }, 20000);
    }

    // Where a sentinel's committed checkpoint of its log stands (bytes), or -1.
    qint64 checkpointOffset(const QString &dataDir = u"sentinel"_s, const QString &log = u"auth.log"_s) {
        QFile file(path(dataDir + u"/sentinel/checkpoints.json"_s));
        if (!file.open(QIODevice::ReadOnly))
            return -1;
        const QJsonObject sources = QJsonDocument::fromJson(file.readAll()).object().value(u"sources"_s).toObject();
        for (const QJsonValue &value : sources) {
            const QJsonObject files = QJsonDocument::fromJson(value.toString().toUtf8()).object();
            const QString position = files.value(path(log)).toString();
            if (!position.isEmpty())
                return position.section(u':', 2).toLongLong();
        }
        return -1;
    }

    // A sentinel tailing `log` (created empty) from the start, with these `buffer:` lines.
    bool writeSentinelConfig(const QString &name, const QString &log, const QString &buffer, int batchSize) {
        QFile config(path(name));
        return QFile(path(log)).open(QIODevice::WriteOnly) && config.open(QIODevice::WriteOnly)
            && config.write(
                   u"collector:\n  sources:\n"
                   u"    - {type: syslog, path: %1, format: rfc3164, start_at: beginning, poll_interval: 50ms}\n"
                   u"buffer:\n%2"
                   u"transmitter:\n  batch_size: %3\n  batch_timeout: 20ms\n  initial_backoff: 100ms\n"
                   u"  max_backoff: 500ms\n  heartbeat_interval: 1s\n"_s.arg(path(log), buffer)
                       .arg(batchSize)
                       .toUtf8())
            > 0;
    }

    static QStringList expected(int count) { return markedUsers(count, kMarker); }

    // The value of a sample in GET /metrics whose line starts with `name` (the whole name and
    // labels, unless `prefix`), or -1.
    double sample(const QString &name, bool prefix = false) {
        const QString text = QString::fromUtf8(m_server->request("GET", u"/metrics"_s, {}, true).body);
        for (const QString &line : text.split(u'\n')) {
            if (prefix ? line.startsWith(name) : line.startsWith(name + u' '))
                return line.section(u' ', -1).toDouble();
        }
        return -1;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(writeSentinelConfig(u"sentinel.yaml"_s, u"auth.log"_s, u"  max_size: 64MB\n"_s, 100));
        m_server = std::make_unique<ServerProcess>(QStringLiteral(VANOPTICOND_PATH), path(u"server"_s));
        const QString started = m_server->start();
        QVERIFY2(started.isEmpty(), qPrintable(started));
    }

    void cleanupTestCase() {
        for (QProcess *sentinel : {&m_sentinel, &m_small}) {
            if (sentinel->state() != QProcess::NotRunning) {
                sentinel->kill();
                sentinel->waitForFinished(5000);
            }
        }
        if (m_server)
            m_server->stop();
    }

    // A buffer too small for an outage drops its oldest batches: counted, sent to the server
    // (GET /metrics, health), and exactly what was dropped is missing.
    void dropsAreCountedAndReported() {
        QVERIFY(writeSentinelConfig(u"small.yaml"_s, u"small.log"_s,
            u"  max_size: 1MB\n  back_pressure: {high_watermark: 1.0, low_watermark: 0.9}\n"_s, 500));
        QString error;
        const QString token = m_server->enrollmentToken(u"small"_s, error);
        QVERIFY2(!token.isEmpty(), qPrintable(error));
        startSentinel(m_small, QStringLiteral(VANOPTICOND_PATH), path(u"small.yaml"_s), path(u"small"_s),
            m_server->webSocketUrl(), token);
        QVERIFY(m_small.waitForStarted(10000));
        const QString marker = u"small-buffer"_s;
        QVERIFY(append(authLines(0, 10, marker), u"small.log"_s));
        QVERIFY(QTest::qWaitFor([&] { return stored(marker).size() == 10; }, 20000));

        // Down: 100,000 lines are more than 1 MB of batches holds.
        const quint16 port = m_server->port();
        QCOMPARE(m_server->stop(), QString());
        constexpr int kTotal = 100'010;
        QVERIFY(append(authLines(10, kTotal - 10, marker), u"small.log"_s));
        const qint64 logSize = QFileInfo(path(u"small.log"_s)).size();
        QVERIFY2(QTest::qWaitFor([&] { return checkpointOffset(u"small"_s, u"small.log"_s) == logSize; }, 30000),
            qPrintable(u"checkpoint at %1 of %2"_s.arg(checkpointOffset(u"small"_s, u"small.log"_s)).arg(logSize)));

        // Back, where the sentinel looks for it: the node reports its drops; what it still had
        // arrives.
        const QString restarted = m_server->start({}, port);
        QVERIFY2(restarted.isEmpty(), qPrintable(restarted));
        static const QRegularExpression dropped(
            u"vanopticon_buffer_dropped_total\\{node_id=\"([^\"]+)\",reason=\"overflow\"\\} ([1-9][0-9]*)"_s);
        qint64 droppedEvents = 0;
        QString metrics;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         metrics = QString::fromUtf8(m_server->request("GET", u"/metrics"_s, {}, true).body);
                         const QRegularExpressionMatch match = dropped.match(metrics);
                         droppedEvents = match.hasMatch() ? match.captured(2).toLongLong() : 0;
                         return droppedEvents > 0;
                     },
                     20000),
            qPrintable(metrics));
        QVERIFY2(QTest::qWaitFor([&] { return stored(marker).size() + droppedEvents == kTotal; }, 20000),
            qPrintable(
                u"stored %1, dropped %2, written %3"_s.arg(stored(marker).size()).arg(droppedEvents).arg(kTotal)));
        // The newest survive; the oldest of the outage went.
        QCOMPARE(stored(marker).constLast(), marker + u"-100009"_s);
        const auto [status, health] = m_server->call("GET", u"/api/v1/health"_s);
        QCOMPARE(status, 200);
        bool degraded = false;
        for (const QJsonValue &check : health[u"checks"_s].toArray())
            degraded = degraded
                || (check[u"name"_s].toString() == u"node_buffers"_s && check[u"status"_s].toString() == u"degraded"_s
                    && check[u"message"_s].toString().contains(u"over max_size"_s));
        QVERIFY2(degraded, QJsonDocument(health).toJson().constData());
        m_small.kill();
        m_small.waitForFinished(5000);
    }

    void survivesAnOutageAndACrash() {
        QString error;
        const QString token = m_server->enrollmentToken(u"delivery"_s, error);
        QVERIFY2(!token.isEmpty(), qPrintable(error));
        startSentinel(m_sentinel, QStringLiteral(VANOPTICOND_PATH), path(u"sentinel.yaml"_s), path(u"sentinel"_s),
            m_server->webSocketUrl(), token);
        QVERIFY(m_sentinel.waitForStarted(10000));

        // Connected: lines go through.
        QVERIFY(append(authLines(0, 1000)));
        QVERIFY2(waitForStored(1000), qPrintable(u"stored %1 of 1000"_s.arg(stored().size())));

        // The server goes away; the sentinel goes on reading into its buffer, and moves its
        // checkpoint past what is on disk there.
        QCOMPARE(m_server->stop(), QString());
        QVERIFY(append(authLines(1000, 2000)));
        const qint64 logSize = QFileInfo(path(u"auth.log"_s)).size();
        QVERIFY2(QTest::qWaitFor([&] { return checkpointOffset() == logSize; }, 20000),
            qPrintable(u"checkpoint at %1 of %2 bytes: %3"_s.arg(checkpointOffset())
                           .arg(logSize)
                           .arg(QString::fromUtf8(readAll(path(u"sentinel/sentinel/checkpoints.json"_s))))));

        // The sentinel dies without a chance to save anything more.
        m_sentinel.kill();
        QVERIFY(m_sentinel.waitForFinished(5000));
        QTest::qWait(1000); // the outage lasts at least a second (its delay is checked below)

        // Both come back (the server on a new port): what the buffer held arrives.
        const QString restarted = m_server->start();
        QVERIFY2(restarted.isEmpty(), qPrintable(restarted));
        startSentinel(m_sentinel, QStringLiteral(VANOPTICOND_PATH), path(u"sentinel.yaml"_s), path(u"sentinel"_s),
            m_server->webSocketUrl(), QString());
        QVERIFY(m_sentinel.waitForStarted(10000));
        QVERIFY2(waitForStored(3000), qPrintable(u"stored %1 of 3000"_s.arg(stored().size())));

        // Exactly once, and in the order they were written.
        QTest::qWait(300); // anything sent twice would have landed by now
        QCOMPARE(stored(), expected(3000));

        // The restarted server measured the delay of what it stored: the 2,000 lines of the outage
        // waited longer than half a second.
        QVERIFY(sample(u"vanopticon_delivery_delay_seconds_count"_s) >= 2000);
        QVERIFY(sample(u"vanopticon_delivery_delay_seconds_count"_s)
                - sample(u"vanopticon_delivery_delay_seconds_bucket{le=\"0.5\"}"_s)
            >= 2000);
        QVERIFY(sample(u"vanopticon_node_lag_seconds{node_id=\""_s, true) >= 0);
    }
};

QTEST_GUILESS_MAIN(TestDelivery)
#include "tst_delivery.moc"
