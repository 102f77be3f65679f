// SPDX-License-Identifier: Apache-2.0
#include "sentinel/transmit/sequencestore.h"

#include "sentinel/transmit/nodeidentity.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace vanopticon::sentinel {

Result<SequenceStore> SequenceStore::open(const std::string &path) {
    SequenceStore store;
    store.m_path = path;
    std::ifstream in(path);
    if (in) {
        std::stringstream buffer;
        buffer << in.rdbuf();
        std::string text = buffer.str();
        while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
            text.pop_back();
        std::uint64_t reserved = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), reserved);
        if (ec != std::errc() || end != text.data() + text.size() || reserved == 0)
            return makeError(path + ": damaged sequence file (expected one positive number)");
        // Everything below the last reservation may have been used: continue above it.
        store.m_next = reserved;
        store.m_reservedUpTo = reserved;
    }
    return store;
}

Result<std::uint64_t> SequenceStore::next() {
    if (m_next >= m_reservedUpTo) {
        const std::uint64_t reserve = m_next + kBlock;
        if (auto written = writeFileAtomically(m_path, std::to_string(reserve) + "\n", 0600); !written)
            return written.error();
        m_reservedUpTo = reserve;
    }
    return m_next++;
}

} // namespace vanopticon::sentinel
