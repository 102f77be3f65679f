// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/threatintel/threatintelstep.h"

#include "sentinel/enrich/geoip/ipkey.h"
#include "sentinel/enrich/threatintel/mispevent.h"
#include "sentinel/enrich/threatintel/plainlist.h"
#include "sentinel/enrich/threatintel/stixbundle.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace vanopticon::sentinel {

namespace {

std::int64_t systemUnixNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string errnoText(int error) {
    return std::strerror(error);
}

} // namespace

ThreatIntelStep::ThreatIntelStep(ThreatIntelConfig config, WallClock clock)
    : m_config(std::move(config))
    , m_clock(clock ? std::move(clock) : WallClock(systemUnixNs))
    , m_matchedId(internField(kThreatMatchedField))
    , m_feedsId(internField(kThreatFeedsField))
    , m_indicatorId(internField(kThreatIndicatorField))
    , m_fieldId(internField(kThreatMatchedInField))
    , m_feedStates(m_config.feeds.size()) {
    const std::pair<IndicatorKind, const std::vector<std::string> *> kinds[]
        = {{IndicatorKind::Ip, &m_config.ipFields}, {IndicatorKind::Domain, &m_config.domainFields},
            {IndicatorKind::Hash, &m_config.hashFields}, {IndicatorKind::Url, &m_config.urlFields}};
    for (const auto &[kind, names] : kinds) {
        for (const std::string &name : *names) {
            const FieldId id = internField(name);
            if (id >= m_roles.size())
                m_roles.resize(std::size_t(id) + 1);
            std::uint16_t &rank = m_roles[id].rank[static_cast<std::size_t>(kind)];
            if (rank != kNotCompared)
                continue; // listed twice for one kind: the first place counts
            rank = static_cast<std::uint16_t>(m_rankedNames.size());
            m_rankedNames.push_back(name);
        }
    }
    for (const ThreatFeedConfig &feed : m_config.feeds) {
        ThreatFeedStatus status;
        status.name = feed.name;
        status.path = feed.path;
        m_status.push_back(std::move(status));
    }
}

