// SPDX-License-Identifier: Apache-2.0
// Enrichment throughput on a warm cache: GeoIP (City + ASN) and threat-intelligence matching on
// batches of parsed-syslog-like events whose SourceIp / DestinationIp come from a few thousand
// addresses. Only the steps' process() calls are timed; building the batches is not. Prints one
// JSON object; the rates are per second of this thread's CPU time. For the figure, on one core:
//   taskset -c 1 bench_enrichment --batches 5000
// With --check (as CTest runs it, briefly) it fails unless the caches were warm and the steps
// really enriched: a benchmark of a step that does nothing would be fast and worthless.
#include "sentinel/enrich/geoip/geoipstep.h"
#include "sentinel/enrich/geoip/ipkey.h"
#include "sentinel/enrich/threatintel/threatintelstep.h"

#include <QByteArray>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <new>
#include <random>
#include <string>
#include <vector>

// Counts heap allocations made during the timed calls.
namespace {
std::atomic<std::uint64_t> g_allocations {0};
}
void *operator new(std::size_t size) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void *p = std::malloc(size == 0 ? 1 : size))
        return p;
    throw std::bad_alloc();
}
void operator delete(void *p) noexcept {
    std::free(p);
}
void operator delete(void *p, std::size_t) noexcept {
    std::free(p);
}

using namespace vanopticon;
using namespace vanopticon::sentinel;

namespace {

const std::string kData = VANOPTICON_TEST_DATA_DIR;

struct Options {
    long batches = 2000;
    long batchSize = 1000;
    long addresses = 4000;
    long iocEntries = 100'000;
    bool check = false;
};

bool parseOptions(int argc, char **argv, Options &options) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--check") {
            options.check = true;
            continue;
        }
        if (i + 1 >= argc)
            return false;
        const long value = std::strtol(argv[++i], nullptr, 10);
        if (value <= 0)
            return false;
        if (arg == "--batches")
            options.batches = value;
        else if (arg == "--batch-size")
            options.batchSize = std::min(value, 65'535L);
        else if (arg == "--addresses")
            options.addresses = value;
        else if (arg == "--ioc-entries")
            options.iocEntries = value;
        else
            return false;
    }
    return true;
}

std::vector<IpPrefix> sourceNetworks(const std::string &file) {
    QFile in(QString::fromStdString(kData + "/maxmind/source-data/" + file));
    std::vector<IpPrefix> networks;
    if (!in.open(QIODevice::ReadOnly))
        return networks;
    for (const QJsonValue &item : QJsonDocument::fromJson(in.readAll()).array()) {
        const QJsonObject object = item.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            const std::optional<IpPrefix> network = parseIpPrefix(it.key().toStdString());
            if (network && isPublicAddress(network->key))
                networks.push_back(*network);
        }
    }
    return networks;
}

// An address inside the network: its base with random host bits (the low 16 at most).
std::string addressIn(const IpPrefix &network, std::mt19937_64 &random) {
    IpKey key = network.key;
    const int hostBits = std::min(128 - network.prefix, 16);
    const std::uint64_t offset = hostBits == 0 ? 0 : random() & ((std::uint64_t(1) << hostBits) - 1);
    key.bytes[15] = static_cast<std::uint8_t>(key.bytes[15] | (offset & 0xff));
    key.bytes[14] = static_cast<std::uint8_t>(key.bytes[14] | ((offset >> 8) & 0xff));
    return key.toString();
}

std::string randomPublicV4(std::mt19937_64 &random) {
    for (;;) {
        const std::uint64_t r = random();
        const std::string text = std::to_string(r % 223 + 1) + "." + std::to_string((r >> 8) % 256) + "."
            + std::to_string((r >> 16) % 256) + "." + std::to_string((r >> 24) % 254 + 1);
        if (isPublicAddress(*parseIpKey(text)))
            return text;
    }
}

std::vector<std::string> ipsumAddresses() {
    std::ifstream in(kData + "/ioc/ipsum/ipsum_first1000.txt");
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line[0] != '#')
            out.push_back(line.substr(0, line.find('\t')));
    }
    return out;
}

// A few thousand addresses as a monitored host meets them: some in the GeoIP databases' networks
// (found, city and AS), some on the blocklist, many unknown public ones, many private ones.
std::vector<std::string> addressPool(long size, std::mt19937_64 &random) {
    const std::vector<IpPrefix> city = sourceNetworks("GeoIP2-City-Test.json");
    const std::vector<IpPrefix> asn = sourceNetworks("GeoLite2-ASN-Test.json");
    const std::vector<std::string> listed = ipsumAddresses();
    std::vector<std::string> pool;
    for (long i = 0; i < size; ++i) {
        const long share = i % 20; // per 20: 8 city, 2 ASN, 1 listed, 5 unknown public, 4 private
        if (share < 8 && !city.empty())
            pool.push_back(addressIn(city[random() % city.size()], random));
        else if (share < 10 && !asn.empty())
            pool.push_back(addressIn(asn[random() % asn.size()], random));
        else if (share < 11 && !listed.empty())
            pool.push_back(listed[random() % listed.size()]);
        else if (share < 16)
            pool.push_back(randomPublicV4(random));
        else
            pool.push_back("10." + std::to_string(random() % 256) + "." + std::to_string(random() % 256) + "."
                + std::to_string(random() % 254 + 1));
    }
    return pool;
}

