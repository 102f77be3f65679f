// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/enrich/dns/reversednsstep.h"
#include "sentinel/enrich/geoip/geoipstep.h"
#include "sentinel/enrich/threatintel/threatintelstep.h"
#include "sentinel/stagecounters.h"
#include "shared/config/section.h"
#include "shared/core/result.h"
#include "shared/event/event.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vanopticon::sentinel {

// The `enricher:` block:
//   host_metadata: true          # fills `host` where the source left it empty, and adds
//                                # collector.host / collector.os (the sentinel that collected it)
//   tags: {environment: prod}    # inventory tags, added to every event
//   correlation_ids: false       # a unique `correlation_id` per event (see Enricher)
//   threat_intel: {…}            # IOC sets: see threatintel/threatintelconfig.h
//   geoip: {…}                   # MaxMind City / ASN: see geoip/geoipconfig.h
//   reverse_dns: {…}             # names of addresses, never waited for: see dns/reversednsconfig.h
struct EnricherConfig {
    std::string hostname; // empty: host_metadata off
    std::string operatingSystem; // "Linux 6.1.0-13-amd64", with host_metadata
    std::vector<std::pair<std::string, std::string>> tags;
    bool correlationIds = false;
    std::optional<ThreatIntelConfig> threatIntel;
    std::optional<GeoIpConfig> geoIp;
    std::optional<ReverseDnsConfig> reverseDns;
};

Result<EnricherConfig> parseEnricherConfig(const config::Section &section, std::string hostname);

// The enrich stage: host metadata, tags and correlation ids, then the configured steps in a fixed
// order — threat intelligence (on the fields as collected), GeoIP, reverse DNS (which only adds
// names already known: it never waits). Plain C++ on the pipeline's thread; the threat-intel
// refresh timer is the caller's (ThreatIntelRefresher on threatIntel()).
class Enricher {
public:
    // Opens the GeoIP databases and loads the threat-intel feeds once: a database that cannot be
    // used is an error here, not at the first event; a feed that fails to load is reported by
    // threatIntel()->counters() and loaded again at the next refresh.
    static Result<std::unique_ptr<Enricher>> create(EnricherConfig config);

    void process(EventBatch &batch);
    const StageCounters &counters() const { return m_counters; }

    ThreatIntelStep *threatIntel() const { return m_threatIntel.get(); }
    const GeoIpStep *geoIp() const { return m_geoIp.get(); }
    const ReverseDnsStep *reverseDns() const { return m_reverseDns.get(); }

private:
    explicit Enricher(EnricherConfig &config);

    std::string m_hostname;
    std::string m_operatingSystem;
    std::vector<std::pair<FieldId, std::string>> m_tags; // interned once
    std::vector<std::pair<FieldId, std::string_view>> m_storedTags; // in the batch being processed
    bool m_correlationIds = false;
    std::string m_correlationPrefix; // random per process: ids stay unique across restarts
    std::uint64_t m_correlationCounter = 0;
    FieldId m_collectorHostField;
    FieldId m_collectorOsField;
    FieldId m_correlationIdField;
    std::unique_ptr<ThreatIntelStep> m_threatIntel;
    std::unique_ptr<GeoIpStep> m_geoIp;
    std::unique_ptr<ReverseDnsStep> m_reverseDns;
    StageCounters m_counters;
};

} // namespace vanopticon::sentinel
