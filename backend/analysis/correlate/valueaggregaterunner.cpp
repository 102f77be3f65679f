// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/valueaggregaterunner.h"

#include "analysis/correlate/explanation.h"

#include <cmath>

namespace vanopticon::analysis {

ValueAggregateRunner::ValueAggregateRunner(
    CorrelationRule rule, const CorrelationLimits &limits, const FieldReader &fields)
    : GroupedRunner(std::move(rule), limits, fields)
    , m_window(m_windowNs, limits.maxSamplesPerGroup, limits.maxEvidencePerGroup)
    , m_takesText(takesText())
    , m_quantityName(m_rule.type == CorrelationType::ValueSum ? "sum" : "average")
    , m_conditionText(conditionText(m_rule.conditions, m_quantityName)) {
}

bool ValueAggregateRunner::process(const Event &event, const EventRef &ref, std::uint32_t nodeSlot,
    const EventSignals &carried, std::vector<Detection> &out) {
    const std::span<const Routed> routed = route(event, carried);
    if (routed.empty())
        return false;
    const std::optional<double> value = numericValue(event);
    if (!value)
        return false;
    bool fired = false;
    for (const Routed &r : routed) {
        auto &group = touchGroup(r.key, event.timestampNs, nodeSlot).group;
        ValueWindowState &state = group.state;
        if (!m_window.add(state, *value, event.timestampNs, ref.eventId)) {
            ++m_counters.eventsLate;
            continue;
        }
        const double quantity = m_rule.type == CorrelationType::ValueSum ? state.sum : state.sum / state.count;
        if (!conditionsHold(m_rule.conditions, quantity))
            continue;
        CountOutcome outcome;
        state.unreported.report(m_window.windowStart(state), outcome);
        fired = true;
        if (extendEarlier(group, outcome, ref.nodeId, out))
            continue;
        Detection detection = makeDetection(r.key, ref.nodeId);
        detection.firstSeenNs = outcome.firstSeenNs;
        detection.lastSeenNs = outcome.lastSeenNs;
        detection.eventCount = outcome.eventCount;
        detection.evidence = std::move(outcome.evidence);
        const std::string measure = m_quantityName + " of " + valueFieldsText() + " " + formatNumber(quantity);
        const std::string window = formatDuration(m_rule.window);
        if (outcome.repeat) {
            detection.explanation = explain::plural(outcome.eventCount, "more event") + " matching " + m_takesText
                + " from " + describeGroup(detection) + ", " + measure + " within " + window + " (condition "
                + m_conditionText + ")";
        } else {
            detection.explanation = measure + " over "
                + explain::plural(static_cast<std::uint64_t>(std::llround(state.count)), "event") + " matching "
                + m_takesText + " from " + describeGroup(detection) + " within " + window + " (condition "
                + m_conditionText + ")";
        }
        emit(group, std::move(detection), out);
    }
    return fired;
}

} // namespace vanopticon::analysis
