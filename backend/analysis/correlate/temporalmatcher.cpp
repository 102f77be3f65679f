// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/temporalmatcher.h"

#include "analysis/correlate/eventtime.h"

#include <algorithm>
#include <cassert>

namespace vanopticon::analysis {

TemporalMatcher::TemporalMatcher(
    std::int64_t windowNs, std::size_t steps, std::uint32_t required, std::size_t maxEvidence)
    : m_windowNs(windowNs)
    , m_steps(steps)
    , m_required(required)
    , m_maxEvidence(maxEvidence) {
    assert(windowNs > 0 && steps >= 1 && steps <= 32 && required >= 1 && maxEvidence >= 2);
}

TemporalOutcome TemporalMatcher::add(
    TemporalState &state, std::uint32_t stepMask, std::int64_t timestampNs, std::uint64_t eventId) const {
    TemporalOutcome outcome;
    if (state.active && timestampNs < eventtime::windowStart(state.newestNs, m_windowNs)) {
        outcome.late = true;
        return outcome;
    }
    // After a gap longer than the window nothing kept can combine with what comes next.
    if (!state.active || eventtime::windowStart(timestampNs, m_windowNs) > state.newestNs) {
        state.active = true;
        state.newestNs = timestampNs;
        state.seen = 0;
        state.latestNs.assign(m_steps, 0);
        state.evidence.clear();
    }
    state.newestNs = std::max(state.newestNs, timestampNs);
    for (std::size_t k = 0; k < m_steps; ++k) {
        const std::uint32_t bit = 1u << k;
        if ((stepMask & bit) == 0)
            continue;
        state.latestNs[k] = (state.seen & bit) != 0 ? std::max(state.latestNs[k], timestampNs) : timestampNs;
        state.seen |= bit;
    }
    const std::int64_t start = eventtime::windowStart(state.newestNs, m_windowNs);
    state.evidence.add(Evidence {eventId, timestampNs}, m_maxEvidence);
    state.evidence.expireBefore(start);
    for (std::size_t k = 0; k < m_steps; ++k) {
        if ((state.seen & (1u << k)) != 0 && state.latestNs[k] >= start)
            ++outcome.distinct;
    }
    if (outcome.distinct < m_required)
        return outcome;
    outcome.completed = true;
    const auto kept = state.evidence.kept();
    outcome.firstSeenNs = kept.front().timestampNs;
    outcome.lastSeenNs = kept.back().timestampNs;
    outcome.eventCount = state.evidence.count();
    outcome.evidence.assign(kept.begin(), kept.end());
    return outcome;
}

} // namespace vanopticon::analysis
