// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/fileposition.h"

#include <QMetaType>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vanopticon::sentinel {

// The lines one poll of a source read, packed into one buffer (one allocation per chunk rather
// than per line), and the position after the last of them: once everything up to here is safe
// (the server acknowledged it), that position is what to persist.
class LineChunk {
public:
    void append(std::string_view line);
    std::size_t size() const { return m_spans.size(); }
    bool empty() const { return m_spans.empty(); }
    std::string_view line(std::size_t index) const;
    std::size_t bytes() const { return m_bytes.size(); }

    const FilePosition &end() const { return m_end; }
    void setEnd(const FilePosition &end) { m_end = end; }

private:
    std::string m_bytes;
    std::vector<std::pair<std::size_t, std::size_t>> m_spans; // offset, length in m_bytes
    FilePosition m_end;
};

} // namespace vanopticon::sentinel

Q_DECLARE_METATYPE(vanopticon::sentinel::LineChunk)
