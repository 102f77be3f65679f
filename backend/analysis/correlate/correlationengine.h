// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/correlationrule.h"
#include "analysis/correlate/detection.h"
#include "analysis/correlate/eventref.h"
#include "analysis/correlate/fieldreader.h"
#include "analysis/correlate/nodeclock.h"
#include "analysis/correlate/signaltable.h"
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
    // value_sum / value_avg: samples kept exactly per group window; beyond, neighbours merge.
    std::size_t maxSamplesPerGroup = 1024;
    // value_percentile: distinct values judged per group window.
    std::size_t maxDistinctValuesPerGroup = 10'000;

    Result<void> validate() const;
    // Keys max_groups_per_rule, max_evidence_per_group, max_group_value_bytes, max_nodes,
    // max_samples_per_group, max_distinct_values_per_group; absent ones keep their defaults.
    static Result<CorrelationLimits> fromConfig(const config::Section &section);
};

struct RuleCounters {
    std::string ruleId;
    std::uint64_t eventsMatched = 0; // met the rule's condition (for temporal_ordered: some step's)
    std::uint64_t eventsWithoutGroup = 0; // matched, but a group_by field was absent or empty
    std::uint64_t eventsGroupTooLong = 0; // matched, but a group_by value exceeded the limit
    std::uint64_t eventsLate = 0; // arrived after their window had been decided
    // value_*: taken, but the value field was absent, empty, longer than max_group_value_bytes or
    // (value_sum, value_avg) not a finite number
    std::uint64_t eventsWithoutValue = 0;
    std::uint64_t valuesUntracked = 0; // value_percentile: events whose value was beyond the cap
    std::uint64_t detectionsEmitted = 0;
    std::uint64_t groupsLive = 0;
    std::uint64_t groupsEvicted = 0; // dropped at the cap before they expired
    std::uint64_t groupsExpired = 0; // swept after their window passed
};

class RuleRunner;

// Why a rule cannot run together with the others (see CorrelationEngine::checkChains).
struct ChainProblem {
    std::size_t rule; // index in the list checked: leave this rule out
    std::string message;
};

// Runs windowed correlation rules over batches of events. Time is event time
// (Event::timestampNs), never the wall clock, so replaying an old log behaves as it did live.
// Not thread-safe: one engine per ingest thread.
//
// Rules take events by expression (`filter`) or by signal (what the caller says each event
// matched, e.g. Sigma rules; see SignalTable). A rule with `emits` marks each event it fires on
// with that signal, and rules run, for each event, in an order where every emitter precedes the
// rules that take its signal, so a correlation can be built on another one within one batch.
class CorrelationEngine {
public:
    using Limits = CorrelationLimits;
    // How a group that keeps firing within one batch is reported (event_count, value_count,
    // value_sum, value_avg, which fire again on each further event while the condition holds):
    // a detection for each event, or one per group and batch holding them all (the counts added,
    // the times widened, the evidence joined, the explanation of the first), as the alert layer
    // merges them anyway.
    enum class Repeats { EachEvent, MergedPerBatch };

    // The rules and limits must be valid (see validate()), as the loader makes them.
    explicit CorrelationEngine(std::vector<CorrelationRule> rules, Limits limits = Limits());
    // For rules built elsewhere (e.g. compiled from Sigma): checks them first (validate(), unique
    // ids, checkChains()).
    static Result<CorrelationEngine> create(std::vector<CorrelationRule> rules, Limits limits = Limits());
    // Rules that cannot run with the others: rules whose signals form a cycle (a rule that takes,
    // directly or through others, what it emits itself), and rules that take a signal only rules
    // decided at window close emit (those mark no event). The caller may leave them out.
    static std::vector<ChainProblem> checkChains(const std::vector<CorrelationRule> &rules);
    ~CorrelationEngine();
    CorrelationEngine(CorrelationEngine &&) noexcept;
    CorrelationEngine &operator=(CorrelationEngine &&) noexcept;

    // `refs` is parallel to batch.events(); `signalTable` too, or empty (no event carries a signal);
    // `fieldMappings` too, or empty: the mappings through which the rules read each event's
    // fields where it lacks one (group-by and value fields), as the Sigma rules that marked it did.
    // Detections are appended to `out` in event order, then those of windows that closed.
    void process(const EventBatch &batch, std::span<const EventRef> refs, const SignalTable &signalTable,
        std::vector<Detection> &out, std::span<const std::span<const FieldMapping>> fieldMappings = {},
        Repeats repeats = Repeats::EachEvent);
    // No signals.
    void process(const EventBatch &batch, std::span<const EventRef> refs, std::vector<Detection> &out,
        Repeats repeats = Repeats::EachEvent);

    std::size_t ruleCount() const { return m_runners.size(); }
    // In the order the rules run (emitters first; otherwise as given).
    std::vector<RuleCounters> counters() const;

private:
    Limits m_limits;
    NodeClock m_clock;
    std::vector<std::unique_ptr<RuleRunner>> m_runners; // emitters before the rules that take their signals
    std::vector<SignalId> m_emitted; // signals rules emitted on the current event
    std::unique_ptr<FieldReader> m_fields; // the runners read the current event through it (stable address)
};

} // namespace vanopticon::analysis
