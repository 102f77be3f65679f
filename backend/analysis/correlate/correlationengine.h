// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/correlationrule.h"
#include "analysis/correlate/detection.h"
#include "analysis/correlate/eventref.h"
#include "analysis/correlate/nodeclock.h"
#include "shared/core/result.h"
#include "shared/event/event.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace vanopticon::config {
class Section;
}

namespace vanopticon::analysis {

// Memory bounds of the correlation engine.
struct CorrelationLimits {
    std::size_t maxGroupsPerRule = 100'000; // beyond it the least recently seen group is evicted
    std::size_t maxEvidencePerGroup = 50; // the first and the last events are kept, at least 2
    std::size_t maxGroupValueBytes = 1024; // events with a longer group_by value are not counted
    std::size_t maxNodes = 100'000; // node clocks kept (see NodeClock)

    Result<void> validate() const;
    // Keys max_groups_per_rule, max_evidence_per_group, max_group_value_bytes, max_nodes; absent
    // ones keep their defaults.
    static Result<CorrelationLimits> fromConfig(const config::Section &section);
};

struct RuleCounters {
    std::string ruleId;
    std::uint64_t eventsMatched = 0; // met the rule's condition (for temporal_ordered: some step's)
    std::uint64_t eventsWithoutGroup = 0; // matched, but a group_by field was absent or empty
    std::uint64_t eventsGroupTooLong = 0; // matched, but a group_by value exceeded the limit
    std::uint64_t eventsLate = 0; // arrived after their window had been decided
    std::uint64_t detectionsEmitted = 0;
    std::uint64_t groupsLive = 0;
    std::uint64_t groupsEvicted = 0; // dropped at the cap before they expired
    std::uint64_t groupsExpired = 0; // swept after their window passed
};

class RuleRunner;

// Runs windowed correlation rules over batches of events. Time is event time
// (Event::timestampNs), never the wall clock, so replaying an old log behaves as it did live.
// Not thread-safe: one engine per ingest thread.
class CorrelationEngine {
public:
    using Limits = CorrelationLimits;

    // The rules and limits must be valid (see validate()), as the loader makes them.
    explicit CorrelationEngine(std::vector<CorrelationRule> rules, Limits limits = Limits());
    // For rules built elsewhere (e.g. compiled from Sigma): checks them first.
    static Result<CorrelationEngine> create(std::vector<CorrelationRule> rules, Limits limits = Limits());
    ~CorrelationEngine();
    CorrelationEngine(CorrelationEngine &&) noexcept;
    CorrelationEngine &operator=(CorrelationEngine &&) noexcept;

    // `refs` is parallel to batch.events(). Detections are appended to `out` in event order.
    void process(const EventBatch &batch, std::span<const EventRef> refs, std::vector<Detection> &out);

    std::size_t ruleCount() const { return m_runners.size(); }
    std::vector<RuleCounters> counters() const;

private:
    Limits m_limits;
    NodeClock m_clock;
    std::vector<std::unique_ptr<RuleRunner>> m_runners;
};

} // namespace vanopticon::analysis
