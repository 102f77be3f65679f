// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/eventcounter.h"

#include "analysis/correlate/eventtime.h"
#include "analysis/correlate/evidencebuffer.h"

#include <algorithm>
#include <cassert>

namespace vanopticon::analysis {

EventCounter::EventCounter(std::int64_t windowNs, std::uint32_t threshold, std::size_t maxEvidence)
    : m_windowNs(windowNs)
    , m_threshold(threshold)
    , m_maxEvidence(maxEvidence) {
    assert(windowNs > 0 && threshold >= 1 && maxEvidence >= 2);
}

CountOutcome EventCounter::add(EventCountState &state, std::int64_t timestampNs, std::uint64_t eventId) const {
    CountOutcome outcome;
    auto &entries = state.entries;
    if (!entries.empty() && timestampNs < eventtime::windowStart(entries.back().timestampNs, m_windowNs)) {
        // Every window this event could belong to has already been decided.
        outcome.late = true;
        return outcome;
    }
    using Entry = EventCountState::Entry;
    const Entry entry {timestampNs, eventId, false};
    entries.insert(std::upper_bound(entries.begin(), entries.end(), entry,
                       [](const Entry &a, const Entry &b) { return a.timestampNs < b.timestampNs; }),
        entry);
    const std::int64_t start = eventtime::windowStart(entries.back().timestampNs, m_windowNs);
    entries.erase(entries.begin(),
        std::find_if(entries.begin(), entries.end(), [start](const Entry &e) { return e.timestampNs >= start; }));

    if (entries.size() >= m_threshold) {
        outcome.fired = true;
        outcome.repeat = std::any_of(entries.begin(), entries.end(), [](const Entry &e) { return e.reported; });
        for (Entry &e : entries) {
            if (e.reported)
                continue;
            e.reported = true;
            if (outcome.eventCount == 0)
                outcome.firstSeenNs = e.timestampNs;
            outcome.lastSeenNs = e.timestampNs;
            ++outcome.eventCount;
            outcome.evidence.push_back(Evidence {e.eventId, e.timestampNs});
        }
        keepFirstAndLast(outcome.evidence, m_maxEvidence);
        // Everything left is reported now, so older entries beyond the threshold can go.
        if (entries.size() > m_threshold)
            entries.erase(entries.begin(), entries.end() - static_cast<std::ptrdiff_t>(m_threshold));
    }
    return outcome;
}

} // namespace vanopticon::analysis
