// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/threatintel/iocset.h"

#include <algorithm>
#include <cassert>

namespace vanopticon::sentinel {

std::shared_ptr<const IocSet> IocSet::build(
    std::span<const std::string> names, std::span<const std::vector<Indicator> *const> feeds) {
    assert(names.size() == feeds.size() && feeds.size() <= kMaxFeeds);
    auto set = std::make_shared<IocSet>();
    set->m_names.assign(names.begin(), names.end());
    for (std::size_t feed = 0; feed < feeds.size(); ++feed) {
        const std::uint64_t bit = std::uint64_t(1) << feed;
        for (const Indicator &indicator : *feeds[feed]) {
            Entry *entry = nullptr;
            switch (indicator.kind) {
            case IndicatorKind::Ip: {
                const std::optional<IpPrefix> prefix = parseIpPrefix(indicator.value);
                if (!prefix)
                    continue; // normalised by ipIndicator(), so this does not happen
                const auto next = static_cast<std::uint32_t>(set->m_ipEntries.size());
                const std::uint32_t index = set->m_addresses.insert(*prefix, next);
                if (index == next)
                    set->m_ipEntries.emplace_back();
                entry = &set->m_ipEntries[index];
                break;
            }
            case IndicatorKind::Domain:
                entry = &set->m_domains[indicator.value];
                break;
            case IndicatorKind::Hash:
                entry = &set->m_hashes[indicator.value];
                break;
            case IndicatorKind::Url:
                entry = &set->m_urls[indicator.value];
                break;
            }
            entry->feeds |= bit;
            if (indicator.includeSubdomains)
                entry->subdomainFeeds |= bit;
            if (entry->indicator.empty())
                entry->indicator = indicator.value;
        }
    }
    return set;
}

std::size_t IocSet::size() const {
    return m_ipEntries.size() + m_domains.size() + m_hashes.size() + m_urls.size();
}

IocMatch IocSet::matchIp(const IpKey &address) const {
    // Every containing block counts for the feeds; the most specific one is the indicator.
    IocMatch match;
    m_addresses.forEachMatch(address, [this, &match](std::uint32_t index) {
        const Entry &entry = m_ipEntries[index];
        if (!match)
            match.indicator = entry.indicator;
        match.feeds |= entry.feeds;
    });
    return match;
}

IocMatch IocSet::exact(const StringTable &table, std::string_view value) {
    const auto it = table.find(value);
    if (it == table.end())
        return {};
    return IocMatch {it->second.feeds, it->second.indicator};
}

IocMatch IocSet::matchDomain(std::string_view normalized) const {
    if (IocMatch match = exact(m_domains, normalized))
        return match;
    // Parent domains, nearest first: "a.b.evil.example" → "b.evil.example" → "evil.example" → …
    for (std::size_t dot = normalized.find('.'); dot != std::string_view::npos; dot = normalized.find('.')) {
        normalized.remove_prefix(dot + 1);
        const auto it = m_domains.find(normalized);
        if (it != m_domains.end() && it->second.subdomainFeeds != 0)
            return IocMatch {it->second.subdomainFeeds, it->second.indicator};
    }
    return {};
}

IocMatch IocSet::matchHash(std::string_view normalized) const {
    return exact(m_hashes, normalized);
}

IocMatch IocSet::matchUrl(std::string_view normalized) const {
    return exact(m_urls, normalized);
}

std::string IocSet::feedNames(std::uint64_t feeds) const {
    std::string out;
    for (std::size_t i = 0; i < m_names.size(); ++i) {
        if ((feeds & (std::uint64_t(1) << i)) == 0)
            continue;
        if (!out.empty())
            out += ',';
        out += m_names[i];
    }
    return out;
}

std::string_view IocSet::feedNames(std::uint64_t feeds, FeedNamesBuffer &buffer) const {
    std::size_t length = 0;
    for (std::size_t i = 0; i < m_names.size(); ++i) {
        if ((feeds & (std::uint64_t(1) << i)) == 0)
            continue;
        const std::string_view name = std::string_view(m_names[i]).substr(0, kMaxFeedNameLength);
        if (length > 0)
            buffer[length++] = ',';
        std::copy(name.begin(), name.end(), buffer.begin() + static_cast<std::ptrdiff_t>(length));
        length += name.size();
    }
    return std::string_view(buffer.data(), length);
}

} // namespace vanopticon::sentinel
