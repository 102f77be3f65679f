// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/engine/scancache.h"

#include <bit>
#include <functional>

namespace vanopticon::analysis::sigma {

ScanCache::ScanCache(std::size_t slotCount)
    : m_slots(slotCount == 0 ? 0 : std::bit_ceil(slotCount)) {
}

ScanCache::~ScanCache() = default;

ScanCache::Slot &ScanCache::slotFor(std::uint32_t field, std::uint64_t hash) {
    if (field >= m_tables.size())
        m_tables.resize(std::size_t(field) + 1);
    std::unique_ptr<Table> &table = m_tables[field];
    if (!table) {
        table = std::make_unique<Table>();
        table->entries.resize(m_slots);
    }
    return table->entries[hash & (m_slots - 1)];
}

const std::vector<PatternId> *ScanCache::find(std::uint32_t field, std::string_view value) {
    const std::uint64_t hash = std::hash<std::string_view> {}(value);
    const Slot &slot = slotFor(field, hash);
    if (slot.used && slot.hash == hash && slot.value == value) {
        ++m_hits;
        return &slot.patterns;
    }
    ++m_misses;
    return nullptr;
}

void ScanCache::store(std::uint32_t field, std::string_view value, std::span<const PatternId> hits) {
    const std::uint64_t hash = std::hash<std::string_view> {}(value);
    Slot &slot = slotFor(field, hash);
    // assign() keeps the slot's capacity: in a steady state storing allocates nothing.
    slot.hash = hash;
    slot.used = true;
    slot.value.assign(value);
    slot.patterns.assign(hits.begin(), hits.end());
}

} // namespace vanopticon::analysis::sigma
