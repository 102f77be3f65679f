// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/eventcounter.h"
#include "analysis/correlate/evidencebuffer.h"

#include <cstdint>
#include <optional>

namespace vanopticon::analysis {

// The events of a sliding window that no detection has reported yet, so that each event is
// reported once: when a condition is first met, all of them; while it stays met, each new one.
// Bounded like EvidenceBuffer (the first and the last, the middle counted).
class UnreportedEvents {
public:
    void add(Evidence evidence, std::size_t maxEntries) { m_events.add(evidence, maxEntries); }
    void expireBefore(std::int64_t cutoffNs) { m_events.expireBefore(cutoffNs); }
    // Moves them into `outcome` (fired, repeat, eventCount, first/last seen, evidence). `repeat`
    // says that events reported before are still inside the window starting at `windowStartNs`.
    void report(std::int64_t windowStartNs, CountOutcome &outcome);

private:
    EvidenceBuffer m_events;
    std::optional<std::int64_t> m_lastReportedNs;
};

} // namespace vanopticon::analysis
