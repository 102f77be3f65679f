// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/threatintel/addresstable.h"

#include <algorithm>
#include <cassert>

namespace vanopticon::sentinel {

template<typename Key, typename Hash>
std::uint32_t AddressTable::FlatMap<Key, Hash>::insert(const Key &key, std::uint32_t value) {
    assert(value != kNone);
    if ((m_size + 1) * 2 > m_slots.size())
        grow();
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = Hash {}(key)&mask;; i = (i + 1) & mask) {
        Slot &slot = m_slots[i];
        if (slot.value == kNone) {
            slot.key = key;
            slot.value = value;
            ++m_size;
            return value;
        }
        if (slot.key == key)
            return slot.value;
    }
}

template<typename Key, typename Hash> void AddressTable::FlatMap<Key, Hash>::grow() {
    std::vector<Slot> old(m_slots.empty() ? 16 : m_slots.size() * 2);
    old.swap(m_slots);
    m_size = 0;
    for (const Slot &slot : old) {
        if (slot.value != kNone)
            insert(slot.key, slot.value);
    }
}

std::uint32_t AddressTable::insert(const IpPrefix &block, std::uint32_t value) {
    std::uint32_t held = kNone;
    if (block.key.isV4() && block.prefix >= 96) {
        const int prefix = block.prefix - 96;
        auto table = std::find_if(m_v4.begin(), m_v4.end(), [prefix](const V4Table &t) { return t.prefix <= prefix; });
        if (table == m_v4.end() || table->prefix != prefix) {
            const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t(0) << (32 - prefix);
            table = m_v4.insert(table, V4Table {prefix, mask, {}});
        }
        const std::uint32_t key = (std::uint32_t(block.key.bytes[12]) << 24)
            | (std::uint32_t(block.key.bytes[13]) << 16) | (std::uint32_t(block.key.bytes[14]) << 8)
            | std::uint32_t(block.key.bytes[15]);
        held = table->map.insert(key & table->mask, value);
    } else {
        const int prefix = block.prefix;
        auto table = std::find_if(m_v6.begin(), m_v6.end(), [prefix](const V6Table &t) { return t.prefix <= prefix; });
        if (table == m_v6.end() || table->prefix != prefix)
            table = m_v6.insert(table, V6Table {prefix, {}});
        held = table->map.insert(block.key.masked(prefix), value);
    }
    if (held == value)
        ++m_size;
    return held;
}

} // namespace vanopticon::sentinel
