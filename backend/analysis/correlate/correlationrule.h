// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/signaltable.h"
#include "shared/core/result.h"
#include "shared/event/fieldid.h"
#include "shared/event/severity.h"
#include "shared/expr/expression.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::analysis {

// Named after Sigma's correlation types: the project's YAML rules (event_count,
// temporal_ordered) and Sigma correlations (all of them) run on this one engine.
//
// Every kind works per group (the group_by values) on event time (Event::timestampNs), with a
// window of `window` (inclusive: events exactly `window` apart are in one window).
//
// How a condition is decided:
// - Only lower bounds (gt, gte; or no conditions): on each event, over the sliding window that
//   ends at that event. The rule fires on the event that first meets the condition and reports
//   every event of the window not reported before; while the condition keeps holding, each
//   further event is reported on its own (the detection extends the same alert). When it no
//   longer holds, the next time it does reports what was not reported before.
// - Any upper bound (lt, lte, eq, neq), and every value_percentile rule: once per window, when it
//   closes. Such a group's window opens at its first event (an event that arrives out of order
//   still belongs to it while all its events fit in `window`) and closes `window` later; it is
//   decided when the clock of the group's node passes the end (see NodeClock; the engine's sweep
//   after each batch, which looks at a few groups per event, least recently seen first, so with
//   very many groups a closed window can wait a few batches) or when the group's next event is
//   past the end, whichever comes first. The next event opens the next window. A group exists
//   only once it has an event, so "lt 5" means 1 to 4; a group evicted at the groups cap loses
//   its undecided window (counted in RuleCounters::groupsEvicted). Detections of a closed window
//   carry all its events; they do not mark any event, so their `emits` signal is never seen by
//   other rules (the engine refuses to chain on them).
// A detection's firstSeenNs / lastSeenNs are the times of the first and the last event it
// reports, all inside one window; its group is the group_by (alias) names with the group's values.
//
// The kinds:
// - event_count: the number of events taken.
// - value_count: the number of distinct values of `valueFields` (a tuple when several) among the
//   events taken; events without a value are not counted. Memory per group: as many values as
//   the largest count the condition needs.
// - temporal: the number of distinct steps (one per referenced rule) that have an event in the
//   window, in any order. Without conditions: all steps. A firing group starts over.
// - temporal_ordered: all steps, in order, step k with at least min_count events (see
//   SequenceMatcher). Takes no conditions. A firing group starts over.
// - value_sum, value_avg: the sum, the arithmetic mean, of the number in the one value field
//   (decimal text such as "1500" or "-2.5e3"; events whose value is not a finite number are not
//   counted). Exact while a window holds at most CorrelationLimits::maxSamplesPerGroup events;
//   beyond that, neighbouring samples are merged (sum and count stay exact) and a merged sample
//   that is partly out of the window counts in proportion to the part of its time span still
//   inside, so the window's edge is approximate to about 2 × window / maxSamplesPerGroup.
// - value_percentile: the share, in percent (0–100), of the window's events whose value field(s)
//   hold one value — "Image x.exe is 0.4% of this computer's process creations today". The
//   specification's only example applies it to a text field (Image, "lte: 1" for a process
//   spawned in less than 1% of cases), where a frequency is the only meaningful percentage, so
//   a value's percentile is its frequency, not the rank of a number. It is a property of the
//   whole window, so it is always decided when the window closes: every value whose share meets
//   the condition gives one detection, whose group also names the value. Memory per group: at
//   most CorrelationLimits::maxDistinctValuesPerGroup values; events with further values count
//   towards the total but their values are not judged (counted in RuleCounters::valuesUntracked).
enum class CorrelationType { EventCount, TemporalOrdered, ValueCount, Temporal, ValueSum, ValueAvg, ValuePercentile };

std::string_view toString(CorrelationType type); // "event_count", "temporal_ordered", "value_count", …

enum class CompareOp { Gt, Gte, Lt, Lte, Eq, Neq };
std::string_view toString(CompareOp op); // ">", ">=", "<", "<=", "==", "!="

// One comparison of a rule's quantity (count, sum, average, percentage) with a value.
struct RuleCondition {
    CompareOp op = CompareOp::Gte;
    double value = 0;
};

