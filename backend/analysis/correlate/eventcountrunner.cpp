// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/eventcountrunner.h"

#include "analysis/correlate/explanation.h"

namespace vanopticon::analysis {

EventCountRunner::EventCountRunner(CorrelationRule rule, const CorrelationLimits &limits, const FieldReader &fields)
    : GroupedRunner(std::move(rule), limits, fields)
    , m_counter(m_windowNs, requiredCount(m_rule), limits.maxEvidencePerGroup)
    , m_takesText(takesText()) {
}

bool EventCountRunner::process(const Event &event, const EventRef &ref, std::uint32_t nodeSlot,
    const EventSignals &carried, std::vector<Detection> &out) {
    bool fired = false;
    for (const Routed &routed : route(event, carried)) {
        auto &group = touchGroup(routed.key, event.timestampNs, nodeSlot).group;
        CountOutcome outcome = m_counter.add(group.state, event.timestampNs, ref.eventId);
        if (outcome.late) {
            ++m_counters.eventsLate;
            continue;
        }
        if (!outcome.fired)
            continue;
        fired = true;
        if (extendEarlier(group, outcome, ref.nodeId, out))
            continue;
        Detection detection = makeDetection(routed.key, ref.nodeId);
        detection.firstSeenNs = outcome.firstSeenNs;
        detection.lastSeenNs = outcome.lastSeenNs;
        detection.eventCount = outcome.eventCount;
        detection.evidence = std::move(outcome.evidence);
        const std::string window = formatDuration(m_rule.window);
        const std::string threshold = std::to_string(requiredCount(m_rule));
        if (outcome.repeat) {
            detection.explanation = explain::plural(outcome.eventCount, "more event") + " matching " + m_takesText
                + " from " + describeGroup(detection) + ", still at or above the threshold (" + threshold + " within "
                + window + ")";
        } else {
            detection.explanation = explain::plural(outcome.eventCount, "event") + " matching " + m_takesText + " from "
                + describeGroup(detection) + " within " + window + " (threshold " + threshold + ")";
        }
        emit(group, std::move(detection), out);
    }
    return fired;
}

} // namespace vanopticon::analysis
