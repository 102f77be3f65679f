// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/detection.h"
#include "analysis/correlate/evidencebuffer.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace vanopticon::analysis {

// The state of one temporal_ordered group.
struct SequenceState {
    struct Slot {
        std::int64_t timestampNs;
        std::int64_t startNs; // start of the best partial sequence this event can extend
    };
    struct Ring {
        std::uint32_t head = 0; // index of the oldest slot
        std::uint32_t size = 0;
    };
    bool active = false;
    std::int64_t newestNs = 0;
    std::vector<Slot> slots; // one ring per step, min_count slots long, at the step's offset
    std::vector<Ring> rings;
    // best[k]: the latest start of a partial sequence that has completed steps 0..k-1.
    std::vector<std::optional<std::int64_t>> best;
    EvidenceBuffer evidence;
};

struct SequenceOutcome {
    bool late = false; // older than the group's window: ignored
    bool completed = false;
    std::int64_t firstSeenNs = 0;
    std::int64_t lastSeenNs = 0;
    // All the group's events within the window that met some step's condition: the sequence
    // and what surrounded it (e.g. every failure before the success, not just the last five).
    std::uint32_t eventCount = 0;
    std::vector<Evidence> evidence; // bounded: the first and the last
};

// temporal_ordered: the steps must happen in order, step k with at least min_count[k] events,
// all within the window. Matching slides: among the ways to complete the first steps it keeps the
// one that started last, so a long run of failures followed by a success still fires when enough
// of the failures are within the window of the success. The cost per event is O(steps) and the
// memory per group O(sum of min_count + evidence).
//
// An event that meets several steps' conditions advances at most one step per partial sequence.
// Within a group, order is the order of arrival; timestamps decide the window.
class SequenceMatcher {
public:
    SequenceMatcher(std::int64_t windowNs, std::vector<std::uint32_t> minCounts, std::size_t maxEvidence);

    std::size_t stepCount() const { return m_minCounts.size(); }
    // `stepMask` has bit k set when the event meets step k's condition.
    SequenceOutcome add(
        SequenceState &state, std::uint32_t stepMask, std::int64_t timestampNs, std::uint64_t eventId) const;

private:
    void reset(SequenceState &state) const;

    std::int64_t m_windowNs;
    std::vector<std::uint32_t> m_minCounts;
    std::vector<std::uint32_t> m_offsets; // where each step's ring starts in SequenceState::slots
    std::uint32_t m_totalSlots = 0;
    std::size_t m_maxEvidence;
};

} // namespace vanopticon::analysis
