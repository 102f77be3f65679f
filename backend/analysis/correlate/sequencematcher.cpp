// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/sequencematcher.h"

#include "analysis/correlate/eventtime.h"

#include <algorithm>
#include <cassert>

namespace vanopticon::analysis {

SequenceMatcher::SequenceMatcher(std::int64_t windowNs, std::vector<std::uint32_t> minCounts, std::size_t maxEvidence)
    : m_windowNs(windowNs)
    , m_minCounts(std::move(minCounts))
    , m_maxEvidence(maxEvidence) {
    assert(windowNs > 0 && !m_minCounts.empty() && m_minCounts.size() <= 32 && maxEvidence >= 2);
    for (const std::uint32_t count : m_minCounts) {
        assert(count >= 1);
        m_offsets.push_back(m_totalSlots);
        m_totalSlots += count;
    }
}

void SequenceMatcher::reset(SequenceState &state) const {
    state.active = true;
    state.slots.assign(m_totalSlots, SequenceState::Slot {0, 0});
    state.rings.assign(m_minCounts.size(), SequenceState::Ring {});
    state.best.assign(m_minCounts.size(), std::nullopt);
    state.evidence.clear();
}

SequenceOutcome SequenceMatcher::add(
    SequenceState &state, std::uint32_t stepMask, std::int64_t timestampNs, std::uint64_t eventId) const {
    SequenceOutcome outcome;
    if (state.active && timestampNs < eventtime::windowStart(state.newestNs, m_windowNs)) {
        outcome.late = true;
        return outcome;
    }
    // After a gap longer than the window nothing kept can combine with what comes next.
    if (!state.active || eventtime::windowStart(timestampNs, m_windowNs) > state.newestNs) {
        reset(state);
        state.newestNs = timestampNs;
    }
    state.newestNs = std::max(state.newestNs, timestampNs);
    state.evidence.add(Evidence {eventId, timestampNs}, m_maxEvidence);
    state.evidence.expireBefore(eventtime::windowStart(state.newestNs, m_windowNs));

    const auto withinWindow = [&](std::int64_t startNs) {
        return eventtime::distance(timestampNs, startNs) <= static_cast<std::uint64_t>(m_windowNs);
    };
    // Last step first, so that one event never serves as two consecutive steps.
    for (std::size_t k = m_minCounts.size(); k-- > 0;) {
        if ((stepMask & (1u << k)) == 0)
            continue;
        const std::optional<std::int64_t> start = k == 0 ? std::optional<std::int64_t>(timestampNs) : state.best[k];
        if (!start)
            continue; // no earlier steps completed before this event: it cannot be part of a sequence
        SequenceState::Ring &ring = state.rings[k];
        SequenceState::Slot *slots = state.slots.data() + m_offsets[k];
        const std::uint32_t capacity = m_minCounts[k];
        if (ring.size < capacity) {
            slots[(ring.head + ring.size) % capacity] = {timestampNs, *start};
            ++ring.size;
        } else {
            slots[ring.head] = {timestampNs, *start};
            ring.head = (ring.head + 1) % capacity;
        }
        if (ring.size < capacity)
            continue;
        // The oldest of the last min_count events of this step: the partial sequence it extends is
        // the best one that completes this step now.
        const std::int64_t candidate = slots[ring.head].startNs;
        if (!withinWindow(candidate))
            continue;
        if (k + 1 < m_minCounts.size()) {
            auto &best = state.best[k + 1];
            best = best ? std::max(*best, candidate) : candidate;
            continue;
        }
        outcome.completed = true;
        outcome.firstSeenNs = state.evidence.kept().front().timestampNs;
        outcome.lastSeenNs = state.newestNs;
        outcome.eventCount = state.evidence.count();
        outcome.evidence.assign(state.evidence.kept().begin(), state.evidence.kept().end());
        return outcome;
    }
    return outcome;
}

} // namespace vanopticon::analysis
