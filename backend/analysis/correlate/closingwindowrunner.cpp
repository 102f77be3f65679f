// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/closingwindowrunner.h"

#include "analysis/correlate/explanation.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace vanopticon::analysis {

namespace {

std::string_view quantityName(CorrelationType type) {
    switch (type) {
    case CorrelationType::EventCount:
        return "count";
    case CorrelationType::ValueCount:
        return "distinct";
    case CorrelationType::Temporal:
    case CorrelationType::TemporalOrdered:
        return "steps";
    case CorrelationType::ValueSum:
        return "sum";
    case CorrelationType::ValueAvg:
        return "average";
    case CorrelationType::ValuePercentile:
        return "percent";
    }
    return "count";
}

// Deciding "< n" or "== n" needs the count exactly up to n + 1.
std::size_t distinctCap(const CorrelationRule &rule) {
    double largest = 0;
    for (const RuleCondition &condition : rule.conditions)
        largest = std::max(largest, condition.value);
    return static_cast<std::size_t>(std::floor(largest)) + 1;
}

std::uint32_t clampCount(std::uint64_t count) {
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(count, std::numeric_limits<std::uint32_t>::max()));
}

} // namespace

ClosingWindowRunner::ClosingWindowRunner(
    CorrelationRule rule, const CorrelationLimits &limits, const FieldReader &fields)
    : GroupedRunner(std::move(rule), limits, fields)
    , m_distinctCap(distinctCap(m_rule))
    , m_maxDistinctValues(limits.maxDistinctValuesPerGroup)
    , m_maxEvidence(limits.maxEvidencePerGroup)
    , m_takesText(takesText())
    , m_quantityName(quantityName(m_rule.type))
    , m_conditionText(conditionText(m_rule.conditions, m_quantityName)) {
    for (const CorrelationStep &step : m_rule.steps) {
        if (!m_stepsText.empty())
            m_stepsText += "; ";
        m_stepsText += stepText(step);
    }
}

std::int64_t ClosingWindowRunner::closeNs(const ClosingState &state) const {
    if (state.openNs > std::numeric_limits<std::int64_t>::max() - m_windowNs)
        return std::numeric_limits<std::int64_t>::max();
    return state.openNs + m_windowNs;
}

bool ClosingWindowRunner::process(const Event &event, const EventRef &ref, std::uint32_t nodeSlot,
    const EventSignals &carried, std::vector<Detection> &out) {
    const std::span<const Routed> routed = route(event, carried);
    if (routed.empty())
        return false;
    std::optional<double> number;
    switch (m_rule.type) {
    case CorrelationType::ValueCount:
    case CorrelationType::ValuePercentile:
        if (!buildValue(event))
            return false;
        break;
    case CorrelationType::ValueSum:
    case CorrelationType::ValueAvg:
        number = numericValue(event);
        if (!number)
            return false;
        break;
    case CorrelationType::EventCount:
    case CorrelationType::Temporal:
    case CorrelationType::TemporalOrdered:
        break;
    }
    const std::int64_t ts = event.timestampNs;
    for (const Routed &r : routed) {
        auto [group, created] = touchGroup(r.key, ts, nodeSlot);
        ClosingState &state = group.state;
        if (created) {
            state.openNs = ts;
        } else if (ts > closeNs(state)) {
            // The group's next event is past its window: decide that one, this event opens the next.
            decide(r.key, state, out);
            state = ClosingState {};
            state.openNs = ts;
        } else if (ts < group.newestNs
            && eventtime::distance(group.newestNs, ts) > static_cast<std::uint64_t>(m_windowNs)) {
            ++m_counters.eventsLate;
            continue;
        } else if (ts < state.openNs) {
            // Out of order, but all the window's events still fit in one window: it starts earlier.
            state.openNs = ts;
        }
        add(state, event, ref, r.stepMask, number);
    }
    return false;
}

void ClosingWindowRunner::add(ClosingState &state, const Event &event, const EventRef &ref, std::uint32_t stepMask,
    std::optional<double> number) {
    const Evidence evidence {ref.eventId, event.timestampNs};
    state.nodeId.assign(ref.nodeId);
    ++state.events;
    switch (m_rule.type) {
    case CorrelationType::ValuePercentile: {
        auto it = state.values.find(m_value);
        if (it == state.values.end()) {
            if (state.values.size() >= m_maxDistinctValues) {
                ++m_counters.valuesUntracked;
                return;
            }
            it = state.values.emplace(m_value, ClosingState::ValueStats {0, evidence, evidence}).first;
        }
        ClosingState::ValueStats &stats = it->second;
        ++stats.count;
        if (evidence.timestampNs < stats.first.timestampNs)
            stats.first = evidence;
        if (evidence.timestampNs >= stats.last.timestampNs)
            stats.last = evidence;
        return;
    }
    case CorrelationType::ValueCount:
        if (state.distinct.size() < m_distinctCap)
            state.distinct.insert(m_value);
        break;
    case CorrelationType::ValueSum:
    case CorrelationType::ValueAvg:
        state.sum += *number;
        break;
    case CorrelationType::Temporal:
        state.steps |= stepMask;
        break;
    case CorrelationType::EventCount:
    case CorrelationType::TemporalOrdered:
        break;
    }
    state.evidence.add(evidence, m_maxEvidence);
}

