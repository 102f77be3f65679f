// SPDX-License-Identifier: Apache-2.0
#include "bench/benchsentinel.h"

#include "bench/benchlive.h"
#include "bench/loggenerator.h"
#include "sentinel/enrich/enricher.h"
#include "sentinel/enrich/enricherstatus.h"
#include "sentinel/filter/eventfilter.h"
#include "sentinel/parse/lineparser.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QJsonObject>

#include <chrono>
#include <cstdio>
#include <sched.h>
#include <sys/resource.h>

using namespace Qt::StringLiterals;

namespace vanopticon::ctl {

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

double peakRssMb() {
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0; // ru_maxrss is in KiB on Linux
}

// What a production sentinel typically runs: host metadata and two inventory tags; a drop of
// cron session noise, a dedup of repeated systemd lines, a rate limit on firewall logs.
constexpr char kEnricherConfig[] = "host_metadata: true\ntags: {environment: production, site: ams1}\n";
constexpr char kFilterConfig[] = R"(rules:
  - name: cron_sessions
    condition: 'service == "CRON" AND message contains "session opened"'
    action: drop
  - name: systemd_repeats
    condition: 'service == "systemd"'
    action: dedup
    window: 60s
    fields: [host, message]
  - name: firewall
    condition: 'service == "kernel" AND message contains "UFW BLOCK"'
    action: rate_limit
    rate: 100/second
    group_by: [host]
)";

} // namespace

