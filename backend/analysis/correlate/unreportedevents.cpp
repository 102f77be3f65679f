// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/unreportedevents.h"

#include <algorithm>

namespace vanopticon::analysis {

void UnreportedEvents::report(std::int64_t windowStartNs, CountOutcome &outcome) {
    outcome.fired = true;
    outcome.repeat = m_lastReportedNs && *m_lastReportedNs >= windowStartNs;
    const auto kept = m_events.kept();
    outcome.eventCount = m_events.count();
    outcome.evidence.assign(kept.begin(), kept.end());
    if (!kept.empty()) {
        outcome.firstSeenNs = kept.front().timestampNs;
        outcome.lastSeenNs = kept.back().timestampNs;
        m_lastReportedNs = m_lastReportedNs ? std::max(*m_lastReportedNs, outcome.lastSeenNs) : outcome.lastSeenNs;
    }
    m_events.clear();
}

} // namespace vanopticon::analysis
