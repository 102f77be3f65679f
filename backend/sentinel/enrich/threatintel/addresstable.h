// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/enrich/geoip/ipkey.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vanopticon::sentinel {

// Address blocks (single addresses and CIDR prefixes) mapped to small integers: built once per
// refresh, then only read. Open addressing in flat arrays, one table per distinct prefix length,
// IPv4 blocks keyed by 32-bit integers: a lookup is about one cache line per prefix length, where
// node-based hash maps cost a pointer chase or three (most event addresses are in no list, and an
// unsuccessful probe of a linear-probing table at most half full reads 2.5 slots on average).
class AddressTable {
public:
    static constexpr std::uint32_t kNone = 0xffffffffu;

    // Maps `block` (key masked to `prefix`, key scale as parseIpPrefix gives it) to `value`;
    // returns the value already held when the block is present.
    std::uint32_t insert(const IpPrefix &block, std::uint32_t value);

    // Calls `visit(value)` for every block containing the address, most specific first.
    template<typename Visit> void forEachMatch(const IpKey &address, Visit &&visit) const {
        if (address.isV4()) {
            const std::uint32_t v4 = (std::uint32_t(address.bytes[12]) << 24) | (std::uint32_t(address.bytes[13]) << 16)
                | (std::uint32_t(address.bytes[14]) << 8) | std::uint32_t(address.bytes[15]);
            for (const V4Table &table : m_v4) {
                if (const std::uint32_t value = table.map.find(v4 & table.mask); value != kNone)
                    visit(value);
            }
        }
        // IPv6 blocks; for an IPv4 address only those shorter than ::ffff:0:0/96 can contain it
        // (the longer ones holding IPv4-mapped keys are in the IPv4 tables).
        for (const V6Table &table : m_v6) {
            if (address.isV4() && table.prefix >= 96)
                continue;
            const IpKey key = table.prefix == 128 ? address : address.masked(table.prefix);
            if (const std::uint32_t value = table.map.find(key); value != kNone)
                visit(value);
        }
    }

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }

private:
    template<typename Key, typename Hash> class FlatMap {
    public:
        std::uint32_t insert(const Key &key, std::uint32_t value);
        std::uint32_t find(const Key &key) const {
            if (m_slots.empty())
                return kNone;
            const std::size_t mask = m_slots.size() - 1;
            for (std::size_t i = Hash {}(key)&mask;; i = (i + 1) & mask) {
                const Slot &slot = m_slots[i];
                if (slot.value == kNone)
                    return kNone;
                if (slot.key == key)
                    return slot.value;
            }
        }

    private:
        struct Slot {
            Key key {};
            std::uint32_t value = kNone;
        };
        void grow();

        std::vector<Slot> m_slots; // a power of two, at most half full
        std::size_t m_size = 0;
    };

    struct V4Hash {
        std::size_t operator()(std::uint32_t key) const noexcept {
            std::uint64_t x = key * 0x9e3779b97f4a7c15ull;
            return static_cast<std::size_t>(x ^ (x >> 32));
        }
    };
    struct V4Table {
        int prefix; // 0..32
        std::uint32_t mask;
        FlatMap<std::uint32_t, V4Hash> map;
    };
    struct V6Table {
        int prefix; // key scale, 0..128
        FlatMap<IpKey, IpKeyHash> map;
    };

    std::vector<V4Table> m_v4; // longest prefix first
    std::vector<V6Table> m_v6; // longest prefix first
    std::size_t m_size = 0;
};

} // namespace vanopticon::sentinel
