// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/enrich/geoip/ipkey.h"
#include "sentinel/enrich/threatintel/addresstable.h"
#include "sentinel/enrich/threatintel/indicator.h"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vanopticon::sentinel {

// What an event value matched: the feeds (bit i = feed i) and the indicator as stored.
struct IocMatch {
    std::uint64_t feeds = 0;
    std::string_view indicator;
    explicit operator bool() const { return feeds != 0; }
};

// The indicators of all feeds, merged into hash sets once per refresh and then only read:
// a snapshot shared by the pipeline (through a shared_ptr swapped on refresh), never modified.
// Addresses are compared in binary, one flat hash table per distinct prefix length (see
// AddressTable), so a list of single addresses costs one probe and CIDR entries one more per
// distinct prefix length; the
// feeds of every containing block count, the most specific block is the indicator. Names and
// hashes are exact (case-folded) matches, domains also by parent domain when the entry says so.
class IocSet {
public:
    static constexpr std::size_t kMaxFeeds = 64;

    // feeds[i] holds feed i's indicators; names[i] is its name (what `threat.feeds` lists).
    static std::shared_ptr<const IocSet> build(
        std::span<const std::string> names, std::span<const std::vector<Indicator> *const> feeds);

    IocMatch matchIp(const IpKey &address) const;
    IocMatch matchDomain(std::string_view normalized) const;
    IocMatch matchHash(std::string_view normalized) const;
    IocMatch matchUrl(std::string_view normalized) const;

    bool hasIps() const { return !m_addresses.empty(); }
    bool hasDomains() const { return !m_domains.empty(); }
    bool hasHashes() const { return !m_hashes.empty(); }
    bool hasUrls() const { return !m_urls.empty(); }
    bool empty() const { return !hasIps() && !hasDomains() && !hasHashes() && !hasUrls(); }
    std::size_t size() const;

    // "ipsum,partner" for a set of feeds, in configuration order.
    std::string feedNames(std::uint64_t feeds) const;
    // The same without allocating, written into the caller's buffer: room for every feed's name
    // (at most kMaxFeedNameLength characters, as the configuration enforces) and the commas.
    static constexpr std::size_t kMaxFeedNameLength = 64;
    using FeedNamesBuffer = std::array<char, kMaxFeeds *(kMaxFeedNameLength + 1)>;
    std::string_view feedNames(std::uint64_t feeds, FeedNamesBuffer &buffer) const;

private:
    struct Entry {
        std::uint64_t feeds = 0; // feeds listing exactly this value
        std::uint64_t subdomainFeeds = 0; // domains: feeds that also mean every name under it
        std::string indicator;
    };
    struct StringHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view> {}(text); }
    };
    using StringTable = std::unordered_map<std::string, Entry, StringHash, std::equal_to<>>;

    static IocMatch exact(const StringTable &table, std::string_view value);

    std::vector<std::string> m_names;
    AddressTable m_addresses; // block → index in m_ipEntries
    std::vector<Entry> m_ipEntries;
    StringTable m_domains;
    StringTable m_hashes;
    StringTable m_urls;
};

} // namespace vanopticon::sentinel
