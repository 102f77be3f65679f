// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace vanopticon::analysis {

// The per-group state of one rule, bounded: at the cap the least recently seen group makes
// room. Groups are kept in the order they were last seen, so sweeping expired groups starts
// with the likeliest candidates.
template<typename State> class GroupTable {
public:
    struct Group {
        std::string key;
        std::int64_t newestNs = 0; // the latest event time of the group
        std::uint32_t nodeSlot = 0; // the node of its last event (see NodeClock)
        // The batch in which the group last made a detection, and that detection's place in the
        // batch's output (see GroupedRunner::extendEarlier).
        std::uint64_t detectionBatch = 0;
        std::size_t detectionIndex = 0;
        State state;
    };
    struct Touched {
        Group &group;
        bool created;
        bool evictedAnother;
    };

    explicit GroupTable(std::size_t maxGroups)
        : m_maxGroups(maxGroups) {
        assert(maxGroups >= 1);
    }
    GroupTable(const GroupTable &) = delete;
    GroupTable &operator=(const GroupTable &) = delete;

    // The group with this key, created when absent; it becomes the most recently seen.
    Touched touch(std::string_view key) {
        if (auto it = m_index.find(key); it != m_index.end()) {
            m_order.splice(m_order.begin(), m_order, it->second);
            return {*it->second, false, false};
        }
        bool evicted = false;
        if (m_order.size() >= m_maxGroups) {
            m_index.erase(m_order.back().key);
            m_order.pop_back();
            evicted = true;
        }
        m_order.emplace_front();
        Group &group = m_order.front();
        group.key.assign(key);
        // The view points into the list node, which never moves.
        m_index.emplace(std::string_view(group.key), m_order.begin());
        return {group, true, evicted};
    }

    void erase(const Group &group) {
        const auto it = m_index.find(std::string_view(group.key));
        assert(it != m_index.end());
        const auto node = it->second;
        m_index.erase(it);
        m_order.erase(node);
    }

    // Looks at up to `budget` groups, least recently seen first, and removes those `expired`
    // says are; returns how many it removed.
    template<typename Expired> std::size_t sweep(Expired expired, std::size_t budget) {
        std::size_t removed = 0;
        auto it = m_order.end();
        while (budget > 0 && it != m_order.begin()) {
            --budget;
            --it;
            if (expired(*it)) {
                m_index.erase(std::string_view(it->key));
                it = m_order.erase(it);
                ++removed;
            }
        }
        return removed;
    }

    std::size_t size() const { return m_order.size(); }

private:
    std::size_t m_maxGroups;
    std::list<Group> m_order; // most recently seen first
    std::unordered_map<std::string_view, typename std::list<Group>::iterator> m_index;
};

} // namespace vanopticon::analysis
