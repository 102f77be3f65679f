// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/temporalrunner.h"

#include "analysis/correlate/explanation.h"

namespace vanopticon::analysis {

TemporalRunner::TemporalRunner(CorrelationRule rule, const CorrelationLimits &limits, const FieldReader &fields)
    : GroupedRunner(std::move(rule), limits, fields)
    , m_matcher(m_windowNs, m_rule.steps.size(), requiredCount(m_rule), limits.maxEvidencePerGroup) {
    for (const CorrelationStep &step : m_rule.steps) {
        if (!m_stepsText.empty())
            m_stepsText += "; ";
        m_stepsText += stepText(step);
    }
}

bool TemporalRunner::process(const Event &event, const EventRef &ref, std::uint32_t nodeSlot,
    const EventSignals &carried, std::vector<Detection> &out) {
    bool fired = false;
    for (const Routed &routed : route(event, carried)) {
        auto &group = touchGroup(routed.key, event.timestampNs, nodeSlot).group;
        TemporalOutcome outcome = m_matcher.add(group.state, routed.stepMask, event.timestampNs, ref.eventId);
        if (outcome.late) {
            ++m_counters.eventsLate;
            continue;
        }
        if (!outcome.completed)
            continue;
        fired = true;
        Detection detection = makeDetection(routed.key, ref.nodeId);
        detection.firstSeenNs = outcome.firstSeenNs;
        detection.lastSeenNs = outcome.lastSeenNs;
        detection.eventCount = outcome.eventCount;
        detection.evidence = std::move(outcome.evidence);
        detection.explanation = std::to_string(outcome.distinct) + " of " + std::to_string(m_rule.steps.size())
            + " steps by " + describeGroup(detection) + " within " + formatDuration(m_rule.window)
            + ", in any order: " + m_stepsText + " (" + explain::plural(detection.eventCount, "event") + " over "
            + formatDuration(explain::spanOf(detection.firstSeenNs, detection.lastSeenNs)) + ")";
        out.push_back(std::move(detection));
        ++m_counters.detectionsEmitted;
        // Like a completed sequence, the group starts over.
        m_groups.erase(group);
    }
    return fired;
}

} // namespace vanopticon::analysis
