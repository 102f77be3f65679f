// SPDX-License-Identifier: Apache-2.0
#include "shared/core/utf8.h"

#include <cstdint>
#include <cstring>

namespace vanopticon {

namespace {

bool isContinuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

} // namespace

bool isValidUtf8(std::string_view text) {
    const auto *p = reinterpret_cast<const unsigned char *>(text.data());
    const unsigned char *const end = p + text.size();
    while (p != end) {
        // Log records are mostly ASCII: test eight bytes at a time while they are.
        if (end - p >= 8) {
            std::uint64_t word = 0;
            std::memcpy(&word, p, sizeof word);
            if ((word & 0x8080808080808080ULL) == 0) {
                p += 8;
                continue;
            }
        }
        const unsigned char c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        const std::ptrdiff_t left = end - p;
        if (c >= 0xC2 && c <= 0xDF) {
            if (left < 2 || !isContinuation(p[1]))
                return false;
            p += 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            if (left < 3 || !isContinuation(p[1]) || !isContinuation(p[2]))
                return false;
            if (c == 0xE0 && p[1] < 0xA0)
                return false; // overlong
            if (c == 0xED && p[1] >= 0xA0)
                return false; // UTF-16 surrogate
            p += 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            if (left < 4 || !isContinuation(p[1]) || !isContinuation(p[2]) || !isContinuation(p[3]))
                return false;
            if (c == 0xF0 && p[1] < 0x90)
                return false; // overlong
            if (c == 0xF4 && p[1] >= 0x90)
                return false; // above U+10FFFF
            p += 4;
        } else {
            return false; // a continuation byte where a character begins, or 0xC0, 0xC1, 0xF5…
        }
    }
    return true;
}

} // namespace vanopticon
