// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/evidencebuffer.h"
#include "analysis/correlate/groupedrunner.h"

#include <string>
#include <unordered_map>
#include <unordered_set>

namespace vanopticon::analysis {

// The state of one group whose window is decided when it closes.
struct ClosingState {
    struct ValueStats {
        std::uint64_t count = 0;
        Evidence first; // the value's oldest and newest events
        Evidence last;
    };
    std::int64_t openNs = 0; // the window is [openNs, openNs + window]
    std::string nodeId; // of the group's last event
    std::uint64_t events = 0;
    EvidenceBuffer evidence;
    std::uint32_t steps = 0; // temporal: the steps that had an event
    std::unordered_set<std::string> distinct; // value_count: up to the count the condition needs
    double sum = 0; // value_sum, value_avg
    std::unordered_map<std::string, ValueStats> values; // value_percentile: up to the cap
};

// Every rule whose condition has an upper bound, and value_percentile: windows that open at a
// group's first event and are decided once, when they close (see CorrelationType). Never marks
// an event with the rule's signal.
class ClosingWindowRunner final : public GroupedRunner<ClosingState> {
public:
    ClosingWindowRunner(CorrelationRule rule, const CorrelationLimits &limits, const FieldReader &fields);

    bool process(const Event &event, const EventRef &ref, std::uint32_t nodeSlot, const EventSignals &carried,
        std::vector<Detection> &out) override;
    void sweep(const NodeClock &clock, std::size_t budget, std::vector<Detection> &out) override;

private:
    std::int64_t closeNs(const ClosingState &state) const;
    void add(ClosingState &state, const Event &event, const EventRef &ref, std::uint32_t stepMask,
        std::optional<double> number);
    void decide(std::string_view key, ClosingState &state, std::vector<Detection> &out);
    void decidePercentiles(std::string_view key, ClosingState &state, std::vector<Detection> &out);
    Detection windowDetection(std::string_view key, const ClosingState &state) const;

    std::size_t m_distinctCap; // value_count
    std::size_t m_maxDistinctValues; // value_percentile
    std::size_t m_maxEvidence;
    std::string m_takesText;
    std::string m_stepsText;
    std::string m_quantityName;
    std::string m_conditionText;
};

} // namespace vanopticon::analysis
