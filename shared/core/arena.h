// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace vanopticon {

// Bump allocator for the bytes of one batch of events: strings and field arrays are carved out
// of large blocks and released all at once with the batch. Block addresses never move, so
// views into the arena stay valid when the owning batch is moved.
class Arena {
public:
    static constexpr std::size_t kDefaultBlockSize = 64 * 1024;
    // Freed blocks of the default size a thread keeps for its next arenas (see release()).
    static constexpr std::size_t kMaxCachedBlocks = 64;

    explicit Arena(std::size_t blockSize = kDefaultBlockSize)
        : m_blockSize(blockSize) { }
    ~Arena() { release(); }
    Arena(Arena &&) noexcept = default;
    Arena &operator=(Arena &&other) noexcept;
    Arena(const Arena &) = delete;
    Arena &operator=(const Arena &) = delete;

    void *allocate(std::size_t size, std::size_t alignment);

    template<typename T> T *allocateArray(std::size_t count) {
        return static_cast<T *>(allocate(sizeof(T) * count, alignof(T)));
    }

    // Copies the bytes into the arena and returns a view of the copy.
    std::string_view copy(std::string_view text);

    // Bytes handed out so far (not counting block slack).
    std::size_t bytesUsed() const { return m_used; }
    void clear();

    // Blocks the calling thread holds for reuse (for tests and figures).
    static std::size_t cachedBlocks();

private:
    // Gives the blocks back: those of the default size to the thread's cache, up to
    // kMaxCachedBlocks. Fresh memory costs page faults (the allocator returns freed pages to the
    // kernel between batches), which cost more than parsing once the parsers were fast.
    void release();

    struct Block {
        std::unique_ptr<std::byte[]> data;
        std::size_t size = 0;
    };
    std::vector<Block> m_blocks;
    std::size_t m_blockSize;
    std::size_t m_offset = 0; // within the last block
    std::size_t m_used = 0;
};

} // namespace vanopticon
