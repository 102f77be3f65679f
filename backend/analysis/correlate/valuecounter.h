// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/eventcounter.h"
#include "analysis/correlate/unreportedevents.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::analysis {

// The state of one value_count group decided on each event.
struct ValueCountState {
    struct Entry {
        std::string value;
        std::int64_t latestNs; // the newest event with this value
    };
    // The most recently seen distinct values, oldest first; never more than `required`: whether
    // `required` distinct values are inside the window depends only on the newest `required`.
    std::vector<Entry> entries;
    bool active = false;
    std::int64_t newestNs = 0;
    UnreportedEvents unreported;
};

// value_count over a sliding window of event time: fires when the window ending at an event holds
// at least `required` distinct values (see CorrelationType for what is reported). Exact; the
// cost per event is O(required) and so is the memory per group, plus the bounded evidence.
class ValueCounter {
public:
    ValueCounter(std::int64_t windowNs, std::uint32_t required, std::size_t maxEvidence);

    // `quantity` of the outcome is the number of distinct values in the window, up to `required`.
    CountOutcome add(
        ValueCountState &state, std::string_view value, std::int64_t timestampNs, std::uint64_t eventId) const;

private:
    std::int64_t m_windowNs;
    std::uint32_t m_required;
    std::size_t m_maxEvidence;
};

} // namespace vanopticon::analysis
