// SPDX-License-Identifier: Apache-2.0
#include "bench/benchlive.h"

#include "bench/loggenerator.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

using namespace Qt::StringLiterals;

namespace vanopticon::ctl {

namespace {

QJsonObject request(QNetworkAccessManager &nam, const QByteArray &verb, const QUrl &url, const QString &token,
    const QJsonObject &body = {}) {
    QNetworkRequest req(url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    if (!token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + token.toLatin1());
    std::unique_ptr<QNetworkReply> reply(nam.sendCustomRequest(req, verb, QJsonDocument(body).toJson()));
    QEventLoop loop;
    QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    return QJsonDocument::fromJson(reply->readAll()).object();
}

// Resident set of a process in MiB, from /proc/PID/status (VmRSS), or -1.
double residentMb(qint64 pid) {
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return -1;
}

// Waits for `text` in a process's log file. The daemons log to files, not pipes: a pipe nobody
// reads while the bench is writing fills up and then stalls the daemon on its next log line.
bool waitForBanner(
    const QProcess &process, const QString &logFile, QString &banner, const QString &text, int timeoutMs) {
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        QFile file(logFile);
        if (file.open(QIODevice::ReadOnly))
            banner = QString::fromUtf8(file.readAll());
        if (banner.contains(text))
            return true;
        if (process.state() == QProcess::NotRunning)
            return false;
        QThread::msleep(50);
    }
    return false;
}

// One sample's value in GET /metrics text (0 when absent).
double metricValue(const QByteArray &metrics, const QString &name) {
    const QRegularExpression sample(
        u"^"_s + QRegularExpression::escape(name) + u" (\\S+)$"_s, QRegularExpression::MultilineOption);
    return sample.match(QString::fromUtf8(metrics)).captured(1).toDouble();
}

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
    if (!QFile::exists(daemon))
        return fail("vanopticond is not next to vanopticonctl");
    QTemporaryDir dir;
    const QString log = dir.filePath(u"bench.log"_s);
    QFile(log).open(QIODevice::WriteOnly);

    QFile serverConfig(dir.filePath(u"server.yaml"_s));
    serverConfig.open(QIODevice::WriteOnly);
    serverConfig.write("server:\n  listen: 127.0.0.1:0\n");
    serverConfig.close();
    QProcess server;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"VANOPTICON_ADMIN_PASSWORD"_s, u"bench-password"_s);
    server.setProcessEnvironment(environment);
    const QString serverLog = dir.filePath(u"server.log"_s);
    server.setStandardOutputFile(serverLog, QIODevice::Append);
    server.setStandardErrorFile(serverLog, QIODevice::Append);
    server.start(daemon, {u"--config"_s, serverConfig.fileName(), u"--data-dir"_s, dir.filePath(u"server"_s)});
    QString banner;
    if (!waitForBanner(server, serverLog, banner, u"listening on"_s, 15000))
        return fail("the server did not start");
    const QString port = QRegularExpression(u"127\\.0\\.0\\.1:(\\d+)"_s).match(banner).captured(1);
    const QUrl base(u"http://127.0.0.1:"_s + port);

    QNetworkAccessManager nam;
    const QString token = request(nam, "POST", base.resolved(QUrl(u"/api/v1/auth/login"_s)), {},
        QJsonObject {{u"username"_s, u"admin"_s}, {u"password"_s, u"bench-password"_s}})
                              .value(u"token"_s)
                              .toString();
    const QString enrollment
        = request(nam, "POST", base.resolved(QUrl(u"/api/v1/enrollment-tokens"_s)), token).value(u"token"_s).toString();
    if (token.isEmpty() || enrollment.isEmpty())
        return fail("could not log in or create an enrollment token");

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
            dir.filePath(u"sentinel"_s), u"--server"_s, u"ws://127.0.0.1:"_s + port, u"--enroll"_s, enrollment});
    QString sentinelBanner;
    if (!waitForBanner(sentinel, sentinelLog, sentinelBanner, u"connected as"_s, 15000))
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
        const QJsonObject nodes = request(nam, "GET", base.resolved(QUrl(u"/api/v1/nodes"_s)), token);
        stored = nodes.value(u"items"_s).toArray().first().toObject().value(u"events_received"_s).toInteger();
        if (stored >= written)
            break;
        QThread::msleep(200);
    }
    const double drainSeconds = double(drain.elapsed()) / 1000.0;

    // From collection on the sentinel to storage on the server, per event (the server's
    // histogram, GET /metrics).
    QNetworkRequest metricsRequest(base.resolved(QUrl(u"/metrics"_s)));
    std::unique_ptr<QNetworkReply> metricsReply(nam.get(metricsRequest));
    QEventLoop metricsLoop;
    QObject::connect(metricsReply.get(), &QNetworkReply::finished, &metricsLoop, &QEventLoop::quit);
    QTimer::singleShot(10000, &metricsLoop, &QEventLoop::quit);
    metricsLoop.exec();
    const QByteArray metrics = metricsReply->readAll();
    const auto buckets = delayBuckets(metrics);
    sentinel.terminate();
    server.terminate();
    sentinel.waitForFinished(10000);
    server.waitForFinished(10000);

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
