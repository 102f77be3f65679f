// SPDX-License-Identifier: Apache-2.0
#include "bench/benchlive.h"

#include "bench/benchdaemon.h"
#include "bench/loggenerator.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QThread>

#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

using namespace Qt::StringLiterals;

namespace vanopticon::ctl {

namespace {

// The delivery delay histogram of GET /metrics: (upper bound, cumulative events), in order.
std::vector<std::pair<double, double>> delayBuckets(const QByteArray &metrics) {
    static const QRegularExpression bucket(u"^vanopticon_delivery_delay_seconds_bucket\\{le=\"([^\"]+)\"\\} (\\S+)$"_s,
        QRegularExpression::MultilineOption);
    std::vector<std::pair<double, double>> buckets;
    for (auto it = bucket.globalMatch(QString::fromUtf8(metrics)); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        const QString bound = match.captured(1);
        buckets.emplace_back(bound == u"+Inf"_s ? std::numeric_limits<double>::infinity() : bound.toDouble(),
            match.captured(2).toDouble());
    }
    return buckets;
}

// The q-quantile estimated as Prometheus' histogram_quantile() does: linear within its bucket.
double quantileOf(const std::vector<std::pair<double, double>> &buckets, double q) {
    if (buckets.empty() || buckets.back().second <= 0)
        return 0;
    const double rank = q * buckets.back().second;
    double lower = 0;
    double below = 0;
    for (const auto &[bound, cumulative] : buckets) {
        if (cumulative >= rank) {
            if (std::isinf(bound))
                return lower; // past the last finite bound: that bound is all one can say
            return lower + (bound - lower) * (cumulative > below ? (rank - below) / (cumulative - below) : 1.0);
        }
        lower = bound;
        below = cumulative;
    }
    return lower;
}

int fail(const char *message) {
    std::fprintf(stderr, "vanopticonctl bench sentinel --live: %s\n", message);
    return 1;
}

} // namespace

int benchSentinelLive(const LiveBenchOptions &options) {
    const QString daemon = QCoreApplication::applicationDirPath() + u"/vanopticond"_s;
    QTemporaryDir dir;
    const QString log = dir.filePath(u"bench.log"_s);
    QFile(log).open(QIODevice::WriteOnly);

    BenchServer server(dir.path());
    if (auto started = server.start(); !started)
        return fail(started.error().message.c_str());
    const QString enrollment = server.enrollmentToken();
    if (enrollment.isEmpty())
        return fail("could not create an enrollment token");

    QFile sentinelConfig(dir.filePath(u"sentinel.yaml"_s));
    sentinelConfig.open(QIODevice::WriteOnly);
    sentinelConfig.write(u"collector:\n  sources:\n    - type: syslog\n      path: %1\n      format: %2\n"
                         u"transmitter:\n  heartbeat_interval: 5s\n"_s.arg(log, options.format)
                             .toUtf8());
    sentinelConfig.close();
    QProcess sentinel;
    const QString sentinelLog = dir.filePath(u"sentinel.log"_s);
    sentinel.setStandardOutputFile(sentinelLog, QIODevice::Append);
    sentinel.setStandardErrorFile(sentinelLog, QIODevice::Append);
    sentinel.start(daemon,
        {u"--role"_s, u"sentinel"_s, u"--config"_s, sentinelConfig.fileName(), u"--data-dir"_s,
            dir.filePath(u"sentinel"_s), u"--server"_s, u"ws://127.0.0.1:"_s + server.port(), u"--enroll"_s,
            enrollment});
    QString sentinelBanner;
    if (!waitForLogLine(sentinel, sentinelLog, u"connected as"_s, sentinelBanner, 15000))
        return fail("the sentinel did not connect");

    // Append at a steady rate, in 10 ms slices; sample the sentinel's memory every 100 ms.
    LogGenerator generator(options.format.toStdString(), options.seed);
    generator.useWallClock();
    QFile out(log);
    out.open(QIODevice::Append);
    QElapsedTimer clock;
    clock.start();
    qint64 written = 0;
    double peakRss = 0;
    double rssSum = 0;
    int rssSamples = 0;
    std::string chunk;
    const qint64 durationMs = qint64(options.seconds) * 1000;
    qint64 nextSample = 0;
    while (clock.elapsed() < durationMs) {
        const qint64 due = clock.elapsed() * options.rate / 1000;
        if (due > written) {
            chunk.clear();
            generator.generate(std::size_t(due - written), chunk);
            out.write(chunk.data(), qint64(chunk.size()));
            out.flush();
            written = due;
        }
        if (clock.elapsed() >= nextSample) {
            const double rss = residentMb(sentinel.processId());
            peakRss = std::max(peakRss, rss);
            rssSum += rss;
            ++rssSamples;
            nextSample += 100;
        }
        QThread::msleep(10);
    }
    const double writeSeconds = double(clock.elapsed()) / 1000.0;

    // Let the pipeline drain, then ask the server how much it stored.
    qint64 stored = 0;
    QElapsedTimer drain;
    drain.start();
    while (drain.elapsed() < 30000) {
        const QJsonObject nodes = server.get(u"/api/v1/nodes"_s);
        stored = nodes.value(u"items"_s).toArray().first().toObject().value(u"events_received"_s).toInteger();
        if (stored >= written)
            break;
        QThread::msleep(200);
    }
    const double drainSeconds = double(drain.elapsed()) / 1000.0;

    // From collection on the sentinel to storage on the server, per event (the server's
    // histogram, GET /metrics).
    const QByteArray metrics = server.metrics();
    const auto buckets = delayBuckets(metrics);
    sentinel.terminate();
    sentinel.waitForFinished(10000);
    server.stop();

    const QJsonObject result {
        {u"benchmark"_s, u"sentinel_live"_s},
        {u"format"_s, options.format},
        {u"target_events_per_second"_s, options.rate},
        {u"seconds"_s, writeSeconds},
        {u"lines_written"_s, written},
        {u"events_stored_by_server"_s, stored},
        {u"events_per_second"_s, double(written) / writeSeconds},
        {u"drain_seconds_after_writing"_s, drainSeconds},
        {u"sentinel_peak_rss_mb"_s, peakRss},
        {u"sentinel_mean_rss_mb"_s, rssSamples ? rssSum / rssSamples : 0},
        {u"peak_rss_mb"_s, peakRss},
        {u"delivery_delay_events"_s, buckets.empty() ? 0.0 : buckets.back().second},
        {u"delivery_delay_p50_seconds"_s, quantileOf(buckets, 0.50)},
        {u"delivery_delay_p99_seconds"_s, quantileOf(buckets, 0.99)},
        {u"server_busy_answers"_s, metricValue(metrics, u"vanopticon_ingest_busy_total"_s)},
        {u"server_queue_peak_events"_s, metricValue(metrics, u"vanopticon_ingest_queue_peak_events"_s)},
        // Fewer transactions than batches: batches waited and were stored together.
        {u"server_event_batches"_s, metricValue(metrics, u"vanopticon_event_batches_total"_s)},
        {u"server_ingest_transactions"_s, metricValue(metrics, u"vanopticon_ingest_transactions_total"_s)},
    };
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    return stored >= written ? 0 : 1;
}

} // namespace vanopticon::ctl
