// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/detection.h"
#include "analysis/correlate/evidencebuffer.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vanopticon::analysis {

// The state of one temporal group decided on each event.
struct TemporalState {
    bool active = false;
    std::int64_t newestNs = 0;
    std::uint32_t seen = 0; // steps that had an event since the group (re)started
    std::vector<std::int64_t> latestNs; // per step: its newest event
    EvidenceBuffer evidence; // the group's events within the window
};

struct TemporalOutcome {
    bool late = false; // older than the group's window: ignored
    bool completed = false;
    std::uint32_t distinct = 0; // steps with an event inside the window
    std::int64_t firstSeenNs = 0;
    std::int64_t lastSeenNs = 0;
    std::uint32_t eventCount = 0; // all the group's events within the window
    std::vector<Evidence> evidence; // bounded: the first and the last
};

// temporal: events of at least `required` different steps, in any order, within the window that
// ends at the newest event. An event may meet several steps. O(steps) per event; memory per
// group O(steps + evidence).
class TemporalMatcher {
public:
    TemporalMatcher(std::int64_t windowNs, std::size_t steps, std::uint32_t required, std::size_t maxEvidence);

    // `stepMask` has bit k set when the event meets step k.
    TemporalOutcome add(
        TemporalState &state, std::uint32_t stepMask, std::int64_t timestampNs, std::uint64_t eventId) const;

private:
    std::int64_t m_windowNs;
    std::size_t m_steps;
    std::uint32_t m_required;
    std::size_t m_maxEvidence;
};

} // namespace vanopticon::analysis