// The fields a parsed sshd / firewall line carries, then the addresses.
void addEvent(EventBatch &batch, const std::string &source, const std::string &destination, std::uint64_t r) {
    static const FieldId user = internField("User");
    Event &event = batch.addEvent();
    event.timestampNs = 1'700'000'000'000'000'000 + static_cast<std::int64_t>(r % 1'000'000);
    batch.setField(event, field::EventType, "auth_failed");
    batch.setField(event, field::Category, "authentication");
    batch.setField(event, field::Host, "web-01");
    batch.setField(event, field::Service, "sshd");
    batch.setField(event, field::SourceType, "syslog");
    batch.setField(event, field::ProcessName, "sshd");
    batch.setField(event, field::ProcessId, std::to_string(1000 + r % 60000));
    batch.setField(event, user, (r >> 20) % 2 == 0 ? "root" : "deploy");
    batch.setField(event, field::AuthMethod, "password");
    const std::string message = "Failed password for root from " + source + " port 52144 ssh2";
    batch.setField(event, field::Message, message);
    batch.setField(event, field::Raw, "Nov  5 10:00:00 web-01 sshd[4242]: " + message);
    batch.setField(event, field::SourceIp, source);
    batch.setField(event, field::SourcePort, std::to_string(1024 + (r >> 8) % 64000));
    batch.setField(event, field::DestinationIp, destination);
    batch.setField(event, field::DestinationPort, "22");
    batch.setField(event, field::Protocol, "tcp");
}

void fill(EventBatch &batch, long size, const std::vector<std::string> &pool, std::mt19937_64 &random) {
    static const std::string self = "10.0.0.5";
    for (long i = 0; i < size; ++i) {
        const std::uint64_t r = random();
        // Inbound (to this host) mostly; outbound connections to the pool otherwise.
        const std::string &destination = r % 10 < 7 ? self : pool[(r >> 32) % pool.size()];
        addEvent(batch, pool[r % pool.size()], destination, r);
    }
}

bool writeIocList(const std::string &path, long extra, std::mt19937_64 &random) {
    std::ofstream out(path, std::ios::trunc);
    std::ifstream ipsum(kData + "/ioc/ipsum/ipsum_first1000.txt");
    out << ipsum.rdbuf() << "\n";
    for (long i = 0; i < extra; ++i)
        out << randomPublicV4(random) << "\t1\n";
    for (int i = 0; i < 500; ++i) { // a few blocks, as aggregated lists carry them
        const std::uint64_t r = random();
        out << (r % 223 + 1) << "." << ((r >> 8) % 256) << "." << ((r >> 16) % 256) << ".0/24\n";
    }
    return static_cast<bool>(out);
}

ThreatFeedConfig feed(std::string name, FeedType type, std::string path) {
    ThreatFeedConfig config;
    config.name = std::move(name);
    config.type = type;
    config.path = std::move(path);
    return config;
}

} // namespace

