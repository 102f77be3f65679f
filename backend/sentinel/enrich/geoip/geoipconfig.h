// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/config/section.h"
#include "shared/core/result.h"

#include <cstddef>
#include <string>
#include <vector>

namespace vanopticon::sentinel {

// `enricher.geoip` block:
//   geoip:
//     city_database: /var/lib/GeoIP/GeoLite2-City.mmdb   # at least one of the two databases
//     asn_database: /var/lib/GeoIP/GeoLite2-ASN.mmdb
//     fields: [SourceIp, DestinationIp]                  # the default
//     cache_size: 100000                                 # addresses kept (LRU)
//     language: en                                       # for country and city names
//     verify: true                                       # walk the whole file at load
struct GeoIpConfig {
    std::string cityDatabase;
    std::string asnDatabase;
    std::vector<std::string> fields {"SourceIp", "DestinationIp"};
    std::size_t cacheSize = 100'000;
    std::string language = "en";
    bool verify = true;
};

Result<GeoIpConfig> parseGeoIpConfig(const config::Section &section);

} // namespace vanopticon::sentinel