Result<FeedContents> ThreatIntelStep::load(const ThreatFeedConfig &feed, FileIdentity &identity) const {
    const int fd = ::open(feed.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return makeError(feed.path + ": cannot open: " + errnoText(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer {fd};
    struct stat info { };
    if (::fstat(fd, &info) != 0)
        return makeError(feed.path + ": cannot read: " + errnoText(errno));
    if (!S_ISREG(info.st_mode))
        return makeError(feed.path + ": not a regular file");
    if (static_cast<std::uint64_t>(info.st_size) > m_config.maxFeedSize)
        return makeError(feed.path + ": " + std::to_string(info.st_size) + " bytes is more than max_feed_size ("
            + std::to_string(m_config.maxFeedSize) + ")");
    identity = FileIdentity {static_cast<std::uint64_t>(info.st_dev), static_cast<std::uint64_t>(info.st_ino),
        static_cast<std::uint64_t>(info.st_size),
        static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec};

    std::string text;
    text.resize(static_cast<std::size_t>(info.st_size));
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::read(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return makeError(feed.path + ": cannot read: " + errnoText(errno));
        if (n == 0)
            break; // shrank while we read: parse what is there, the next refresh sees the change
        done += static_cast<std::size_t>(n);
    }
    text.resize(done);

    Result<FeedContents> contents = makeError("");
    switch (feed.type) {
    case FeedType::Plain:
        contents = parsePlainList(text, feed.kind);
        break;
    case FeedType::Stix:
        contents = parseStixBundle(text, m_clock());
        break;
    case FeedType::Misp:
        contents = parseMispEvent(text, feed.toIdsOnly);
        break;
    }
    if (!contents)
        return makeError(feed.path + ": " + contents.error().message);
    return contents;
}

ThreatIntelRefresh ThreatIntelStep::refresh(bool force) {
    const std::lock_guard refreshing(m_refreshMutex);
    ThreatIntelRefresh report;
    bool changed = !m_set.load(std::memory_order_acquire); // the first refresh always builds a set
    for (std::size_t i = 0; i < m_config.feeds.size(); ++i) {
        const ThreatFeedConfig &feed = m_config.feeds[i];
        FeedState &state = m_feedStates[i];
        if (!force && state.loadedFrom) {
            struct stat info { };
            if (::stat(feed.path.c_str(), &info) == 0) {
                const FileIdentity now {static_cast<std::uint64_t>(info.st_dev),
                    static_cast<std::uint64_t>(info.st_ino), static_cast<std::uint64_t>(info.st_size),
                    static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec};
                if (now == *state.loadedFrom) {
                    ++report.unchanged;
                    continue;
                }
            }
        }
        FileIdentity identity;
        Result<FeedContents> contents = load(feed, identity);
        const std::lock_guard statusLock(m_statusMutex);
        ThreatFeedStatus &status = m_status[i];
        if (!contents) {
            // Keep what the feed had: a half-written or vanished file must not empty the set.
            ++report.failed;
            ++status.loadErrors;
            status.lastError = contents.error().message;
            continue;
        }
        ++report.loaded;
        changed = true;
        state.indicators = std::move(contents->indicators);
        state.loadedFrom = identity;
        status.entries = state.indicators.size();
        status.skipped = contents->skipped;
        status.unreducible = contents->unreducible;
        status.partial = contents->partial;
        status.notes = std::move(contents->notes);
        status.lastError.clear();
        status.loadedAtNs = m_clock();
        ++status.loads;
    }
    if (changed) {
        std::vector<std::string> names;
        std::vector<const std::vector<Indicator> *> lists;
        for (std::size_t i = 0; i < m_config.feeds.size(); ++i) {
            names.push_back(m_config.feeds[i].name);
            lists.push_back(&m_feedStates[i].indicators);
        }
        m_set.store(IocSet::build(names, lists), std::memory_order_release);
        report.swapped = true;
    }
    const std::lock_guard statusLock(m_statusMutex);
    ++m_refreshes;
    if (report.swapped)
        ++m_swaps;
    return report;
}

void ThreatIntelStep::process(EventBatch &batch) {
    m_in.fetch_add(batch.size(), std::memory_order_relaxed);
    const std::shared_ptr<const IocSet> set = m_set.load(std::memory_order_acquire);
    if (!set || set->empty()) {
        m_out.fetch_add(batch.size(), std::memory_order_relaxed);
        return;
    }
    std::uint64_t lookups = 0;
    std::uint64_t hits = 0;
    std::uint64_t matchedEvents = 0;
    std::string_view trueText;
    DomainBuffer domainBuffer;
    HashBuffer hashBuffer;
    UrlBuffer urlBuffer;
    IocSet::FeedNamesBuffer namesBuffer;

    const bool ips = set->hasIps();
    const bool domains = set->hasDomains();
    const bool hashes = set->hasHashes();
    const bool urls = set->hasUrls();
    constexpr auto kIp = static_cast<std::size_t>(IndicatorKind::Ip);
    constexpr auto kDomain = static_cast<std::size_t>(IndicatorKind::Domain);
    constexpr auto kHash = static_cast<std::size_t>(IndicatorKind::Hash);
    constexpr auto kUrl = static_cast<std::size_t>(IndicatorKind::Url);

    for (Event &event : batch.events()) {
        std::uint64_t feeds = 0;
        std::string_view indicator;
        std::uint16_t bestRank = kNotCompared;
        const auto consider = [&](const IocMatch &match, std::uint16_t rank) {
            if (!match)
                return;
            ++hits;
            if (rank < bestRank) {
                indicator = match.indicator;
                bestRank = rank;
            }
            feeds |= match.feeds;
        };
        // One pass over the event's fields (fields are added only after it).
        for (const Field &field : event.fields()) {
            if (field.id >= m_roles.size() || field.value.empty())
                continue;
            const FieldRole &role = m_roles[field.id];
            if (ips && role.rank[kIp] != kNotCompared) {
                ++lookups;
                if (const std::optional<IpKey> address = parseIpKey(field.value))
                    consider(set->matchIp(*address), role.rank[kIp]);
            }
            if (domains && role.rank[kDomain] != kNotCompared) {
                ++lookups;
                if (const auto name = normalizeDomain(field.value, domainBuffer))
                    consider(set->matchDomain(*name), role.rank[kDomain]);
            }
            if (hashes && role.rank[kHash] != kNotCompared) {
                // A plain hash, or Sysmon's "SHA1=…,MD5=…,SHA256=…,IMPHASH=…".
                std::string_view value = field.value;
                while (!value.empty()) {
                    const std::size_t comma = value.find(',');
                    std::string_view part = value.substr(0, comma);
                    value.remove_prefix(comma == std::string_view::npos ? value.size() : comma + 1);
                    if (const std::size_t equals = part.find('='); equals != std::string_view::npos)
                        part.remove_prefix(equals + 1);
                    ++lookups;
                    if (const auto hash = normalizeHash(part, hashBuffer))
                        consider(set->matchHash(*hash), role.rank[kHash]);
                }
            }
            if (urls && role.rank[kUrl] != kNotCompared) {
                ++lookups;
                if (const auto url = normalizeUrl(field.value, urlBuffer))
                    consider(set->matchUrl(*url), role.rank[kUrl]);
            }
        }
        if (feeds == 0)
            continue;
        ++matchedEvents;
        if (trueText.empty())
            trueText = batch.store("true");
        batch.setStoredField(event, m_matchedId, trueText);
        batch.setField(event, m_feedsId, set->feedNames(feeds, namesBuffer));
        batch.setField(event, m_indicatorId, indicator);
        batch.setField(event, m_fieldId, m_rankedNames[bestRank]);
    }
    m_lookups.fetch_add(lookups, std::memory_order_relaxed);
    m_hits.fetch_add(hits, std::memory_order_relaxed);
    m_matchedEvents.fetch_add(matchedEvents, std::memory_order_relaxed);
    m_out.fetch_add(batch.size(), std::memory_order_relaxed);
}

ThreatIntelCounters ThreatIntelStep::counters() const {
    ThreatIntelCounters out;
    out.stage.in = m_in.load(std::memory_order_relaxed);
    out.stage.out = m_out.load(std::memory_order_relaxed);
    out.lookups = m_lookups.load(std::memory_order_relaxed);
    out.hits = m_hits.load(std::memory_order_relaxed);
    out.matchedEvents = m_matchedEvents.load(std::memory_order_relaxed);
    if (const auto set = currentSet())
        out.indicators = set->size();
    const std::lock_guard lock(m_statusMutex);
    out.refreshes = m_refreshes;
    out.swaps = m_swaps;
    out.feeds = m_status;
    return out;
}

} // namespace vanopticon::sentinel
