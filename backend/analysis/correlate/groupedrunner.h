// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/eventcounter.h"
#include "analysis/correlate/eventtime.h"
#include "analysis/correlate/grouptable.h"
#include "analysis/correlate/rulerunner.h"

#include <algorithm>
#include <cassert>

namespace vanopticon::analysis {

// The parts every rule kind shares: a group table and its upkeep. Groups whose newest event
// left the window on their node's clock are dropped by sweep().
template<typename State> class GroupedRunner : public RuleRunner {
public:
    GroupedRunner(CorrelationRule rule, const CorrelationLimits &limits, const FieldReader &fields)
        : RuleRunner(std::move(rule), limits, fields)
        , m_groups(limits.maxGroupsPerRule) { }

    void sweep(const NodeClock &clock, std::size_t budget, std::vector<Detection> &) override {
        const std::int64_t windowNs = m_windowNs;
        m_counters.groupsExpired += m_groups.sweep(
            [&](const typename GroupTable<State>::Group &group) {
                return group.newestNs < eventtime::windowStart(clock.now(group.nodeSlot), windowNs);
            },
            budget);
    }
    std::size_t groupCount() const override { return m_groups.size(); }

protected:
    using Group = typename GroupTable<State>::Group;
    struct Touched {
        Group &group;
        bool created;
    };

    // The group with this key (created when absent), its newest time and node updated.
    Touched touchGroup(std::string_view key, std::int64_t timestampNs, std::uint32_t nodeSlot) {
        auto touched = m_groups.touch(key);
        if (touched.evictedAnother)
            ++m_counters.groupsEvicted;
        auto &group = touched.group;
        group.newestNs = touched.created ? timestampNs : std::max(group.newestNs, timestampNs);
        group.nodeSlot = nodeSlot;
        return {group, touched.created};
    }

    // With repeats merged (CorrelationEngine::Repeats): when the group already made a detection
    // in this batch, what it fired on now is added to that one, as the alert layer would merge
    // them anyway, and true is returned; no detection is built, no explanation written.
    bool extendEarlier(
        Group &group, const CountOutcome &outcome, std::string_view nodeId, std::vector<Detection> &out) {
        if (!m_mergeRepeats || group.detectionBatch != m_batch)
            return false;
        assert(group.detectionIndex < out.size() && out[group.detectionIndex].ruleId == m_rule.id);
        Detection &earlier = out[group.detectionIndex];
        earlier.eventCount += outcome.eventCount;
        earlier.firstSeenNs = std::min(earlier.firstSeenNs, outcome.firstSeenNs);
        earlier.lastSeenNs = std::max(earlier.lastSeenNs, outcome.lastSeenNs);
        earlier.nodeId.assign(nodeId);
        earlier.evidence.insert(earlier.evidence.end(), outcome.evidence.begin(), outcome.evidence.end());
        ++m_counters.detectionsEmitted;
        return true;
    }
    // Appends the group's detection to the batch's output.
    void emit(Group &group, Detection detection, std::vector<Detection> &out) {
        group.detectionBatch = m_batch;
        group.detectionIndex = out.size();
        out.push_back(std::move(detection));
        ++m_counters.detectionsEmitted;
    }

    GroupTable<State> m_groups;
};

} // namespace vanopticon::analysis
