// SPDX-License-Identifier: Apache-2.0
#include "shared/core/crc32c.h"

#include <array>
#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace vanopticon {

namespace {

constexpr std::uint32_t kPolynomial = 0x82F63B78u;

// Slicing-by-8 tables for CPUs without the instruction.
using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables makeTables() {
    Tables tables {};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t crc = i;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ ((crc & 1) ? kPolynomial : 0);
        tables[0][i] = crc;
    }
    for (std::size_t t = 1; t < 8; ++t) {
        for (std::uint32_t i = 0; i < 256; ++i)
            tables[t][i] = (tables[t - 1][i] >> 8) ^ tables[0][tables[t - 1][i] & 0xFF];
    }
    return tables;
}

constexpr Tables kTables = makeTables();

std::uint32_t softwareCrc(const unsigned char *p, std::size_t n, std::uint32_t crc) {
    while (n >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8); // little-endian hosts only (static_assert below)
        word ^= crc;
        crc = kTables[7][word & 0xFF] ^ kTables[6][(word >> 8) & 0xFF] ^ kTables[5][(word >> 16) & 0xFF]
            ^ kTables[4][(word >> 24) & 0xFF] ^ kTables[3][(word >> 32) & 0xFF] ^ kTables[2][(word >> 40) & 0xFF]
            ^ kTables[1][(word >> 48) & 0xFF] ^ kTables[0][word >> 56];
        p += 8;
        n -= 8;
    }
    while (n-- > 0)
        crc = (crc >> 8) ^ kTables[0][(crc ^ *p++) & 0xFF];
    return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) std::uint32_t hardwareCrc(const unsigned char *p, std::size_t n, std::uint32_t crc) {
    std::uint64_t wide = crc;
    while (n >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);
        wide = _mm_crc32_u64(wide, word);
        p += 8;
        n -= 8;
    }
    crc = static_cast<std::uint32_t>(wide);
    while (n-- > 0)
        crc = _mm_crc32_u8(crc, *p++);
    return crc;
}

const bool kHaveSse42 = __builtin_cpu_supports("sse4.2");
#endif

static_assert(std::endian::native == std::endian::little, "crc32c assumes a little-endian host");

} // namespace

std::uint32_t crc32c(std::string_view data, std::uint32_t crc) {
    const auto *p = reinterpret_cast<const unsigned char *>(data.data());
    crc = ~crc;
#if defined(__x86_64__)
    if (kHaveSse42)
        return ~hardwareCrc(p, data.size(), crc);
#endif
    return ~softwareCrc(p, data.size(), crc);
}

std::uint32_t crc32cPortable(std::string_view data, std::uint32_t crc) {
    return ~softwareCrc(reinterpret_cast<const unsigned char *>(data.data()), data.size(), ~crc);
}

} // namespace vanopticon
