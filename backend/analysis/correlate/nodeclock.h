// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vanopticon::analysis {

// Event time per node: the timestamp of the latest event that arrived from each node. Groups
// expire against the clock of the node that last fed them, so a node replaying an old backlog
// does not make every other node's groups look expired, nor the other way round. A clock is the
// last timestamp seen, not the largest, so one absurd timestamp does not stop a node's clock.
class NodeClock {
public:
    // Nodes beyond `maxNodes` share slot 0, whose clock is the last timestamp of any of them.
    explicit NodeClock(std::size_t maxNodes);

    std::uint32_t observe(std::string_view nodeId, std::int64_t timestampNs);
    std::int64_t now(std::uint32_t slot) const { return m_clocks[slot]; }
    std::size_t nodeCount() const { return m_slots.size(); }

private:
    std::size_t m_maxNodes;
    std::unordered_map<std::string, std::uint32_t> m_slots;
    std::vector<std::int64_t> m_clocks;
    // Batches come from one node at a time: remembering the last one avoids most lookups.
    std::string m_lastNode;
    std::uint32_t m_lastSlot = 0;
    bool m_hasLast = false;
};

} // namespace vanopticon::analysis
