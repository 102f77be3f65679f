// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/enrich/threatintel/indicator.h"
#include "shared/config/section.h"
#include "shared/core/result.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vanopticon::sentinel {

enum class FeedType { Plain, Stix, Misp };

struct ThreatFeedConfig {
    std::string name; // what `threat.feeds` lists
    FeedType type = FeedType::Plain;
    std::string path;
    std::optional<IndicatorKind> kind; // plain lists: one kind only (default: classify each line)
    bool toIdsOnly = true; // misp: only attributes flagged to_ids
};

// `enricher.threat_intel` block:
//   threat_intel:
//     refresh_interval: 15m          # reload feeds whose file changed (1s … 7d)
//     max_feed_size: 256MB           # a larger file is refused (the previous set is kept)
//     fields:                        # which event fields are compared, per kind (defaults shown)
//       ip: [SourceIp, DestinationIp]
//       domain: [QueryName, DestinationHostname, SourceHostname]
//       hash: [Hashes, md5, sha1, sha256, sha512]   # "SHA256=…,MD5=…" (Sysmon Hashes) is split
//       url: [c-uri]
//     feeds:                         # at most 64
//       - {name: ipsum, type: plain, path: /etc/vanopticon/ioc/ipsum.txt, kind: ip}
//       - {name: partner, type: stix, path: /etc/vanopticon/ioc/bundle.json}
//       - {name: misp, type: misp, path: /etc/vanopticon/ioc/misp-event.json, to_ids_only: true}
struct ThreatIntelConfig {
    std::chrono::milliseconds refreshInterval = std::chrono::minutes(15);
    std::uint64_t maxFeedSize = 256ull << 20;
    std::vector<std::string> ipFields {"SourceIp", "DestinationIp"};
    std::vector<std::string> domainFields {"QueryName", "DestinationHostname", "SourceHostname"};
    std::vector<std::string> hashFields {"Hashes", "md5", "sha1", "sha256", "sha512"};
    std::vector<std::string> urlFields {"c-uri"};
    std::vector<ThreatFeedConfig> feeds;
};

Result<ThreatIntelConfig> parseThreatIntelConfig(const config::Section &section);

} // namespace vanopticon::sentinel
