// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/detection.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace vanopticon::analysis {

// Keeps the first and the last of a series of events, in time order, when there are more
// than `maxEntries`: an analyst needs to see how it started and how it ended, and a flood must
// not grow memory. Events dropped from the middle are counted, so count() stays right.
class EvidenceBuffer {
public:
    void add(Evidence evidence, std::size_t maxEntries);
    // Forgets events older than `cutoffNs` (they left the window). When that cuts through the
    // dropped middle, the part of it that remains is estimated from its time range.
    void expireBefore(std::int64_t cutoffNs);
    // The events the buffer stands for, kept or dropped.
    std::uint32_t count() const;
    std::span<const Evidence> kept() const { return m_entries; }
    void clear();

private:
    std::vector<Evidence> m_entries;
    std::uint64_t m_omitted = 0;
    std::int64_t m_omittedOldestNs = 0;
    std::int64_t m_omittedNewestNs = 0;
};

// Shrinks a time-ordered list to at most `maxEntries` by dropping its middle.
void keepFirstAndLast(std::vector<Evidence> &evidence, std::size_t maxEntries);

} // namespace vanopticon::analysis
