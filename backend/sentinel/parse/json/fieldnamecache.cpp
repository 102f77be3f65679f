// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/json/fieldnamecache.h"

namespace vanopticon::sentinel {

FieldNameCache::FieldNameCache(std::size_t maxNewNames)
    : m_maxNewNames(maxNewNames) {
}

std::optional<FieldId> FieldNameCache::lookup(std::string_view name) {
    if (const auto it = m_ids.find(name); it != m_ids.end())
        return it->second;
    FieldRegistry &registry = FieldRegistry::instance();
    std::optional<FieldId> id = registry.find(name);
    if (!id) {
        if (m_newNames >= m_maxNewNames) {
            ++m_refused;
            return std::nullopt;
        }
        id = registry.tryIntern(name);
        if (!id) {
            ++m_refused;
            return std::nullopt;
        }
        ++m_newNames;
    }
    if (m_ids.size() < kMaxEntries)
        m_ids.emplace(std::string(name), *id);
    return id;
}

} // namespace vanopticon::sentinel
