// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/netflow/flowtemplate.h"
#include "sentinel/respond/ipaddress.h"

#include <cstddef>
#include <cstdint>
#include <list>
#include <unordered_map>

namespace vanopticon::sentinel {

// Template ids are only unique per exporter, per observation domain (v9: source id) and per
// protocol: two routers may both define template 256, differently.
struct TemplateKey {
    IpAddress exporter;
    std::uint32_t domain = 0;
    std::uint16_t templateId = 0;
    std::uint8_t version = 0; // 9 or 10

    bool operator==(const TemplateKey &) const = default;
};

struct TemplateKeyHash {
    std::size_t operator()(const TemplateKey &key) const;
};

struct IpAddressHash {
    std::size_t operator()(const IpAddress &address) const;
};

// The templates every exporter has sent, bounded: when full, the template used or refreshed
// least recently is forgotten (exporters re-send templates periodically, so a busy one comes
// back; its data is held meanwhile).
class TemplateCache {
public:
    enum class Change : std::uint8_t { Added, Refreshed, Redefined };

    explicit TemplateCache(std::size_t maxTemplates);

    Change put(const TemplateKey &key, FlowTemplate &&flowTemplate);
    // The template, or nullptr; counts as a use.
    const FlowTemplate *find(const TemplateKey &key);
    bool contains(const TemplateKey &key) const { return m_entries.count(key) > 0; }
    bool remove(const TemplateKey &key);
    // Every data (or options) template of one exporter's domain: IPFIX's "withdraw all".
    std::size_t removeAll(const IpAddress &exporter, std::uint32_t domain, std::uint8_t version, bool options);

    std::size_t size() const { return m_entries.size(); }
    std::size_t capacity() const { return m_maxTemplates; }
    std::uint64_t evicted() const { return m_evicted; }

private:
    struct Entry {
        FlowTemplate flowTemplate;
        std::list<TemplateKey>::iterator age;
    };

    std::size_t m_maxTemplates;
    std::unordered_map<TemplateKey, Entry, TemplateKeyHash> m_entries;
    std::list<TemplateKey> m_ages; // least recently used first
    std::uint64_t m_evicted = 0;
};

} // namespace vanopticon::sentinel
