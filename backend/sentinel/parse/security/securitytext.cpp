// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/security/securitytext.h"

namespace vanopticon::sentinel::securitytext {

namespace {

constexpr std::size_t kMaxTerminalBytes = 64;
constexpr std::size_t kMaxIdDigits = 10;

char unquoted(char c) {
    return c == '`' ? '\'' : c;
}

bool sameChar(char a, char b) {
    return unquoted(a) == unquoted(b);
}

// Leftmost position of `literal` in `text` at or after `from`, quotes compared as one.
std::size_t find(std::string_view text, std::string_view literal, std::size_t from) {
    if (literal.empty())
        return from;
    for (std::size_t i = from; i + literal.size() <= text.size(); ++i) {
        std::size_t k = 0;
        while (k < literal.size() && sameChar(text[i + k], literal[k]))
            ++k;
        if (k == literal.size())
            return i;
    }
    return std::string_view::npos;
}

bool startsWith(std::string_view text, std::size_t at, std::string_view literal) {
    if (at + literal.size() > text.size())
        return false;
    for (std::size_t k = 0; k < literal.size(); ++k) {
        if (!sameChar(text[at + k], literal[k]))
            return false;
    }
    return true;
}

} // namespace

bool isName(std::string_view text) {
    if (text.empty() || text.size() > kMaxNameBytes)
        return false;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7F || c == '\'' || c == '`' || c == '"' || c == ':' || c == ',' || c == ';'
            || c == '(' || c == ')')
            return false;
    }
    return true;
}

bool isId(std::string_view text) {
    if (text.empty() || text.size() > kMaxIdDigits)
        return false;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

bool isTerminal(std::string_view text) {
    if (text.empty() || text.size() > kMaxTerminalBytes)
        return false;
    for (const char c : text) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F)
            return false;
    }
    return true;
}

std::string_view trimLeft(std::string_view text) {
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    return text;
}

bool match(std::string_view text, std::string_view pattern, std::array<std::string_view, kMaxCaptures> &captures) {
    captures = {};
    // The literal before the first placeholder must begin the text.
    std::size_t percent = pattern.find('%');
    std::string_view literal = pattern.substr(0, percent);
    if (!startsWith(text, 0, literal))
        return false;
    std::size_t position = literal.size();
    std::size_t capture = 0;
    while (percent != std::string_view::npos) {
        if (capture == kMaxCaptures)
            return false; // a pattern with too many placeholders: a bug, never matches
        const std::size_t next = pattern.find('%', percent + 1);
        literal
            = pattern.substr(percent + 1, next == std::string_view::npos ? std::string_view::npos : next - percent - 1);
        std::size_t end = 0;
        if (next == std::string_view::npos) {
            // The last literal ends the text.
            if (text.size() < position + literal.size() || !startsWith(text, text.size() - literal.size(), literal))
                return false;
            end = text.size() - literal.size();
        } else {
            end = find(text, literal, position);
            if (end == std::string_view::npos)
                return false;
        }
        captures[capture++] = text.substr(position, end - position);
        position = end + literal.size();
        percent = next;
    }
    return position == text.size();
}

} // namespace vanopticon::sentinel::securitytext
