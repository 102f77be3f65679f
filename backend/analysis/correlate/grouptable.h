// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vanopticon::analysis {

// The per-group state of one rule, bounded: at the cap the least recently seen group makes
// room. Groups are kept in the order they were last seen, so sweeping expired groups starts
// with the likeliest candidates.
//
// Groups come and go at the rate of new keys (under a scan from many addresses, about one per
// event per rule), so a group that goes keeps its list node, its key's buffer and its index
// node as spares (up to kMaxSpares) for the next group made, rather than freeing them.
template<typename State> class GroupTable {
public:
    static constexpr std::size_t kMaxSpares = 256;

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

    // The group with this key, created when absent (as a default Group); it becomes the most
    // recently seen.
    Touched touch(std::string_view key) {
        if (auto it = m_index.find(key); it != m_index.end()) {
            m_order.splice(m_order.begin(), m_order, it->second);
            return {*it->second, false, false};
        }
        bool evicted = false;
        if (m_order.size() >= m_maxGroups) {
            retire(std::prev(m_order.end()));
            evicted = true;
        }
        if (m_spares.empty()) {
            m_order.emplace_front();
        } else {
            m_order.splice(m_order.begin(), m_spares, m_spares.begin());
            reuse(m_order.front());
        }
        Group &group = m_order.front();
        group.key.assign(key);
        // The view points into the list node, which never moves.
        if (m_spareIndexNodes.empty()) {
            m_index.emplace(std::string_view(group.key), m_order.begin());
        } else {
            auto node = std::move(m_spareIndexNodes.back());
            m_spareIndexNodes.pop_back();
            node.key() = std::string_view(group.key);
            node.mapped() = m_order.begin();
            m_index.insert(std::move(node));
        }
        return {group, true, evicted};
    }

    void erase(const Group &group) {
        const auto it = m_index.find(std::string_view(group.key));
        assert(it != m_index.end());
        retire(it->second);
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
                it = retire(it);
                ++removed;
            }
        }
        return removed;
    }

    std::size_t size() const { return m_order.size(); }
    std::size_t spares() const { return m_spares.size(); }

private:
    using Order = std::list<Group>;
    using Index = std::unordered_map<std::string_view, typename Order::iterator>;

    // Removes the group from the table, keeping its nodes as spares while there is room for
    // them; returns the group after it.
    typename Order::iterator retire(typename Order::iterator group) {
        const auto next = std::next(group);
        auto indexNode = m_index.extract(std::string_view(group->key));
        assert(!indexNode.empty());
        if (m_spareIndexNodes.size() < kMaxSpares)
            m_spareIndexNodes.push_back(std::move(indexNode));
        if (m_spares.size() < kMaxSpares)
            m_spares.splice(m_spares.begin(), m_order, group);
        else
            m_order.erase(group);
        return next;
    }

    // A spare made a new group again. The key keeps its buffer (assigned by the caller); the
    // state starts over as a default one.
    static void reuse(Group &group) {
        group.newestNs = 0;
        group.nodeSlot = 0;
        group.detectionBatch = 0;
        group.detectionIndex = 0;
        group.state = State {};
    }

    std::size_t m_maxGroups;
    Order m_order; // most recently seen first
    Index m_index;
    Order m_spares;
    std::vector<typename Index::node_type> m_spareIndexNodes;
};

} // namespace vanopticon::analysis
