// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/enrich/geoip/geoipconfig.h"
#include "sentinel/enrich/geoip/geoipdatabase.h"
#include "sentinel/enrich/geoip/geoipfields.h"
#include "sentinel/enrich/geoip/ipkey.h"
#include "sentinel/enrich/geoip/lrucache.h"
#include "sentinel/stagecounters.h"
#include "shared/core/result.h"
#include "shared/event/event.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vanopticon::sentinel {

struct GeoIpCounters {
    StageCounters stage; // events in / out (the step never drops)
    std::uint64_t lookups = 0; // address values met in the configured fields
    std::uint64_t cacheHits = 0;
    std::uint64_t cacheMisses = 0; // each one cost a database lookup
    std::uint64_t found = 0; // misses the databases knew something about
    std::uint64_t notFound = 0; // misses they did not
    std::uint64_t skippedPrivate = 0; // private / reserved addresses, never looked up
    std::uint64_t invalid = 0; // field values that are not an address
    std::uint64_t errors = 0; // corrupt search tree or record met at lookup (counted, no fields added)
    std::uint64_t cacheResets = 0; // record tables full: cache emptied and refilled
    std::uint64_t enrichedEvents = 0; // events that got at least one field

    double hitRate() const {
        const std::uint64_t total = cacheHits + cacheMisses;
        return total == 0 ? 0.0 : static_cast<double>(cacheHits) / static_cast<double>(total);
    }
};

// Enrichment step: adds the location and autonomous system of the addresses in the configured
// fields (see geoipfields.h for the names). Plain C++ on the batch; one instance per pipeline
// thread. A warm lookup is a hash probe and an arena copy, nothing else: addresses map to the
// database's own records, each record is decoded once and its text is copied into a batch at
// most once, however many events of that batch share it.
class GeoIpStep {
public:
    // Opens (and by default verifies) the databases; a missing, unreadable, corrupt or
    // wrong-type database is refused here with a message that names the file.
    static Result<std::unique_ptr<GeoIpStep>> create(const GeoIpConfig &config);

    void process(EventBatch &batch);
    const GeoIpCounters &counters() const;
    std::size_t cachedAddresses() const { return m_cache.size(); }

private:
    static constexpr std::uint32_t kNoRecord = 0xffffffffu;
    static constexpr std::size_t kFieldCount = static_cast<std::size_t>(GeoField::Count);

    struct Output {
        FieldId source;
        std::array<FieldId, kFieldCount> ids;
    };
    struct CachedAddress {
        std::uint32_t city = kNoRecord;
        std::uint32_t asn = kNoRecord;
    };
    // A database record's text, and its copy in the batch being processed (if any yet).
    template<typename Text> struct Record {
        Text text;
        std::uint64_t generation = 0;
        std::array<std::string_view, kFieldCount> stored {};
    };

    GeoIpStep(const GeoIpConfig &config, std::unique_ptr<GeoIpDatabase> city, std::unique_ptr<GeoIpDatabase> asn);
    CachedAddress resolve(const IpKey &address);
    std::uint32_t cityRecord(std::uint32_t offset, bool &corrupt);
    std::uint32_t asnRecord(std::uint32_t offset, bool &corrupt);
    void resetCache();
    bool apply(EventBatch &batch, Event &event, const Output &output, const CachedAddress &cached);

    std::unique_ptr<GeoIpDatabase> m_city;
    std::unique_ptr<GeoIpDatabase> m_asn;
    std::string m_language;
    std::vector<Output> m_outputs;
    LruCache<IpKey, CachedAddress, IpKeyHash> m_cache;
    std::size_t m_maxRecords;
    std::vector<Record<GeoCityText>> m_cityRecords;
    std::vector<Record<GeoAsnText>> m_asnRecords;
    std::unordered_map<std::uint32_t, std::uint32_t> m_cityByOffset; // database offset → m_cityRecords
    std::unordered_map<std::uint32_t, std::uint32_t> m_asnByOffset;
    std::uint64_t m_generation = 0; // one per process() call: which batch the stored views belong to
    GeoIpCounters m_counters;
};

} // namespace vanopticon::sentinel
