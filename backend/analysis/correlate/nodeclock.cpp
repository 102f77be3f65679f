// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/nodeclock.h"

namespace vanopticon::analysis {

NodeClock::NodeClock(std::size_t maxNodes)
    : m_maxNodes(maxNodes)
    , m_clocks(1, 0) {
}

std::uint32_t NodeClock::observe(std::string_view nodeId, std::int64_t timestampNs) {
    std::uint32_t slot = 0;
    if (m_hasLast && nodeId == m_lastNode) {
        slot = m_lastSlot;
    } else {
        std::string key(nodeId);
        if (const auto it = m_slots.find(key); it != m_slots.end()) {
            slot = it->second;
        } else if (m_slots.size() < m_maxNodes) {
            slot = static_cast<std::uint32_t>(m_clocks.size());
            m_clocks.push_back(timestampNs);
            m_slots.emplace(key, slot);
        }
        m_lastNode = std::move(key);
        m_lastSlot = slot;
        m_hasLast = true;
    }
    m_clocks[slot] = timestampNs;
    return slot;
}

} // namespace vanopticon::analysis
