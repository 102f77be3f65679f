// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/linechunk.h"

#include <cassert>

namespace vanopticon::sentinel {

void LineChunk::append(std::string_view line) {
    m_spans.emplace_back(m_bytes.size(), line.size());
    m_bytes.append(line);
}

std::string_view LineChunk::line(std::size_t index) const {
    assert(index < m_spans.size());
    const auto [offset, length] = m_spans[index];
    return std::string_view(m_bytes).substr(offset, length);
}

} // namespace vanopticon::sentinel
