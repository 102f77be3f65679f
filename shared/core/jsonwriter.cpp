// SPDX-License-Identifier: Apache-2.0
#include "shared/core/jsonwriter.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace vanopticon {

namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not valid.
std::size_t utf8SequenceLength(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
    const std::uint8_t lead = byte(i);
    std::size_t length = 0;
    std::uint32_t min = 0;
    std::uint32_t codePoint = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        min = 0x80;
        codePoint = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        min = 0x800;
        codePoint = lead & 0x0Fu;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        min = 0x10000;
        codePoint = lead & 0x07u;
    } else {
        return 0;
    }
    if (i + length > text.size())
        return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0u) != 0x80u)
            return 0;
        codePoint = (codePoint << 6) | (byte(i + k) & 0x3Fu);
    }
    if (codePoint < min || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
        return 0; // overlong, out of range, or a surrogate
    return length;
}

// Printable ASCII other than the quote and the backslash: a table, one load per byte.
constexpr std::array<bool, 256> kNeedsNoEscape = [] {
    std::array<bool, 256> table {};
    for (int c = 0x20; c < 0x7F; ++c)
        table[std::size_t(c)] = c != '"' && c != '\\';
    return table;
}();

constexpr bool needsNoEscape(std::uint8_t c) {
    return kNeedsNoEscape[c];
}

constexpr std::uint64_t kEveryByte = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

// Non-zero when a byte of `word` is zero.
constexpr std::uint64_t anyZeroByte(std::uint64_t word) {
    return (word - kEveryByte) & ~word & kHighBits;
}

// Whether all eight bytes of `word` satisfy needsNoEscape (in any byte order). These checks never
// miss a byte that needs escaping; a borrow can only flag bytes above one that truly does, and a
// word flagged is looked at again one byte at a time.
constexpr bool allNeedNoEscape(std::uint64_t word) {
    const std::uint64_t nonAscii = word & kHighBits;
    const std::uint64_t control = (word - 0x20 * kEveryByte) & ~word & kHighBits;
    const std::uint64_t special = anyZeroByte(word ^ (0x7F * kEveryByte)) | anyZeroByte(word ^ ('"' * kEveryByte))
        | anyZeroByte(word ^ ('\\' * kEveryByte));
    return (nonAscii | control | special) == 0;
}
static_assert(allNeedNoEscape(0x2021237E5B5D7A41ULL)); // " !#~[]zA"
static_assert(!allNeedNoEscape(0x2261616161616161ULL) && !allNeedNoEscape(0x616161616161615CULL));
static_assert(!allNeedNoEscape(0x6161611F61616161ULL) && !allNeedNoEscape(0x617F616161616161ULL));
static_assert(!allNeedNoEscape(0x61616161C3B66161ULL) && !allNeedNoEscape(0x0061616161616161ULL));

// Where the run of bytes that go out as they are, starting at `from`, ends: eight bytes at a
// time while it lasts (this runs over every character of every stored event).
std::size_t plainRunEnd(std::string_view text, std::size_t from) {
    std::size_t end = from;
    while (text.size() - end >= sizeof(std::uint64_t)) {
        std::uint64_t word = 0;
        std::memcpy(&word, text.data() + end, sizeof word);
        if (!allNeedNoEscape(word))
            break;
        end += sizeof word;
    }
    while (end < text.size() && needsNoEscape(static_cast<std::uint8_t>(text[end])))
        ++end;
    return end;
}

} // namespace

void appendJsonString(std::string &out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.reserve(out.size() + text.size() + 2);
    out += '"';
    std::size_t i = 0;
    while (i < text.size()) {
        // Most text is printable ASCII that goes out as it is: copied a run at a time.
        const std::size_t plain = plainRunEnd(text, i);
        if (plain > i) {
            out.append(text.data() + i, plain - i);
            i = plain;
            if (i == text.size())
                break;
        }
        const auto c = static_cast<std::uint8_t>(text[i]);
        if (c < 0x80) {
            switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20 || c == 0x7F) {
                    out += "\\u00";
                    out += kHex[c >> 4];
                    out += kHex[c & 0xF];
                } else {
                    out += static_cast<char>(c);
                }
            }
            ++i;
            continue;
        }
        const std::size_t length = utf8SequenceLength(text, i);
        if (length == 0) {
            out += "\xEF\xBF\xBD"; // U+FFFD
            ++i;
            continue;
        }
        out.append(text.substr(i, length));
        i += length;
    }
    out += '"';
}

} // namespace vanopticon
