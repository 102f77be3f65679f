// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/netflow/templatecache.h"

#include <cassert>
#include <string_view>

namespace vanopticon::sentinel {

std::size_t IpAddressHash::operator()(const IpAddress &address) const {
    const auto &bytes = address.bytes();
    return std::hash<std::string_view>()(std::string_view(reinterpret_cast<const char *>(bytes.data()), bytes.size()))
        ^ static_cast<std::size_t>(address.family());
}

std::size_t TemplateKeyHash::operator()(const TemplateKey &key) const {
    std::size_t hash = IpAddressHash()(key.exporter);
    const std::uint64_t rest = (std::uint64_t(key.domain) << 32) | (std::uint64_t(key.templateId) << 8) | key.version;
    hash ^= std::hash<std::uint64_t>()(rest) + 0x9e3779b97f4a7c15ULL + (hash << 6) + (hash >> 2);
    return hash;
}

TemplateCache::TemplateCache(std::size_t maxTemplates)
    : m_maxTemplates(maxTemplates) {
    assert(maxTemplates > 0);
}

TemplateCache::Change TemplateCache::put(const TemplateKey &key, FlowTemplate &&flowTemplate) {
    if (auto it = m_entries.find(key); it != m_entries.end()) {
        m_ages.splice(m_ages.end(), m_ages, it->second.age);
        const bool same = it->second.flowTemplate.sameLayout(flowTemplate);
        it->second.flowTemplate = std::move(flowTemplate);
        return same ? Change::Refreshed : Change::Redefined;
    }
    while (m_entries.size() >= m_maxTemplates) {
        m_entries.erase(m_ages.front());
        m_ages.pop_front();
        ++m_evicted;
    }
    m_ages.push_back(key);
    m_entries.emplace(key, Entry {std::move(flowTemplate), std::prev(m_ages.end())});
    return Change::Added;
}

const FlowTemplate *TemplateCache::find(const TemplateKey &key) {
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return nullptr;
    m_ages.splice(m_ages.end(), m_ages, it->second.age);
    return &it->second.flowTemplate;
}

bool TemplateCache::remove(const TemplateKey &key) {
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return false;
    m_ages.erase(it->second.age);
    m_entries.erase(it);
    return true;
}

std::size_t TemplateCache::removeAll(
    const IpAddress &exporter, std::uint32_t domain, std::uint8_t version, bool options) {
    std::size_t removed = 0;
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        const TemplateKey &key = it->first;
        if (key.exporter == exporter && key.domain == domain && key.version == version
            && it->second.flowTemplate.options == options) {
            m_ages.erase(it->second.age);
            it = m_entries.erase(it);
            ++removed;
        } else {
            ++it;
        }
    }
    return removed;
}

} // namespace vanopticon::sentinel
