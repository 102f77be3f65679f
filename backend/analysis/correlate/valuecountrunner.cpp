// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/valuecountrunner.h"

#include "analysis/correlate/explanation.h"

namespace vanopticon::analysis {

ValueCountRunner::ValueCountRunner(CorrelationRule rule, const CorrelationLimits &limits, const FieldReader &fields)
    : GroupedRunner(std::move(rule), limits, fields)
    , m_counter(m_windowNs, requiredCount(m_rule), limits.maxEvidencePerGroup)
    , m_takesText(takesText())
    , m_fieldsText(valueFieldsText()) {
}

bool ValueCountRunner::process(const Event &event, const EventRef &ref, std::uint32_t nodeSlot,
    const EventSignals &carried, std::vector<Detection> &out) {
    const std::span<const Routed> routed = route(event, carried);
    if (routed.empty() || !buildValue(event))
        return false;
    bool fired = false;
    for (const Routed &r : routed) {
        auto &group = touchGroup(r.key, event.timestampNs, nodeSlot).group;
        CountOutcome outcome = m_counter.add(group.state, m_value, event.timestampNs, ref.eventId);
        if (outcome.late) {
            ++m_counters.eventsLate;
            continue;
        }
        if (!outcome.fired)
            continue;
        fired = true;
        if (extendEarlier(group, outcome, ref.nodeId, out))
            continue;
        Detection detection = makeDetection(r.key, ref.nodeId);
        detection.firstSeenNs = outcome.firstSeenNs;
        detection.lastSeenNs = outcome.lastSeenNs;
        detection.eventCount = outcome.eventCount;
        detection.evidence = std::move(outcome.evidence);
        const std::string required = std::to_string(requiredCount(m_rule));
        const std::string window = formatDuration(m_rule.window);
        if (outcome.repeat) {
            detection.explanation = explain::plural(outcome.eventCount, "more event") + " matching " + m_takesText
                + " from " + describeGroup(detection) + ", still at least " + required + " distinct values of "
                + m_fieldsText + " within " + window;
        } else {
            detection.explanation = explain::plural(outcome.eventCount, "event") + " matching " + m_takesText + " from "
                + describeGroup(detection) + " with at least " + required + " distinct values of " + m_fieldsText
                + " within " + window + " (threshold " + required + ")";
        }
        emit(group, std::move(detection), out);
    }
    return fired;
}

} // namespace vanopticon::analysis
