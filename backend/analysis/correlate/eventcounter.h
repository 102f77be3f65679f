// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/detection.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vanopticon::analysis {

// The state of one event_count group: the newest matching events inside the window, in time
// order. Never more than `threshold` are kept: whether the count within the window reaches the
// threshold depends only on the newest `threshold` events.
struct EventCountState {
    struct Entry {
        std::int64_t timestampNs;
        std::uint64_t eventId;
        bool reported; // already part of a detection
    };
    std::vector<Entry> entries;
};

// What adding one event did.
struct CountOutcome {
    bool late = false; // older than the group's window: not counted
    bool fired = false; // the count within the window is at or above the threshold
    bool repeat = false; // … and it already was before this event (the detection extends an alert)
    std::uint32_t eventCount = 0; // events not reported before
    std::int64_t firstSeenNs = 0;
    std::int64_t lastSeenNs = 0;
    std::vector<Evidence> evidence; // the events not reported before, bounded
    double quantity = 0; // what the condition judged, when not the count (distinct values, sum, …)
};

// event_count over a sliding window of event time (inclusive: events `window` apart are inside
// one window). Each event is reported once: when the count first reaches the threshold, all the
// window's events; while it stays there, each further event on its own. When the window empties,
// the group starts again from zero.
class EventCounter {
public:
    EventCounter(std::int64_t windowNs, std::uint32_t threshold, std::size_t maxEvidence);

    CountOutcome add(EventCountState &state, std::int64_t timestampNs, std::uint64_t eventId) const;

private:
    std::int64_t m_windowNs;
    std::uint32_t m_threshold;
    std::size_t m_maxEvidence;
};

} // namespace vanopticon::analysis
