// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/unreportedevents.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vanopticon::analysis {

// The state of one value_sum / value_avg group decided on each event.
struct ValueWindowState {
    // One event's value, or several merged neighbours.
    struct Sample {
        std::int64_t firstNs;
        std::int64_t lastNs;
        double count;
        double sum;
    };
    std::vector<Sample> samples; // by firstNs
    double count = 0; // of the samples inside the window
    double sum = 0;
    bool active = false;
    std::int64_t newestNs = 0;
    UnreportedEvents unreported;
};

// The count and sum of numbers over a sliding window of event time, bounded: at most
// `maxSamples` samples per group. Beyond, the two neighbouring samples that span the least time
// merge (their count and sum stay exact); a merged sample partly out of the window counts in
// proportion to the part of its time span still inside. Exact while a window holds no more than
// `maxSamples` events.
class ValueWindow {
public:
    ValueWindow(std::int64_t windowNs, std::size_t maxSamples, std::size_t maxEvidence);

    // False when the event is older than the group's window (not added).
    bool add(ValueWindowState &state, double value, std::int64_t timestampNs, std::uint64_t eventId) const;
    // The start of the window that ends at the group's newest event.
    std::int64_t windowStart(const ValueWindowState &state) const;

private:
    void expire(ValueWindowState &state) const;
    void mergeClosest(ValueWindowState &state) const;

    std::int64_t m_windowNs;
    std::size_t m_maxSamples;
    std::size_t m_maxEvidence;
};

} // namespace vanopticon::analysis
