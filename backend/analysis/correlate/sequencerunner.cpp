// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/sequencerunner.h"

#include "analysis/correlate/explanation.h"

#include <algorithm>

namespace vanopticon::analysis {

namespace {

std::vector<std::uint32_t> minCounts(const CorrelationRule &rule) {
    std::vector<std::uint32_t> counts;
    for (const CorrelationStep &step : rule.steps)
        counts.push_back(std::max<std::uint32_t>(step.minCount, 1));
    return counts;
}

} // namespace

SequenceRunner::SequenceRunner(CorrelationRule rule, const CorrelationLimits &limits, const FieldReader &fields)
    : GroupedRunner(std::move(rule), limits, fields)
    , m_matcher(m_windowNs, minCounts(m_rule), limits.maxEvidencePerGroup) {
    for (std::size_t k = 0; k < m_rule.steps.size(); ++k) {
        const CorrelationStep &step = m_rule.steps[k];
        if (k > 0)
            m_stepsText += ", then ";
        m_stepsText += step.minCount == 1 ? "1 event" : "at least " + explain::plural(step.minCount, "event");
        m_stepsText += " matching " + stepText(step);
    }
}

bool SequenceRunner::process(const Event &event, const EventRef &ref, std::uint32_t nodeSlot,
    const EventSignals &carried, std::vector<Detection> &out) {
    bool fired = false;
    for (const Routed &routed : route(event, carried)) {
        auto &group = touchGroup(routed.key, event.timestampNs, nodeSlot).group;
        SequenceOutcome outcome = m_matcher.add(group.state, routed.stepMask, event.timestampNs, ref.eventId);
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
        detection.explanation = "sequence completed by " + describeGroup(detection) + " within "
            + formatDuration(m_rule.window) + ": " + m_stepsText + " (" + explain::plural(detection.eventCount, "event")
            + " over " + formatDuration(explain::spanOf(detection.firstSeenNs, detection.lastSeenNs)) + ")";
        out.push_back(std::move(detection));
        ++m_counters.detectionsEmitted;
        // A completed sequence starts over: the next one needs all its steps again.
        m_groups.erase(group);
    }
    return fired;
}

} // namespace vanopticon::analysis