void ClosingWindowRunner::sweep(const NodeClock &clock, std::size_t budget, std::vector<Detection> &out) {
    m_counters.groupsExpired += m_groups.sweep(
        [&](Group &group) {
            if (clock.now(group.nodeSlot) <= closeNs(group.state))
                return false;
            decide(group.key, group.state, out);
            return true;
        },
        budget);
}

Detection ClosingWindowRunner::windowDetection(std::string_view key, const ClosingState &state) const {
    Detection detection = makeDetection(key, state.nodeId);
    const auto kept = state.evidence.kept();
    if (!kept.empty()) {
        detection.firstSeenNs = kept.front().timestampNs;
        detection.lastSeenNs = kept.back().timestampNs;
    }
    detection.eventCount = clampCount(state.events);
    detection.evidence.assign(kept.begin(), kept.end());
    return detection;
}

void ClosingWindowRunner::decide(std::string_view key, ClosingState &state, std::vector<Detection> &out) {
    if (m_rule.type == CorrelationType::ValuePercentile) {
        decidePercentiles(key, state, out);
        return;
    }
    double quantity = 0;
    switch (m_rule.type) {
    case CorrelationType::EventCount:
        quantity = static_cast<double>(state.events);
        break;
    case CorrelationType::ValueCount:
        quantity = static_cast<double>(state.distinct.size());
        break;
    case CorrelationType::Temporal:
    case CorrelationType::TemporalOrdered:
        quantity = std::popcount(state.steps);
        break;
    case CorrelationType::ValueSum:
        quantity = state.sum;
        break;
    case CorrelationType::ValueAvg:
        quantity = state.sum / static_cast<double>(state.events);
        break;
    case CorrelationType::ValuePercentile:
        break;
    }
    if (!conditionsHold(m_rule.conditions, quantity))
        return;
    Detection detection = windowDetection(key, state);
    const std::string events = explain::plural(state.events, "event") + " matching " + m_takesText;
    const std::string where = " from " + describeGroup(detection) + " in a " + formatDuration(m_rule.window)
        + " window (condition " + m_conditionText + ")";
    switch (m_rule.type) {
    case CorrelationType::EventCount:
        detection.explanation = events + where;
        break;
    case CorrelationType::ValueCount:
        detection.explanation = (state.distinct.size() >= m_distinctCap ? "at least " : "")
            + std::to_string(state.distinct.size()) + " distinct values of " + valueFieldsText() + " among " + events
            + where;
        break;
    case CorrelationType::Temporal:
    case CorrelationType::TemporalOrdered:
        detection.explanation = "events of " + std::to_string(std::popcount(state.steps)) + " of "
            + std::to_string(m_rule.steps.size()) + " steps (" + m_stepsText + ") from " + describeGroup(detection)
            + " in a " + formatDuration(m_rule.window) + " window (condition " + m_conditionText + ", "
            + explain::plural(state.events, "event") + ")";
        break;
    case CorrelationType::ValueSum:
    case CorrelationType::ValueAvg:
        detection.explanation
            = m_quantityName + " of " + valueFieldsText() + " " + formatNumber(quantity) + " over " + events + where;
        break;
    case CorrelationType::ValuePercentile:
        break;
    }
    out.push_back(std::move(detection));
    ++m_counters.detectionsEmitted;
}

void ClosingWindowRunner::decidePercentiles(std::string_view key, ClosingState &state, std::vector<Detection> &out) {
    using Entry = std::pair<const std::string *, const ClosingState::ValueStats *>;
    std::vector<Entry> ordered;
    ordered.reserve(state.values.size());
    for (const auto &[value, stats] : state.values)
        ordered.emplace_back(&value, &stats);
    // Detections in the order the values first appeared, so that output is reproducible.
    std::sort(ordered.begin(), ordered.end(), [](const Entry &a, const Entry &b) {
        if (a.second->first.timestampNs != b.second->first.timestampNs)
            return a.second->first.timestampNs < b.second->first.timestampNs;
        return *a.first < *b.first;
    });
    const double total = static_cast<double>(state.events);
    for (const auto &[value, stats] : ordered) {
        const double percent = 100.0 * static_cast<double>(stats->count) / total;
        if (!conditionsHold(m_rule.conditions, percent))
            continue;
        Detection detection = makeDetection(key, state.nodeId);
        std::string valueText;
        for (auto &pair : decodeKey(*value, m_rule.valueFields)) {
            valueText += (valueText.empty() ? "" : ", ") + pair.first + " " + pair.second;
            detection.group.push_back(std::move(pair));
        }
        detection.firstSeenNs = stats->first.timestampNs;
        detection.lastSeenNs = stats->last.timestampNs;
        detection.eventCount = clampCount(stats->count);
        detection.evidence.push_back(stats->first);
        if (stats->count > 1)
            detection.evidence.push_back(stats->last);
        detection.explanation = valueText + " in " + explain::plural(stats->count, "event") + " of "
            + explain::plural(state.events, "event") + " matching " + m_takesText + " from "
            + describeGroup(makeDetection(key, state.nodeId)) + " in a " + formatDuration(m_rule.window)
            + " window: " + formatNumber(std::round(percent * 100) / 100) + "% (condition " + m_conditionText + ")";
        out.push_back(std::move(detection));
        ++m_counters.detectionsEmitted;
    }
}

} // namespace vanopticon::analysis
