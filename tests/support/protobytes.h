// SPDX-License-Identifier: Apache-2.0
#pragma once

// Protobuf's encoding written by hand, for tests that feed decoders bytes protobuf itself would
// never write (repeats, unknown numbers, groups, odd lengths).

#include <cstdint>
#include <string>

namespace vanopticon::test {

inline std::string varint(std::uint64_t value) {
    std::string out;
    while (value >= 0x80) {
        out += char((value & 0x7F) | 0x80);
        value >>= 7;
    }
    out += char(value);
    return out;
}

inline std::string lengthDelimited(std::uint32_t number, const std::string &bytes) {
    return varint((std::uint64_t(number) << 3) | 2) + varint(bytes.size()) + bytes;
}

} // namespace vanopticon::test
