// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/config/section.h"
#include "shared/core/result.h"

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::sentinel {

// `enricher.reverse_dns` block:
//   reverse_dns:
//     fields: [SourceIp]       # address fields to name (default)
//     timeout: 200ms           # an answer slower than this counts as a timeout, cached as negative
//     cache_size: 10000        # addresses kept (LRU)
//     cache_ttl: 1h            # how long a name is trusted
//     negative_ttl: 5m         # how long "no name" (NXDOMAIN, failure, timeout) is remembered
//     workers: 2               # lookup threads
//     queue_size: 1024         # lookups waiting for a worker; more are dropped (and counted)
struct ReverseDnsConfig {
    std::vector<std::string> fields {"SourceIp"};
    std::chrono::milliseconds timeout {200};
    std::size_t cacheSize = 10'000;
    std::chrono::milliseconds cacheTtl = std::chrono::hours(1);
    std::chrono::milliseconds negativeTtl = std::chrono::minutes(5);
    int workers = 2;
    std::size_t queueSize = 1024;
};

Result<ReverseDnsConfig> parseReverseDnsConfig(const config::Section &section);

// Where the name of an address field goes: the Sigma field where one exists (SourceIp →
// SourceHostname, DestinationIp → DestinationHostname, any *Ip → *Hostname), else
// "<field>.hostname". A name already present (from the source) is never replaced.
std::string hostnameFieldFor(std::string_view addressField);

} // namespace vanopticon::sentinel
