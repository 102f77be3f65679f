// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/enrich/threatintel/feedcontents.h"
#include "sentinel/enrich/threatintel/iocset.h"
#include "sentinel/enrich/threatintel/threatintelconfig.h"
#include "sentinel/stagecounters.h"
#include "shared/event/event.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace vanopticon::sentinel {

// The fields a match adds to an event:
//   threat.matched    "true"
//   threat.feeds      names of every feed that listed a matched value, in config order ("ipsum,misp")
//   threat.indicator  the indicator that matched, as the set holds it ("10.0.0.0/8", "evil.example")
//   threat.field      the event field it matched in ("DestinationIp")
// With several matches in one event, feeds is their union; indicator and field are the first in
// the order ip, domain, hash, url fields, each in configured order.
inline constexpr std::string_view kThreatMatchedField = "threat.matched";
inline constexpr std::string_view kThreatFeedsField = "threat.feeds";
inline constexpr std::string_view kThreatIndicatorField = "threat.indicator";
inline constexpr std::string_view kThreatMatchedInField = "threat.field";

struct ThreatFeedStatus {
    std::string name;
    std::string path;
    std::uint64_t entries = 0; // indicators this feed contributes now
    std::uint64_t skipped = 0; // of the last successful load (see FeedContents)
    std::uint64_t unreducible = 0;
    std::uint64_t partial = 0;
    std::uint64_t loads = 0; // successful loads
    std::uint64_t loadErrors = 0;
    std::string lastError; // empty once a load succeeds again
    std::vector<std::string> notes; // of the last successful load
    std::int64_t loadedAtNs = 0; // wall clock of the last successful load (0: never)
};

struct ThreatIntelCounters {
    StageCounters stage;
    std::uint64_t lookups = 0; // event values compared with the set
    std::uint64_t hits = 0; // values that matched
    std::uint64_t matchedEvents = 0;
    std::uint64_t refreshes = 0;
    std::uint64_t swaps = 0; // sets built and swapped in
    std::size_t indicators = 0; // in the current set (deduplicated across feeds)
    std::vector<ThreatFeedStatus> feeds;
};

struct ThreatIntelRefresh {
    std::size_t loaded = 0;
    std::size_t unchanged = 0;
    std::size_t failed = 0;
    bool swapped = false;
};

// Enrichment step: matches event fields against indicator sets from plain lists, STIX bundles
// and MISP events. process() is plain C++ on the batch and reads an immutable IocSet; refresh()
// builds a new set and swaps it in atomically, and may run on another thread (see
// ThreatIntelRefresher). A feed that fails to load keeps what it had and reports the error.
class ThreatIntelStep {
public:
    using WallClock = std::function<std::int64_t()>; // Unix time in ns

    explicit ThreatIntelStep(ThreatIntelConfig config, WallClock clock = {});

    // Loads every feed whose file changed since its last successful load (all of them with
    // `force`, and on the first call), then swaps in a new set if anything changed. Safe to call
    // from any thread, concurrently with process(); concurrent refreshes run one after another.
    ThreatIntelRefresh refresh(bool force = false);

    void process(EventBatch &batch);
    // A consistent copy; callable from any thread.
    ThreatIntelCounters counters() const;
    std::shared_ptr<const IocSet> currentSet() const { return m_set.load(std::memory_order_acquire); }
    const ThreatIntelConfig &config() const { return m_config; }

private:
    static constexpr std::uint16_t kNotCompared = 0xffff;
    // How an event field is compared: per IndicatorKind, its rank among all compared fields (ip
    // fields first, then domain, hash, url, each in configured order: the rank decides which
    // match names the indicator), or kNotCompared. Indexed by FieldId, so that process() makes
    // one pass over an event's fields instead of one search per configured field.
    struct FieldRole {
        std::array<std::uint16_t, 4> rank {kNotCompared, kNotCompared, kNotCompared, kNotCompared};
    };
    struct FileIdentity {
        std::uint64_t device = 0, inode = 0, size = 0;
        std::int64_t modifiedNs = 0;
        bool operator==(const FileIdentity &) const = default;
    };
    struct FeedState {
        std::vector<Indicator> indicators; // last good load
        std::optional<FileIdentity> loadedFrom;
    };

    Result<FeedContents> load(const ThreatFeedConfig &feed, FileIdentity &identity) const;

    ThreatIntelConfig m_config;
    WallClock m_clock;
    std::vector<FieldRole> m_roles; // by FieldId, up to the largest compared id
    std::vector<std::string> m_rankedNames; // by rank: what `threat.field` says
    FieldId m_matchedId, m_feedsId, m_indicatorId, m_fieldId;

    std::atomic<std::shared_ptr<const IocSet>> m_set;
    std::mutex m_refreshMutex; // one refresh at a time; guards m_feedStates
    std::vector<FeedState> m_feedStates;
    mutable std::mutex m_statusMutex; // guards m_status, m_refreshes, m_swaps
    std::vector<ThreatFeedStatus> m_status;
    std::uint64_t m_refreshes = 0;
    std::uint64_t m_swaps = 0;

    // Written by process() once per batch, read by counters() from anywhere.
    std::atomic<std::uint64_t> m_in {0}, m_out {0}, m_lookups {0}, m_hits {0}, m_matchedEvents {0};
};

} // namespace vanopticon::sentinel
