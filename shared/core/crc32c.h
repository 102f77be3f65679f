// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string_view>

namespace vanopticon {

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as iSCSI, ext4 and LevelDB use it to
// detect torn and corrupted records. Uses the SSE4.2 crc32 instruction where the CPU has it.
// `crc` continues an earlier value: crc32c(b, crc32c(a)) == crc32c(a + b).
std::uint32_t crc32c(std::string_view data, std::uint32_t crc = 0);

// The table-driven computation crc32c() falls back to (exposed so tests check both).
std::uint32_t crc32cPortable(std::string_view data, std::uint32_t crc = 0);

} // namespace vanopticon
