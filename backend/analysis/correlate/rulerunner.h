// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/correlationengine.h"

#include <memory>
#include <string>
#include <vector>

namespace vanopticon::analysis {

// One rule inside the engine: its condition, its groups and its counters. The rule types differ
// only in what a group remembers (see EventCounter and SequenceMatcher).
class RuleRunner {
public:
    RuleRunner(CorrelationRule rule, const CorrelationLimits &limits);
    virtual ~RuleRunner() = default;
    RuleRunner(const RuleRunner &) = delete;
    RuleRunner &operator=(const RuleRunner &) = delete;

    virtual void process(const Event &event, const EventRef &ref, std::uint32_t nodeSlot, std::vector<Detection> &out)
        = 0;
    // Removes groups whose window has passed on their node's clock; looks at most at `budget`.
    virtual void sweep(const NodeClock &clock, std::size_t budget) = 0;
    virtual std::size_t groupCount() const = 0;

    RuleCounters counters() const;

protected:
    // Builds the group key of the event into m_key; false (and counted) when the event has no
    // group.
    bool buildKey(const Event &event);
    // A detection with the rule's fields, the group and the node filled in.
    Detection makeDetection(const Event &event, const EventRef &ref) const;
    // "User alice, SourceIp 203.0.113.7"
    static std::string describeGroup(const Detection &detection);

    CorrelationRule m_rule;
    std::int64_t m_windowNs;
    std::size_t m_maxGroupValueBytes;
    std::string m_key; // reused, so building a key does not allocate once warm
    RuleCounters m_counters;
};

std::unique_ptr<RuleRunner> makeRuleRunner(CorrelationRule rule, const CorrelationLimits &limits);

} // namespace vanopticon::analysis
