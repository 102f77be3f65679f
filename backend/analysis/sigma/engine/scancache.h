// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/sigma/engine/patternindex.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::analysis::sigma {

// The patterns recent field values hit, so a value seen again skips its Hyperscan scan. Most
// fields of a fleet's events repeat all day (the same images, parents, hashes, companies, users,
// integrity levels), and a scan costs a few hundred nanoseconds even for a one-byte value.
//
// Per field a direct-mapped table of `slots` entries: a value's hash picks its slot, a newer
// value takes the slot over. Values longer than kMaxValueBytes (command lines with arguments,
// script blocks, raw lines: mostly unique) are never cached. Memory stays within about
// slotCount × (kMaxValueBytes + hits) per field scanned. One per evaluator (not thread-safe).
class ScanCache {
public:
    static constexpr std::size_t kMaxValueBytes = 128;

    // `slotCount`: per field, rounded up to a power of two; 0 disables the cache.
    explicit ScanCache(std::size_t slotCount);
    ~ScanCache();
    ScanCache(const ScanCache &) = delete;
    ScanCache &operator=(const ScanCache &) = delete;

    bool enabled() const { return m_slots != 0; }
    static bool cacheable(std::string_view value) { return value.size() <= kMaxValueBytes; }

    // The patterns `value` of `field` hit when it was last scanned, or nullptr.
    const std::vector<PatternId> *find(std::uint32_t field, std::string_view value);
    // Remembers what a complete scan of `value` found.
    void store(std::uint32_t field, std::string_view value, std::span<const PatternId> hits);

    std::uint64_t hits() const { return m_hits; }
    std::uint64_t misses() const { return m_misses; }

private:
    struct Slot {
        std::uint64_t hash = 0;
        bool used = false;
        std::string value;
        std::vector<PatternId> patterns;
    };
    struct Table {
        std::vector<Slot> entries;
    };

    Slot &slotFor(std::uint32_t field, std::uint64_t hash);

    std::size_t m_slots = 0;
    std::vector<std::unique_ptr<Table>> m_tables; // by field; kKeywordField is never cached
    std::uint64_t m_hits = 0;
    std::uint64_t m_misses = 0;
};

} // namespace vanopticon::analysis::sigma
