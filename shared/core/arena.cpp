// SPDX-License-Identifier: Apache-2.0
#include "shared/core/arena.h"

#include <cstdint>
#include <cstring>

namespace vanopticon {

void *Arena::allocate(std::size_t size, std::size_t alignment) {
    if (!m_blocks.empty()) {
        Block &block = m_blocks.back();
        const std::size_t aligned = (m_offset + alignment - 1) & ~(alignment - 1);
        if (aligned + size <= block.size) {
            m_offset = aligned + size;
            m_used += size;
            return block.data.get() + aligned;
        }
    }
    // A request larger than a block gets a block of its own size.
    const std::size_t blockSize = size + alignment > m_blockSize ? size + alignment : m_blockSize;
    // Not zeroed: every byte is written before it is read, and zero-filling 64 KiB per block was
    // the largest single cost of parsing a batch.
    m_blocks.push_back(Block {std::make_unique_for_overwrite<std::byte[]>(blockSize), blockSize});
    auto *base = m_blocks.back().data.get();
    const auto address = reinterpret_cast<std::uintptr_t>(base);
    const std::size_t aligned = ((address + alignment - 1) & ~(alignment - 1)) - address;
    m_offset = aligned + size;
    m_used += size;
    return base + aligned;
}

std::string_view Arena::copy(std::string_view text) {
    if (text.empty())
        return {};
    auto *bytes = static_cast<char *>(allocate(text.size(), 1));
    std::memcpy(bytes, text.data(), text.size());
    return {bytes, text.size()};
}

void Arena::clear() {
    m_blocks.clear();
    m_offset = 0;
    m_used = 0;
}

} // namespace vanopticon