int main(int argc, char **argv) {
    Options options;
    if (!parseOptions(argc, argv, options)) {
        std::fprintf(stderr,
            "usage: bench_enrichment [--batches N] [--batch-size N] [--addresses N] [--ioc-entries N] [--check]\n");
        return 2;
    }
    std::mt19937_64 random(20240601);

    GeoIpConfig geoConfig;
    geoConfig.cityDatabase = kData + "/maxmind/test-data/GeoIP2-City-Test.mmdb";
    geoConfig.asnDatabase = kData + "/maxmind/test-data/GeoLite2-ASN-Test.mmdb";
    auto geo = GeoIpStep::create(geoConfig);
    if (!geo) {
        std::fprintf(stderr, "%s\n", geo.error().message.c_str());
        return 1;
    }

    QTemporaryDir dir;
    const std::string list = dir.filePath(QStringLiteral("ipsum.txt")).toStdString();
    if (!dir.isValid() || !writeIocList(list, options.iocEntries, random)) {
        std::fprintf(stderr, "cannot write the IOC list\n");
        return 1;
    }
    ThreatIntelConfig threatConfig;
    threatConfig.feeds = {feed("ipsum", FeedType::Plain, list),
        feed("partner", FeedType::Stix, kData + "/ioc/stix/indicators-for-C2-with-COA.json"),
        feed("misp", FeedType::Misp, kData + "/ioc/misp/event_obj_attr_tag.json")};
    ThreatIntelStep threat(threatConfig);
    if (const ThreatIntelRefresh loaded = threat.refresh(); loaded.failed != 0) {
        std::fprintf(stderr, "a feed failed to load: %s\n", threat.counters().feeds[0].lastError.c_str());
        return 1;
    }

    const std::vector<std::string> pool = addressPool(options.addresses, random);
    // Warm-up: every address once, as source and as destination.
    for (std::size_t start = 0; start < pool.size(); start += static_cast<std::size_t>(options.batchSize)) {
        EventBatch batch;
        for (std::size_t i = start; i < std::min(pool.size(), start + static_cast<std::size_t>(options.batchSize)); ++i)
            addEvent(batch, pool[i], pool[pool.size() - 1 - i], i);
        (*geo)->process(batch);
        threat.process(batch);
    }
    const GeoIpCounters geoWarm = (*geo)->counters();
    const ThreatIntelCounters threatWarm = threat.counters();

    // CPU time of this thread: what the steps cost on one core, not counting the time the
    // scheduler gives to other processes (wall time is reported too).
    const auto cpuNow = [] {
        timespec now {};
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
        return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
    };
    using Clock = std::chrono::steady_clock;
    std::chrono::nanoseconds geoTime {};
    std::chrono::nanoseconds threatTime {};
    Clock::duration wallTime {};
    std::uint64_t events = 0;
    std::uint64_t allocations = 0;
    std::uint64_t fieldsAdded = 0;
    for (long b = 0; b < options.batches; ++b) {
        EventBatch batch;
        fill(batch, options.batchSize, pool, random); // not timed
        std::size_t fieldsBefore = 0;
        for (const Event &event : batch.events())
            fieldsBefore += event.fields().size();
        const std::uint64_t allocationsBefore = g_allocations.load(std::memory_order_relaxed);
        const auto w0 = Clock::now();
        const auto t0 = cpuNow();
        (*geo)->process(batch);
        const auto t1 = cpuNow();
        threat.process(batch);
        const auto t2 = cpuNow();
        wallTime += Clock::now() - w0;
        allocations += g_allocations.load(std::memory_order_relaxed) - allocationsBefore;
        geoTime += t1 - t0;
        threatTime += t2 - t1;
        events += batch.size();
        for (const Event &event : batch.events())
            fieldsAdded += event.fields().size();
        fieldsAdded -= fieldsBefore;
    }

    const auto seconds = [](auto d) { return std::chrono::duration<double>(d).count(); };
    const GeoIpCounters &geoCounters = (*geo)->counters();
    const ThreatIntelCounters threatCounters = threat.counters();
    const std::uint64_t geoMisses = geoCounters.cacheMisses - geoWarm.cacheMisses;
    const std::uint64_t geoHits = geoCounters.cacheHits - geoWarm.cacheHits;
    const std::uint64_t threatHits = threatCounters.hits - threatWarm.hits;
    const std::uint64_t threatMatched = threatCounters.matchedEvents - threatWarm.matchedEvents;
    const std::uint64_t enriched = geoCounters.enrichedEvents - geoWarm.enrichedEvents;
    const double total = seconds(geoTime + threatTime);
    std::printf("{\"events\": %llu, \"batch_size\": %ld, \"addresses\": %zu, \"ioc_indicators\": %zu,\n"
                " \"geoip\": {\"seconds\": %.4f, \"events_per_second\": %.0f, \"cache_hits\": %llu, "
                "\"cache_misses\": %llu, \"enriched_events\": %llu},\n"
                " \"threat_intel\": {\"seconds\": %.4f, \"events_per_second\": %.0f, \"hits\": %llu, "
                "\"matched_events\": %llu},\n"
                " \"geoip_and_threat_intel\": {\"seconds\": %.4f, \"events_per_second\": %.0f, "
                "\"ns_per_event\": %.1f, \"wall_seconds\": %.4f, \"wall_events_per_second\": %.0f},\n"
                " \"fields_added\": %llu, \"allocations\": %llu, \"allocations_per_batch\": %.2f}\n",
        static_cast<unsigned long long>(events), options.batchSize, pool.size(), threatCounters.indicators,
        seconds(geoTime), static_cast<double>(events) / seconds(geoTime), static_cast<unsigned long long>(geoHits),
        static_cast<unsigned long long>(geoMisses), static_cast<unsigned long long>(enriched), seconds(threatTime),
        static_cast<double>(events) / seconds(threatTime), static_cast<unsigned long long>(threatHits),
        static_cast<unsigned long long>(threatMatched), total, static_cast<double>(events) / total,
        total * 1e9 / static_cast<double>(events), seconds(wallTime), static_cast<double>(events) / seconds(wallTime),
        static_cast<unsigned long long>(fieldsAdded), static_cast<unsigned long long>(allocations),
        static_cast<double>(allocations) / static_cast<double>(options.batches));

    if (options.check) {
        // Warm: no database lookup in the timed part. Real work: both steps added fields.
        const bool ok = geoMisses == 0 && geoHits > 0 && enriched > events / 4 && threatMatched > 0
            && threatMatched < events / 2 && fieldsAdded > events;
        if (!ok) {
            std::fprintf(stderr, "check failed: the caches were not warm or the steps did not enrich\n");
            return 1;
        }
    }
    return 0;
}
