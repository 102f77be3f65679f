// SPDX-License-Identifier: Apache-2.0
#include "shared/core/arena.h"

#include <cstdint>
#include <cstring>

namespace vanopticon {

namespace {

struct BlockCache;
// The calling thread's cache, or nullptr once the thread is ending (an arena destroyed after it
// then simply frees its blocks). Plain values stay readable while thread_local objects are destroyed.
thread_local BlockCache *t_cache = nullptr;
thread_local bool t_cacheEnded = false;

struct BlockCache {
    std::vector<std::unique_ptr<std::byte[]>> blocks;
    BlockCache() { t_cache = this; }
    ~BlockCache() {
        t_cache = nullptr;
        t_cacheEnded = true;
    }
};

BlockCache *threadCache() {
    if (t_cache == nullptr && !t_cacheEnded) {
        static thread_local BlockCache cache; // registers itself in t_cache
    }
    return t_cache;
}

} // namespace

Arena &Arena::operator=(Arena &&other) noexcept {
    if (this != &other) {
        release();
        m_blocks = std::move(other.m_blocks);
        m_blockSize = other.m_blockSize;
        m_offset = other.m_offset;
        m_used = other.m_used;
        other.m_blocks.clear();
        other.m_offset = 0;
        other.m_used = 0;
    }
    return *this;
}

std::size_t Arena::cachedBlocks() {
    const BlockCache *cache = threadCache();
    return cache == nullptr ? 0 : cache->blocks.size();
}

void Arena::release() {
    BlockCache *cache = m_blocks.empty() ? nullptr : threadCache();
    for (Block &block : m_blocks) {
        if (cache != nullptr && block.size == kDefaultBlockSize && cache->blocks.size() < kMaxCachedBlocks)
            cache->blocks.push_back(std::move(block.data));
    }
    m_blocks.clear();
}

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
    BlockCache *cache = blockSize == kDefaultBlockSize ? threadCache() : nullptr;
    if (cache != nullptr && !cache->blocks.empty()) {
        m_blocks.push_back(Block {std::move(cache->blocks.back()), blockSize});
        cache->blocks.pop_back();
    } else {
        m_blocks.push_back(Block {std::make_unique_for_overwrite<std::byte[]>(blockSize), blockSize});
    }
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
    release();
    m_offset = 0;
    m_used = 0;
}

} // namespace vanopticon
