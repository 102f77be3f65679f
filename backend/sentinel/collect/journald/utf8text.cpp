// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/journald/utf8text.h"

#include "shared/core/utf8.h"

namespace vanopticon::sentinel {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD

bool isContinuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

} // namespace

std::size_t utf8SequenceLength(std::string_view text) {
    if (text.empty())
        return 0;
    const auto *p = reinterpret_cast<const unsigned char *>(text.data());
    const std::size_t left = text.size();
    const unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return left >= 2 && isContinuation(p[1]) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (left < 3 || !isContinuation(p[1]) || !isContinuation(p[2]))
            return 0;
        if (c == 0xE0 && p[1] < 0xA0)
            return 0; // overlong
        if (c == 0xED && p[1] >= 0xA0)
            return 0; // a UTF-16 surrogate
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (left < 4 || !isContinuation(p[1]) || !isContinuation(p[2]) || !isContinuation(p[3]))
            return 0;
        if (c == 0xF0 && p[1] < 0x90)
            return 0; // overlong
        if (c == 0xF4 && p[1] >= 0x90)
            return 0; // above U+10FFFF
        return 4;
    }
    return 0;
}

std::string_view toValidUtf8(std::string_view text, std::string &scratch, bool &replaced) {
    replaced = !isValidUtf8(text); // the common case, checked fast
    if (!replaced)
        return text;
    scratch.clear();
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t length = utf8SequenceLength(text.substr(i));
        if (length == 0) {
            scratch.append(kReplacement);
            ++i;
        } else {
            scratch.append(text.substr(i, length));
            i += length;
        }
    }
    return scratch;
}

std::string_view cutUtf8(std::string_view text, std::size_t maxBytes) {
    if (text.size() <= maxBytes)
        return text;
    std::size_t end = maxBytes;
    // Back over at most three continuation bytes to the start of the sequence the cut falls in.
    for (int steps = 0; steps < 3 && end > 0 && isContinuation(static_cast<unsigned char>(text[end])); ++steps)
        --end;
    return text.substr(0, end);
}

} // namespace vanopticon::sentinel
