// SPDX-License-Identifier: Apache-2.0
#include "bench/benchdelivery.h"

#include "analysis/ingest/ingestor.h"
#include "bench/deliveryframes.h"
#include "bench/ingestphase.h"
#include "sentinel/buffer/diskbuffer.h"
#include "sentinel/parse/lineformat.h"
#include "shared/core/result.h"
#include "shared/wire/codec.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <chrono>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace vanopticon::ctl {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The --input log, whole: it is framed in memory.
Result<std::string> readLog(const QString &path) {
    constexpr qint64 kMaxBytes = qint64(1) << 30;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError("cannot read " + path.toStdString() + ": " + file.errorString().toStdString());
    if (file.size() > kMaxBytes)
        return makeError(path.toStdString() + " is over 1 GiB; give a sample of it");
    const QByteArray bytes = file.readAll();
    if (bytes.isEmpty())
        return makeError(path.toStdString() + " is empty");
    return bytes.toStdString();
}

} // namespace

int benchDelivery(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Benchmark the sentinel's durable buffer and batch framing."_s);
    parser.addHelpOption();
    const QCommandLineOption eventsOption(u"events"_s, u"Events to append to the buffer."_s, u"N"_s, u"1000000"_s);
    const QCommandLineOption batchOption(u"batch"_s, u"Events per batch (one sync each)."_s, u"B"_s, u"500"_s);
    const QCommandLineOption dirOption(
        u"dir"_s, u"Where the buffer goes (default: a temporary directory)."_s, u"DIR"_s);
    const QCommandLineOption recoverOption(u"recover-mb"_s, u"Size of the buffer to recover."_s, u"M"_s, u"1024"_s);
    const QCommandLineOption ingestOption(
        u"ingest-events"_s, u"Events through the server's ingestion path (0: skip)."_s, u"N"_s, u"200000"_s);
    const QCommandLineOption seedOption(u"seed"_s, u"Random seed."_s, u"S"_s, u"42"_s);
    const QCommandLineOption levelOption(u"level"_s, u"zstd level of the batches (transmitter.compression_level)."_s,
        u"L"_s, QString::number(wire::kDefaultCompressionLevel));
    const QCommandLineOption inputOption(u"input"_s,
        u"A real log whose lines make the batches (default: generated auth.log / syslog lines)."_s, u"FILE"_s);
    const QCommandLineOption formatOption(
        u"format"_s, u"How the --input log is parsed, as a collector's format."_s, u"F"_s, u"rfc3164"_s);
    for (const auto &option : {eventsOption, batchOption, dirOption, recoverOption, ingestOption, seedOption,
             levelOption, inputOption, formatOption})
        parser.addOption(option);
    parser.process(arguments);
    const long long events = parser.value(eventsOption).toLongLong();
    const long long batchSize = parser.value(batchOption).toLongLong();
    const long long recoverMb = parser.value(recoverOption).toLongLong();
    const long long ingestEvents = parser.value(ingestOption).toLongLong();
    const int level = parser.value(levelOption).toInt();
    if (events <= 0 || batchSize <= 0 || batchSize > 100'000 || recoverMb < 0 || recoverMb > 65'536 || ingestEvents < 0
        || level < wire::kMinCompressionLevel || level > wire::kMaxCompressionLevel) {
        std::fprintf(stderr,
            "vanopticonctl bench delivery: --events > 0, 1 ≤ --batch ≤ 100000, 0 ≤ --recover-mb ≤ 65536, "
            "--ingest-events ≥ 0, 1 ≤ --level ≤ 19\n");
        return 2;
    }
    QTemporaryDir temporary(parser.isSet(dirOption) ? parser.value(dirOption) + u"/bench-delivery-XXXXXX"_s
                                                    : QDir::tempPath() + u"/bench-delivery-XXXXXX"_s);
    if (!temporary.isValid()) {
        std::fprintf(stderr, "vanopticonctl bench delivery: cannot create a directory: %s\n",
            qPrintable(temporary.errorString()));
        return 1;
    }

    // A pool of distinct frames, reused round robin (generation is not what is measured): the
    // whole --input log, or 64 generated batches.
    const auto format = sentinel::parseLineFormat(parser.value(formatOption).toStdString());
    if (!format) {
        std::fprintf(stderr, "vanopticonctl bench delivery: --format is one of %s\n",
            std::string(sentinel::supportedLineFormats()).c_str());
        return 2;
    }
    Frames pool;
    if (parser.isSet(inputOption)) {
        auto log = readLog(parser.value(inputOption));
        if (!log) {
            std::fprintf(stderr, "vanopticonctl bench delivery: %s\n", log.error().message.c_str());
            return 1;
        }
        pool = framesFromLog(*log, *format, std::size_t(batchSize), level);
        if (pool.events == 0) {
            std::fprintf(stderr, "vanopticonctl bench delivery: no line of %s parsed as %s\n",
                qPrintable(parser.value(inputOption)), std::string(sentinel::toString(*format)).c_str());
            return 1;
        }
    } else {
        pool = makeFrames(64, std::size_t(batchSize), parser.value(seedOption).toULongLong(), level);
    }
    const std::size_t poolSize = pool.frames.size();

    sentinel::buffer::DiskBufferOptions options;
    options.directory = temporary.filePath(u"append"_s).toStdString();
    options.maxBytes = 64ull << 30; // nothing dropped while measuring
    auto buffer = sentinel::buffer::DiskBuffer::open(options);
    if (!buffer) {
        std::fprintf(stderr, "vanopticonctl bench delivery: %s\n", buffer.error().message.c_str());
        return 1;
    }
    // What the sentinel keeps with each batch: the sources' checkpoints after it.
    const std::string note = R"({"syslog:/var/log/auth.log":"{\"/var/log/auth.log\":\"2049:1183744:73400320\"}"})";
    const auto appendStarted = Clock::now();
    std::uint64_t appendedEvents = 0;
    for (std::size_t b = 0; appendedEvents < std::uint64_t(events); ++b) {
        appendedEvents += pool.eventCounts[b % poolSize];
        auto appended
            = (*buffer)->append(b + 1, pool.eventCounts[b % poolSize], pool.frames[b % poolSize], note, nowMs());
        auto synced = appended ? (*buffer)->sync() : appended;
        if (!synced) {
            std::fprintf(stderr, "vanopticonctl bench delivery: %s\n", synced.error().message.c_str());
            return 1;
        }
    }
    const double appendSeconds = secondsSince(appendStarted);
    const auto appendCounters = (*buffer)->counters();
    buffer->reset();

    // Recovery: a buffer of about recover-mb megabytes, written, closed, opened again.
    double recoverySeconds = 0;
    std::uint64_t recoveredBytes = 0;
    std::size_t recoveredRecords = 0;
    if (recoverMb > 0) {
        options.directory = temporary.filePath(u"recover"_s).toStdString();
        auto big = sentinel::buffer::DiskBuffer::open(options);
        if (!big) {
            std::fprintf(stderr, "vanopticonctl bench delivery: %s\n", big.error().message.c_str());
            return 1;
        }
        const std::uint64_t target = std::uint64_t(recoverMb) << 20;
        for (std::uint64_t id = 1; (*big)->bytes() < target; ++id) {
            if (auto appended
                = (*big)->append(id, pool.eventCounts[id % poolSize], pool.frames[id % poolSize], note, nowMs());
                !appended) {
                std::fprintf(stderr, "vanopticonctl bench delivery: %s\n", appended.error().message.c_str());
                return 1;
            }
        }
        if (auto synced = (*big)->sync(); !synced) {
            std::fprintf(stderr, "vanopticonctl bench delivery: %s\n", synced.error().message.c_str());
            return 1;
        }
        big->reset();
        const auto recoverStarted = Clock::now();
        auto reopened = sentinel::buffer::DiskBuffer::open(options);
        recoverySeconds = secondsSince(recoverStarted);
        if (!reopened) {
            std::fprintf(stderr, "vanopticonctl bench delivery: %s\n", reopened.error().message.c_str());
            return 1;
        }
        recoveredBytes = (*reopened)->recovery().bytes;
        recoveredRecords = (*reopened)->recovery().records;
    }

    // The server's side: fresh frames (their own sequences) through the ingestion path.
    // Twice: with the batches waiting, as when the server is the bottleneck (then several share a
    // transaction), and one batch at a time, as when it keeps up.
    IngestFigures ingest;
    IngestFigures ingestOneByOne;
    if (ingestEvents > 0) {
        const Frames fresh = makeFrames(std::size_t((ingestEvents + batchSize - 1) / batchSize), std::size_t(batchSize),
            parser.value(seedOption).toULongLong() + 1, level);
        const std::pair<const char *, std::size_t> runs[]
            = {{"ingest.db", analysis::Ingestor::kGroupEvents}, {"ingest-one-by-one.db", 1}};
        for (const auto &[file, groupEvents] : runs) {
            auto measured = measureIngestion(fresh.frames, temporary.filePath(QLatin1StringView(file)), groupEvents);
            if (!measured) {
                std::fprintf(stderr, "vanopticonctl bench delivery: ingestion: %s\n", measured.error().message.c_str());
                return 1;
            }
            (groupEvents == 1 ? ingestOneByOne : ingest) = *measured;
        }
    }

    QJsonObject result {
        {u"benchmark"_s, u"delivery"_s},
        {u"directory"_s, temporary.path()},
        {u"events"_s, qint64(appendCounters.eventsAppended)},
        {u"batch"_s, batchSize},
        {u"buffer_seconds"_s, appendSeconds},
        {u"buffer_events_per_second"_s, double(appendCounters.eventsAppended) / appendSeconds},
        {u"buffer_mb_per_second"_s, double(appendCounters.bytesAppended) / appendSeconds / 1e6},
        {u"syncs"_s, qint64(appendCounters.syncs)},
        {u"syncs_per_second"_s, double(appendCounters.syncs) / appendSeconds},
        {u"input"_s, parser.isSet(inputOption) ? parser.value(inputOption) : u"generated"_s},
        {u"input_lines"_s, qint64(pool.lines)},
        {u"input_events"_s, qint64(pool.events)}, // the lines that parsed: only they are sent
        {u"raw_bytes_per_event"_s, double(pool.rawBytes) / double(pool.events)},
        {u"protobuf_bytes_per_event"_s, double(pool.protobufBytes) / double(pool.events)},
        {u"wire_bytes_per_event"_s, double(pool.frameBytes) / double(pool.events)},
        {u"compression_level"_s, level},
        {u"compression_ratio"_s, double(pool.protobufBytes) / double(pool.frameBytes)},
        // Serializing and compressing, per MB of encoded batches: the sentinel's cost per batch sent.
        {u"compress_mb_per_second"_s, double(pool.protobufBytes) / pool.compressSeconds / 1e6},
        {u"raw_to_wire_ratio"_s, double(pool.rawBytes) / double(pool.frameBytes)},
        {u"recovery_mb"_s, double(recoveredBytes) / double(1 << 20)},
        {u"recovery_records"_s, qint64(recoveredRecords)},
        {u"recovery_seconds"_s, recoverySeconds},
    };
    if (ingestEvents > 0) {
        result.insert(u"ingest_events"_s, qint64(ingest.events));
        result.insert(u"ingest_stored"_s, qint64(ingest.stored));
        result.insert(u"ingest_rejected"_s, qint64(ingest.rejected));
        result.insert(u"ingest_groups"_s, qint64(ingest.groups)); // transactions storing the events
        result.insert(u"ingest_seconds"_s, ingest.seconds);
        result.insert(u"ingest_events_per_second"_s, double(ingest.events) / ingest.seconds);
        result.insert(u"ingest_decode_seconds"_s, ingest.decodeSeconds);
        result.insert(u"ingest_store_seconds"_s, ingest.storeSeconds);
        result.insert(u"ingest_analysis_seconds"_s, ingest.analysisSeconds);
        // Ingestion proper, before analysis: decoded, validated, deduplicated, stored.
        result.insert(
            u"ingest_store_events_per_second"_s, double(ingest.events) / (ingest.decodeSeconds + ingest.storeSeconds));
        result.insert(u"ingest_alerts_created"_s, qint64(ingest.alertsCreated));
        result.insert(u"ingest_alerts_updated"_s, qint64(ingest.alertsUpdated));
        result.insert(u"ingest_detections"_s, qint64(ingest.detections));
        result.insert(u"ingest_wal_checkpoints"_s, qint64(ingest.walCheckpoints));
        result.insert(u"ingest_wal_inline_checkpoints"_s, qint64(ingest.walInlineCheckpoints));
        result.insert(u"ingest_wal_peak_mb"_s, double(ingest.walPeakBytes) / (1024.0 * 1024.0));
        result.insert(u"ingest_one_by_one_events_per_second"_s, double(ingestOneByOne.events) / ingestOneByOne.seconds);
        result.insert(u"ingest_one_by_one_analysis_seconds"_s, ingestOneByOne.analysisSeconds);
        result.insert(u"ingest_one_by_one_alerts_created"_s, qint64(ingestOneByOne.alertsCreated));
        result.insert(u"ingest_one_by_one_alerts_updated"_s, qint64(ingestOneByOne.alertsUpdated));
        result.insert(u"replay_events"_s, qint64(ingest.replayedEvents));
        result.insert(u"replay_duplicates"_s, qint64(ingest.duplicates));
        result.insert(u"replay_events_per_second"_s, double(ingest.replayedEvents) / ingest.replaySeconds);
    }
    const QByteArray json = QJsonDocument(result).toJson(QJsonDocument::Compact);
    std::fwrite(json.constData(), 1, std::size_t(json.size()), stdout);
    std::fputc('\n', stdout);
    return 0;
}

} // namespace vanopticon::ctl
