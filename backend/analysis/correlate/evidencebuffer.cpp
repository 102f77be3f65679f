// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/evidencebuffer.h"

#include "analysis/correlate/eventtime.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace vanopticon::analysis {

void EvidenceBuffer::add(Evidence evidence, std::size_t maxEntries) {
    assert(maxEntries >= 2);
    // Usually appends; a late event is slotted into time order.
    const auto at = std::upper_bound(m_entries.begin(), m_entries.end(), evidence,
        [](const Evidence &a, const Evidence &b) { return a.timestampNs < b.timestampNs; });
    m_entries.insert(at, evidence);
    if (m_entries.size() <= maxEntries)
        return;
    const auto middle = m_entries.begin() + static_cast<std::ptrdiff_t>(maxEntries / 2);
    if (m_omitted == 0) {
        m_omittedOldestNs = middle->timestampNs;
        m_omittedNewestNs = middle->timestampNs;
    } else {
        m_omittedOldestNs = std::min(m_omittedOldestNs, middle->timestampNs);
        m_omittedNewestNs = std::max(m_omittedNewestNs, middle->timestampNs);
    }
    ++m_omitted;
    m_entries.erase(middle);
}

void EvidenceBuffer::expireBefore(std::int64_t cutoffNs) {
    const auto keep = std::lower_bound(m_entries.begin(), m_entries.end(), cutoffNs,
        [](const Evidence &e, std::int64_t t) { return e.timestampNs < t; });
    m_entries.erase(m_entries.begin(), keep);
    if (m_omitted == 0 || m_omittedOldestNs >= cutoffNs)
        return;
    if (m_omittedNewestNs < cutoffNs) {
        m_omitted = 0;
        return;
    }
    // Assume the dropped events were spread evenly over their time range; at least the newest
    // of them is still inside.
    const double remaining = static_cast<double>(eventtime::distance(m_omittedNewestNs, cutoffNs))
        / static_cast<double>(eventtime::distance(m_omittedNewestNs, m_omittedOldestNs));
    m_omitted = std::max<std::uint64_t>(1, std::llround(static_cast<double>(m_omitted) * remaining));
    m_omittedOldestNs = cutoffNs;
}

std::uint32_t EvidenceBuffer::count() const {
    const std::uint64_t count = m_entries.size() + m_omitted;
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(count, std::numeric_limits<std::uint32_t>::max()));
}

void EvidenceBuffer::clear() {
    m_entries.clear();
    m_omitted = 0;
}

void keepFirstAndLast(std::vector<Evidence> &evidence, std::size_t maxEntries) {
    if (evidence.size() <= maxEntries)
        return;
    const std::size_t head = maxEntries / 2;
    const std::size_t tail = maxEntries - head;
    evidence.erase(
        evidence.begin() + static_cast<std::ptrdiff_t>(head), evidence.end() - static_cast<std::ptrdiff_t>(tail));
}

} // namespace vanopticon::analysis
