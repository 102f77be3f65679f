// SPDX-License-Identifier: Apache-2.0
#include "bench/benchserver.h"

#include "bench/benchdaemon.h"
#include "bench/deliveryframes.h"
#include "bench/loggenerator.h"
#include "sentinel/parse/lineparser.h"
#include "sentinel/transmit/transmitter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <memory>
#include <sys/resource.h>
#include <vector>

using namespace Qt::StringLiterals;

namespace vanopticon::ctl {

namespace {

constexpr int kTimeoutMs = 600'000;

int fail(const std::string &message) {
    std::fprintf(stderr, "vanopticonctl bench server: %s\n", message.c_str());
    return 1;
}

// This process's CPU time (user and system, all threads).
double ownCpuSeconds() {
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval &t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// A node of the bench: its enrolled identity, its event sequences and its transmitter.
struct BenchNode {
    sentinel::NodeIdentity identity;
    sentinel::SequenceStore sequences;
    std::unique_ptr<sentinel::Transmitter> transmitter;
};

Result<std::unique_ptr<BenchNode>> makeNode(
    const QString &dir, const QString &port, const QString &enrollment, int index, std::size_t batches) {
    if (!QDir().mkpath(dir))
        return makeError("cannot create " + dir.toStdString());
    auto identity = sentinel::NodeIdentity::load(dir.toStdString());
    if (!identity)
        return identity.error();
    auto sequences = sentinel::SequenceStore::open(dir.toStdString() + "/sequence");
    if (!sequences)
        return sequences.error();
    auto node = std::make_unique<BenchNode>(BenchNode {std::move(*identity), std::move(*sequences), nullptr});
    sentinel::TransmitterConfig config;
    config.server = QUrl(u"ws://127.0.0.1:"_s + port);
    config.enrollmentToken = enrollment.toStdString();
    config.hostname = "bench-node-" + std::to_string(index);
    config.version = "bench";
    config.maxPendingBatches = batches; // the whole backlog queued, as a sentinel's buffer holds it
    node->transmitter = std::make_unique<sentinel::Transmitter>(config, node->identity, node->sequences);
    return node;
}

// Generates and parses `batches` batches of `batchSize` lines and queues them on the node's
// transmitter (which numbers, encodes and compresses each). Returns the events queued.
Result<std::uint64_t> queueBacklog(
    sentinel::Transmitter &transmitter, std::size_t batches, std::size_t batchSize, std::uint64_t seed) {
    LogGenerator generator("rfc3164", seed);
    generator.endNow(batches * batchSize); // --events is capped so that the server's window takes all
    sentinel::LineParser parser(sentinel::LineFormat::Rfc3164, sentinel::SyslogContext::fromSystem());
    std::uint64_t events = 0;
    std::string text;
    for (std::size_t b = 0; b < batches; ++b) {
        text.clear();
        generator.generate(batchSize, text);
        EventBatch batch;
        parseLines(text, parser, batch);
        if (auto sent = transmitter.send(batch); !sent)
            return sent.error();
        events += batch.size();
    }
    return events;
}

} // namespace

int benchServer(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Benchmark a running vanopticond's ingestion: nodes on loopback send a backlog as fast as it is taken."_s);
    parser.addHelpOption();
    const QCommandLineOption eventsOption(u"events"_s, u"Events in all (default 400000)."_s, u"N"_s, u"400000"_s);
    const QCommandLineOption nodesOption(u"nodes"_s, u"Nodes sending at once (default 2)."_s, u"K"_s, u"2"_s);
    const QCommandLineOption batchOption(u"batch"_s, u"Events per batch (default 1000)."_s, u"B"_s, u"1000"_s);
    const QCommandLineOption seedOption(u"seed"_s, u"Seed of the generated input (default 42)."_s, u"S"_s, u"42"_s);
    parser.addOptions({eventsOption, nodesOption, batchOption, seedOption});
    parser.process(arguments);
    const long long events = parser.value(eventsOption).toLongLong();
    const int nodeCount = parser.value(nodesOption).toInt();
    const long long batchSize = parser.value(batchOption).toLongLong();
    if (events <= 0 || events > 2'000'000 || nodeCount < 1 || nodeCount > 64 || batchSize < 1 || batchSize > 10'000) {
        std::fprintf(stderr,
            "vanopticonctl bench server: 1 ≤ --events ≤ 2000000 (the server's window takes 7 days of generated "
            "lines), 1 ≤ --nodes ≤ 64, 1 ≤ --batch ≤ 10000\n");
        return 2;
    }

    QTemporaryDir dir;
    if (!dir.isValid())
        return fail("cannot create a directory: " + dir.errorString().toStdString());
    BenchServer server(dir.path());
    if (auto started = server.start(); !started)
        return fail(started.error().message);

    // Every node's backlog is framed before the clock starts: what is measured is the server.
    const auto batchesPerNode
        = static_cast<std::size_t>((events + nodeCount * batchSize - 1) / (nodeCount * batchSize));
    std::vector<std::unique_ptr<BenchNode>> nodes;
    std::uint64_t queued = 0;
    for (int i = 0; i < nodeCount; ++i) {
        const QString enrollment = server.enrollmentToken();
        if (enrollment.isEmpty())
            return fail("could not create an enrollment token");
        auto node = makeNode(dir.filePath(u"node-%1"_s.arg(i)), server.port(), enrollment, i, batchesPerNode);
        if (!node)
            return fail(node.error().message);
        auto backlog = queueBacklog(*(*node)->transmitter, batchesPerNode, std::size_t(batchSize),
            parser.value(seedOption).toULongLong() + std::uint64_t(i));
        if (!backlog)
            return fail(backlog.error().message);
        queued += *backlog;
        nodes.push_back(std::move(*node));
    }

    std::fprintf(
        stderr, "vanopticonctl bench server: %llu events framed, sending\n", static_cast<unsigned long long>(queued));
    const double serverCpuBefore = server.cpuSeconds();
    const double mainThreadCpuBefore = server.mainThreadCpuSeconds();
    const double ownCpuBefore = ownCpuSeconds();
    QElapsedTimer clock;
    clock.start();
    for (auto &node : nodes)
        node->transmitter->start();
    QEventLoop loop;
    QTimer poll;
    std::uint64_t acknowledged = 0;
    double peakRss = 0;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        acknowledged = 0;
        for (const auto &node : nodes)
            acknowledged
                += node->transmitter->counters().eventsAcknowledged + node->transmitter->counters().eventsRejected;
        peakRss = std::max(peakRss, residentMb(server.pid()));
        if (acknowledged >= queued || clock.elapsed() > kTimeoutMs)
            loop.quit();
    });
    poll.start(20);
    loop.exec();
    const double seconds = double(clock.elapsed()) / 1000.0;
    const double serverCpu = server.cpuSeconds() - serverCpuBefore;
    const double mainThreadCpu = server.mainThreadCpuSeconds() - mainThreadCpuBefore;
    const double ownCpu = ownCpuSeconds() - ownCpuBefore;
    for (auto &node : nodes)
        node->transmitter->stop();