int benchSentinel(const QStringList &arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Benchmark the sentinel pipeline (parse, enrich, filter) on one core."_s);
    parser.addHelpOption();
    const QCommandLineOption formatOption(u"format"_s,
        u"Input format: rfc3164, rfc5424, json, cef, leef, keyvalue or auto (a mix)."_s, u"format"_s, u"rfc3164"_s);
    const QCommandLineOption eventsOption(u"events"_s, u"Lines to process (default 1000000)."_s, u"n"_s, u"1000000"_s);
    const QCommandLineOption batchOption(u"batch"_s, u"Lines per batch (default 1000)."_s, u"n"_s, u"1000"_s);
    const QCommandLineOption seedOption(u"seed"_s, u"Seed of the generated input (default 42)."_s, u"n"_s, u"42"_s);
    const QCommandLineOption liveOption(
        u"live"_s, u"Run a real server and sentinel and measure the sentinel's memory at --rate events/s."_s);
    const QCommandLineOption rateOption(u"rate"_s, u"Live: lines per second (default 10000)."_s, u"n"_s, u"10000"_s);
    const QCommandLineOption secondsOption(u"seconds"_s, u"Live: how long (default 30)."_s, u"n"_s, u"30"_s);
    const QCommandLineOption cityOption(u"geoip-city"_s, u"Enrich with this GeoIP City database (.mmdb)."_s, u"file"_s);
    const QCommandLineOption asnOption(u"geoip-asn"_s, u"Enrich with this GeoIP ASN database (.mmdb)."_s, u"file"_s);
    const QCommandLineOption iocOption(
        u"ioc"_s, u"Match against this IOC list (one address, domain or hash per line)."_s, u"file"_s);
    const QCommandLineOption poolOption(u"address-pool"_s,
        u"Draw addresses from a pool of n (a warm enrichment cache); 0: every address new (default)."_s, u"n"_s,
        u"0"_s);
    parser.addOptions({formatOption, eventsOption, batchOption, seedOption, liveOption, rateOption, secondsOption,
        cityOption, asnOption, iocOption, poolOption});
    parser.process(arguments);
    if (parser.isSet(liveOption)) {
        LiveBenchOptions live;
        live.rate = parser.value(rateOption).toInt();
        live.seconds = parser.value(secondsOption).toInt();
        live.format = parser.value(formatOption);
        live.seed = parser.value(seedOption).toULongLong();
        if (live.rate < 1 || live.seconds < 1 || !LogGenerator::supports(live.format.toStdString())) {
            std::fprintf(stderr, "vanopticonctl bench sentinel --live: bad --rate, --seconds or --format\n");
            return 2;
        }
        return benchSentinelLive(live);
    }

    const std::string format = parser.value(formatOption).toStdString();
    bool ok = false;
    const qint64 total = parser.value(eventsOption).toLongLong(&ok);
    bool batchOk = false;
    const qint64 batchSize = parser.value(batchOption).toLongLong(&batchOk);
    if (!ok || total < 1 || !batchOk || batchSize < 1 || batchSize > 1'000'000) {
        std::fprintf(stderr, "vanopticonctl bench sentinel: --events and --batch must be positive numbers\n");
        return 2;
    }
    const auto lineFormat = sentinel::parseLineFormat(format);
    if (!lineFormat || !LogGenerator::supports(format)) {
        std::fprintf(stderr, "vanopticonctl bench sentinel: no generator for format '%s'\n", format.c_str());
        return 2;
    }

    // One core: the figure the issue asks for, and steadier numbers.
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    CPU_SET(0, &cpus);
    const bool pinned = sched_setaffinity(0, sizeof cpus, &cpus) == 0;

    std::string enricherText = kEnricherConfig;
    if (parser.isSet(cityOption) || parser.isSet(asnOption)) {
        enricherText += "geoip:\n  fields: [SourceIp, DestinationIp]\n";
        if (parser.isSet(cityOption))
            enricherText += "  city_database: '" + parser.value(cityOption).toStdString() + "'\n";
        if (parser.isSet(asnOption))
            enricherText += "  asn_database: '" + parser.value(asnOption).toStdString() + "'\n";
    }
    if (parser.isSet(iocOption))
        enricherText += "threat_intel:\n  feeds:\n    - {name: bench, type: plain, path: '"
            + parser.value(iocOption).toStdString() + "'}\n";
    auto enricherConfig = config::Section::loadString(enricherText, "bench-enricher");
    auto filterConfig = config::Section::loadString(kFilterConfig, "bench-filter");
    if (!enricherConfig || !filterConfig) {
        std::fprintf(stderr, "vanopticonctl bench sentinel: %s\n",
            (!enricherConfig ? enricherConfig.error() : filterConfig.error()).message.c_str());
        return 2;
    }
    auto enricherSettings = sentinel::parseEnricherConfig(*enricherConfig, "bench-host");
    auto filterRules = sentinel::parseFilterConfig(*filterConfig);
    if (!enricherSettings || !filterRules) {
        std::fprintf(stderr, "vanopticonctl bench sentinel: %s\n",
            (!enricherSettings ? enricherSettings.error() : filterRules.error()).message.c_str());
        return 2;
    }
    sentinel::SyslogContext context = sentinel::SyslogContext::fromSystem();
    sentinel::LineParser lineParser(*lineFormat, context);
    auto createdEnricher = sentinel::Enricher::create(std::move(*enricherSettings));
    if (!createdEnricher) {
        std::fprintf(stderr, "vanopticonctl bench sentinel: %s\n", createdEnricher.error().message.c_str());
        return 1;
    }
    sentinel::Enricher &enricher = **createdEnricher;
    sentinel::EventFilter filter(std::move(*filterRules));
    LogGenerator generator(format, parser.value(seedOption).toULongLong());
    generator.setAddressPool(parser.value(poolOption).toULongLong());

    Clock::duration parseTime {};
    Clock::duration enrichTime {};
    Clock::duration filterTime {};
    std::uint64_t inputBytes = 0;
    std::uint64_t eventsOut = 0;
    std::string chunk;
    for (qint64 done = 0; done < total; done += batchSize) {
        const auto lines = static_cast<std::size_t>(std::min(batchSize, total - done));
        chunk.clear();
        generator.generate(lines, chunk); // not timed
        inputBytes += chunk.size();

        EventBatch batch;
        const auto t0 = Clock::now();
        std::size_t start = 0;
        while (start < chunk.size()) {
            const std::size_t end = chunk.find('\n', start);
            lineParser.parse(std::string_view(chunk).substr(start, end - start), batch);
            start = end + 1;
        }
        const auto t1 = Clock::now();
        enricher.process(batch);
        const auto t2 = Clock::now();
        filter.process(batch);
        const auto t3 = Clock::now();
        parseTime += t1 - t0;
        enrichTime += t2 - t1;
        filterTime += t3 - t2;
        eventsOut += batch.size();
    }

    const double total_s = seconds(parseTime + enrichTime + filterTime);
    QJsonObject enrichStage = sentinel::enricherStatus(enricher);
    enrichStage.insert(u"seconds"_s, seconds(enrichTime));
    enrichStage.insert(u"events_per_second"_s, double(enricher.counters().in) / seconds(enrichTime));
    const auto &parsed = lineParser.stats();
    const QJsonObject result {
        {u"benchmark"_s, u"sentinel"_s},
        {u"format"_s, QString::fromStdString(format)},
        {u"events"_s, total},
        {u"batch"_s, batchSize},
        {u"input_bytes"_s, qint64(inputBytes)},
        {u"pinned_to_one_core"_s, pinned},
        {u"seconds"_s, total_s},
        {u"events_per_second"_s, double(total) / total_s},
        {u"mb_per_second"_s, double(inputBytes) / 1e6 / total_s},
        {u"events_out"_s, qint64(eventsOut)},
        {u"stages"_s,
            QJsonObject {
                {u"parse"_s,
                    QJsonObject {{u"seconds"_s, seconds(parseTime)},
                        {u"events_per_second"_s, double(total) / seconds(parseTime)}, {u"in"_s, qint64(parsed.lines)},
                        {u"out"_s, qint64(parsed.events)}, {u"errors"_s, qint64(parsed.failed)}}},
                {u"enrich"_s, enrichStage},
                {u"filter"_s,
                    QJsonObject {{u"seconds"_s, seconds(filterTime)},
                        {u"events_per_second"_s, double(filter.counters().in) / seconds(filterTime)},
                        {u"in"_s, qint64(filter.counters().in)}, {u"out"_s, qint64(filter.counters().out)},
                        {u"dropped"_s, qint64(filter.counters().dropped)}}},
            }},
        {u"peak_rss_mb"_s, peakRssMb()},
    };
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    return 0;
}

} // namespace vanopticon::ctl
