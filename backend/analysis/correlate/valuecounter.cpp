// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/valuecounter.h"

#include "analysis/correlate/eventtime.h"

#include <algorithm>
#include <cassert>

namespace vanopticon::analysis {

ValueCounter::ValueCounter(std::int64_t windowNs, std::uint32_t required, std::size_t maxEvidence)
    : m_windowNs(windowNs)
    , m_required(required)
    , m_maxEvidence(maxEvidence) {
    assert(windowNs > 0 && required >= 1 && maxEvidence >= 2);
}

CountOutcome ValueCounter::add(
    ValueCountState &state, std::string_view value, std::int64_t timestampNs, std::uint64_t eventId) const {
    CountOutcome outcome;
    if (state.active && timestampNs < eventtime::windowStart(state.newestNs, m_windowNs)) {
        outcome.late = true;
        return outcome;
    }
    state.newestNs = state.active ? std::max(state.newestNs, timestampNs) : timestampNs;
    state.active = true;

    using Entry = ValueCountState::Entry;
    auto &entries = state.entries;
    std::int64_t latestNs = timestampNs;
    const auto same = std::find_if(entries.begin(), entries.end(), [&](const Entry &e) { return e.value == value; });
    Entry entry;
    if (same != entries.end()) {
        latestNs = std::max(latestNs, same->latestNs);
        entry = std::move(*same);
        entries.erase(same);
    } else {
        entry.value.assign(value);
    }
    entry.latestNs = latestNs;
    entries.insert(std::upper_bound(entries.begin(), entries.end(), latestNs,
                       [](std::int64_t t, const Entry &e) { return t < e.latestNs; }),
        std::move(entry));
    const std::int64_t start = eventtime::windowStart(state.newestNs, m_windowNs);
    entries.erase(entries.begin(),
        std::find_if(entries.begin(), entries.end(), [start](const Entry &e) { return e.latestNs >= start; }));
    // Values older than the newest `required` cannot change the outcome (they leave the window
    // first; seen again, they come back as new).
    if (entries.size() > m_required)
        entries.erase(entries.begin(), entries.end() - static_cast<std::ptrdiff_t>(m_required));

    state.unreported.add(Evidence {eventId, timestampNs}, m_maxEvidence);
    state.unreported.expireBefore(start);
    outcome.quantity = static_cast<double>(entries.size());
    if (entries.size() >= m_required)
        state.unreported.report(start, outcome);
    return outcome;
}

} // namespace vanopticon::analysis