    const QByteArray metrics = server.metrics();
    const auto stored = qint64(metricValue(metrics, u"vanopticon_events_stored_total"_s));
    quint64 busy = 0;
    for (const auto &node : nodes)
        busy += node->transmitter->counters().busy;
    const QJsonObject result {
        {u"benchmark"_s, u"server_ingest"_s},
        {u"nodes"_s, nodeCount},
        {u"batch"_s, batchSize},
        {u"events"_s, qint64(queued)},
        {u"events_acknowledged"_s, qint64(acknowledged)},
        {u"events_stored"_s, stored},
        {u"events_duplicate"_s, metricValue(metrics, u"vanopticon_events_duplicate_total"_s)},
        {u"seconds"_s, seconds},
        {u"events_per_second"_s, double(stored) / seconds},
        {u"server_cpu_seconds"_s, serverCpu},
        {u"server_cpu_us_per_event"_s, stored > 0 ? serverCpu * 1e6 / double(stored) : 0.0},
        // What one core of the server would take if nothing else limited it.
        {u"events_per_server_cpu_second"_s, serverCpu > 0 ? double(stored) / serverCpu : 0.0},
        // The event loop's thread alone: one core receiving, decoding, storing and analysing.
        {u"server_main_thread_cpu_seconds"_s, mainThreadCpu},
        {u"events_per_main_thread_cpu_second"_s, mainThreadCpu > 0 ? double(stored) / mainThreadCpu : 0.0},
        // The server's own account of its time (GET /metrics); the rest of its CPU went to receiving
        // and decoding batches, the WAL checkpointer thread and everything else.
        {u"server_store_seconds"_s, metricValue(metrics, u"vanopticon_ingest_seconds_total{stage=\"store\"}"_s)},
        {u"server_analysis_seconds"_s, metricValue(metrics, u"vanopticon_ingest_seconds_total{stage=\"analysis\"}"_s)},
        {u"server_peak_rss_mb"_s, peakRss},
        {u"nodes_cpu_seconds"_s, ownCpu},
        {u"busy_answers"_s, qint64(busy)},
        // Received and not stored (decompressed for nothing): answered Busy, or sent after one.
        {u"server_batches_refused"_s,
            metricValue(metrics, u"vanopticon_ingest_busy_total"_s)
                + metricValue(metrics, u"vanopticon_ingest_batches_dropped_total{reason=\"awaiting_resend\"}"_s)},
        {u"server_event_batches"_s, metricValue(metrics, u"vanopticon_event_batches_total"_s)},
        {u"server_ingest_transactions"_s, metricValue(metrics, u"vanopticon_ingest_transactions_total"_s)},
        {u"server_queue_peak_events"_s, metricValue(metrics, u"vanopticon_ingest_queue_peak_events"_s)},
    };
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    if (acknowledged < queued)
        return fail(
            "timed out: " + std::to_string(acknowledged) + " of " + std::to_string(queued) + " events acknowledged");
    return stored == qint64(queued) ? 0 : 1;
}

} // namespace vanopticon::ctl
