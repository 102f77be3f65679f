// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>

namespace vanopticon::sentinel::netflowbytes {

// Big-endian readers for export packets. The caller has checked that the bytes are there; the
// asserts only document it.
inline std::uint16_t u16(std::span<const std::uint8_t> bytes, std::size_t at) {
    assert(at + 2 <= bytes.size());
    return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

inline std::uint32_t u32(std::span<const std::uint8_t> bytes, std::size_t at) {
    assert(at + 4 <= bytes.size());
    return (std::uint32_t(bytes[at]) << 24) | (std::uint32_t(bytes[at + 1]) << 16) | (std::uint32_t(bytes[at + 2]) << 8)
        | std::uint32_t(bytes[at + 3]);
}

// An unsigned integer of 1 to 8 bytes: IPFIX lets exporters shorten wide counters
// ("reduced-size encoding", RFC 7011 6.2).
inline std::uint64_t unsignedValue(std::span<const std::uint8_t> bytes) {
    assert(!bytes.empty() && bytes.size() <= 8);
    std::uint64_t value = 0;
    for (std::uint8_t b : bytes)
        value = (value << 8) | b;
    return value;
}

} // namespace vanopticon::sentinel::netflowbytes