bool isUpperBound(CompareOp op); // lt, lte, eq, neq: cannot be decided before the window closes
// All conditions hold (AND); true for none.
bool conditionsHold(std::span<const RuleCondition> conditions, double quantity);
// "count >= 10 and count < 20"
std::string conditionText(std::span<const RuleCondition> conditions, std::string_view quantity);
// "12", "0.5", "1e+30": the shortest text that reads back as the same number.
std::string formatNumber(double value);

// The events a rule or a step takes: those that carry one of `signalIds` (when the list is not
// empty) and meet `filter`. An empty filter matches everything.
struct CorrelationStep {
    expr::Expression filter;
    std::uint32_t minCount = 1;
    std::vector<SignalId> signalIds;
    std::string label; // what the step takes, for explanations ("rule failed_login"); default: the filter
};

// Aliases: the events taken through `signal` read the group_by values from `fields` (parallel to
// CorrelationRule::groupBy) instead of from the group_by fields themselves; the group keeps the
// group_by names (e.g. Sigma's alias "internal_ip" is destination.ip in one rule's events and
// source.ip in another's).
struct SignalFields {
    SignalId signal = 0;
    std::vector<FieldId> fields;
};

// A validated correlation rule (the loaders' and compilers' output, the engine's input).
struct CorrelationRule {
    std::string id;
    std::string title;
    std::string description;
    CorrelationType type = CorrelationType::EventCount;
    Severity severity = Severity::Medium;
    double confidence = 1.0;
    // event_count, value_*: what is counted (with `signalIds`). temporal, temporal_ordered: an
    // optional condition every step's events must also meet. An empty expression matches
    // everything.
    expr::Expression filter;
    std::vector<FieldId> groupBy;
    std::chrono::milliseconds window {0};
    // event_count without conditions: fires when the count within the window reaches it.
    std::uint32_t threshold = 1;
    std::vector<CorrelationStep> steps; // temporal, temporal_ordered: in order, all within the window
    std::vector<std::string> tags;
    std::string source; // "file:line:column" of the rule, for messages

    // event_count, value_*: when not empty, only events carrying one of these (and meeting
    // `filter`) are taken.
    std::vector<SignalId> signalIds;
    std::vector<SignalFields> aliases; // at most one entry per signal the rule takes
    // When the rule fires on an event (not when a closing window fires), that event carries this
    // signal for the rules that run after it: chained correlations.
    std::optional<SignalId> emits;
    // AND'ed. event_count: replace `threshold` when given. temporal: default "all steps".
    // value_*: required. temporal_ordered: none.
    std::vector<RuleCondition> conditions;
    // value_count, value_percentile: the field(s) whose distinct values (tuples) are counted;
    // value_sum, value_avg: the one numeric field.
    std::vector<FieldId> valueFields;
    std::string label; // what the rule takes, for explanations; default: the filter's text
};

// Bounds the loaders and compilers enforce; they also bound the engine's memory per group.
namespace ruleLimits {
inline constexpr std::size_t kMaxIdLength = 128;
inline constexpr std::size_t kMaxTitleLength = 256;
inline constexpr std::size_t kMaxDescriptionLength = 4096;
inline constexpr std::size_t kMaxGroupBy = 8;
inline constexpr std::size_t kMaxTags = 64;
inline constexpr std::size_t kMaxSteps = 16;
inline constexpr std::uint32_t kMaxThreshold = 10'000; // also bounds count conditions
inline constexpr std::uint32_t kMaxMinCount = 1'000;
inline constexpr std::chrono::milliseconds kMaxWindow = std::chrono::hours(24 * 30);
inline constexpr std::size_t kMaxSignals = 256;
inline constexpr std::size_t kMaxConditions = 6;
inline constexpr std::size_t kMaxLabelLength = 1024;
} // namespace ruleLimits

// The checks that do not depend on where a rule came from (the loader adds the YAML ones).
// The message names the rule; the loader adds the file and line.
Result<void> validate(const CorrelationRule &rule);

// Whether the rule is decided when a group's window closes rather than on each event (see
// CorrelationType).
bool decidedAtWindowClose(const CorrelationRule &rule);
// event_count, value_count, temporal decided on each event: the count at which the rule fires.
std::uint32_t requiredCount(const CorrelationRule &rule);

// "250ms", "60s", "5m", "1h", "2d": the largest unit that divides the duration exactly
// (seconds up to a minute, as rules usually write them).
std::string formatDuration(std::chrono::milliseconds duration);

} // namespace vanopticon::analysis
