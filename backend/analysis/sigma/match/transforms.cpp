// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/match/transforms.h"

#include <algorithm>
#include <optional>
#include <utility>

namespace vanopticon::analysis::sigma {

namespace {

using Kind = Glob::Token::Kind;

struct CodePoint {
    char32_t value = 0;
    std::size_t length = 0; // bytes; 0 when the bytes are not UTF-8
};

CodePoint decodeAt(std::string_view text, std::size_t pos) {
    if (pos >= text.size())
        return {};
    const auto lead = static_cast<unsigned char>(text[pos]);
    if (lead < 0x80)
        return {lead, 1};
    std::size_t length = 0;
    char32_t value = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        value = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        value = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        value = lead & 0x07;
    } else {
        return {};
    }
    if (pos + length > text.size())
        return {};
    for (std::size_t i = 1; i < length; ++i) {
        const auto next = static_cast<unsigned char>(text[pos + i]);
        if ((next & 0xC0) != 0x80)
            return {};
        value = (value << 6) | (next & 0x3F);
    }
    // Overlong forms, surrogates and values beyond Unicode are not UTF-8.
    static constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (value < kSmallest[length] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        return {};
    return {value, length};
}

// The code point that ends just before `pos`.
CodePoint decodeBefore(std::string_view text, std::size_t pos) {
    std::size_t start = pos;
    for (int back = 0; back < 4 && start > 0; ++back) {
        --start;
        if ((static_cast<unsigned char>(text[start]) & 0xC0) != 0x80)
            break;
    }
    const CodePoint point = decodeAt(text, start);
    if (point.length == 0 || start + point.length != pos)
        return {};
    return point;
}

// Python's `\w` for str patterns: letters, digits and '_'. Outside ASCII this is an
// approximation: punctuation, symbol and space blocks are not word characters, the rest are.
bool isWord(const CodePoint &point) {
    if (point.length == 0)
        return false;
    const char32_t c = point.value;
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (c <= 0xBF) // Latin-1 punctuation and symbols, except the letters and digits among them
        return c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 || c == 0xB9 || c == 0xBA || (c >= 0xBC && c <= 0xBE);
    if (c == 0xD7 || c == 0xF7)
        return false;
    if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x2E00 && c <= 0x2E7F) || (c >= 0x3000 && c <= 0x3003)
        || (c >= 0x3008 && c <= 0x3020) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF01 && c <= 0xFF0F))
        return false;
    return true;
}

void appendLiteral(GlobTokens &tokens, std::string_view text) {
    if (text.empty())
        return;
    if (!tokens.empty() && tokens.back().kind == Kind::Literal)
        tokens.back().literal += text;
    else
        tokens.push_back(Glob::Token {Kind::Literal, std::string(text)});
}

void appendTokens(GlobTokens &tokens, const GlobTokens &more) {
    for (const Glob::Token &token : more) {
        if (token.kind == Kind::Literal)
            appendLiteral(tokens, token.literal);
        else
            tokens.push_back(token);
    }
}

// A value as a sequence of fixed tokens and slots; every slot has the same list of choices.
struct Template {
    struct Part {
        bool slot = false;
        GlobTokens fixed;
        std::string name; // the slot's name (placeholders)
    };
    std::vector<Part> parts;

    void addFixed(const Glob::Token &token) {
        if (parts.empty() || parts.back().slot)
            parts.push_back(Part {});
        if (token.kind == Kind::Literal)
            appendLiteral(parts.back().fixed, token.literal);
        else
            parts.back().fixed.push_back(token);
    }
    void addSlot(std::string name) { parts.push_back(Part {true, {}, std::move(name)}); }
    std::size_t slots() const {
        return static_cast<std::size_t>(
            std::count_if(parts.begin(), parts.end(), [](const Part &p) { return p.slot; }));
    }

    // Every combination of the slots' choices, in order (the first slot varies slowest).
    template<typename Choices> std::vector<GlobTokens> expand(const Choices &choicesFor) const {
        std::vector<GlobTokens> results {GlobTokens {}};
        for (const Part &part : parts) {
            if (!part.slot) {
                for (GlobTokens &result : results)
                    appendTokens(result, part.fixed);
                continue;
            }
            const std::vector<GlobTokens> &choices = choicesFor(part.name);
            std::vector<GlobTokens> next;
            next.reserve(results.size() * choices.size());
            for (const GlobTokens &result : results) {
                for (const GlobTokens &choice : choices) {
                    GlobTokens combined = result;
                    appendTokens(combined, choice);
                    next.push_back(std::move(combined));
                }
            }
            results = std::move(next);
        }
        return results;
    }
};

constexpr std::string_view kBase64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void appendUnit(std::string &out, char16_t unit, bool bigEndian) {
    const auto high = static_cast<char>(unit >> 8);
    const auto low = static_cast<char>(unit & 0xFF);
    if (bigEndian) {
        out += high;
        out += low;
    } else {
        out += low;
        out += high;
    }
}

} // namespace

Result<std::vector<GlobTokens>> windashVariants(const GlobTokens &value) {
    Template shape;
    for (const Glob::Token &token : value) {
        if (token.kind != Kind::Literal) {
            shape.addFixed(token);
            continue;
        }
        const std::string &text = token.literal;
        std::size_t copied = 0;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] != '-' && text[i] != '/')
                continue;
            const bool startsWord = (i == 0 || !isWord(decodeBefore(text, i))) && isWord(decodeAt(text, i + 1));
            if (!startsWord)
                continue;
            shape.addFixed(Glob::Token {Kind::Literal, text.substr(copied, i - copied)});
            shape.addSlot(std::string(1, text[i]));
            copied = i + 1;
        }
        shape.addFixed(Glob::Token {Kind::Literal, text.substr(copied)});
    }
    std::size_t count = 1;
    for (std::size_t i = 0; i < shape.slots(); ++i) {
        count *= 5;
        if (count > kMaxValueVariants) {
            return makeError("'windash' would turn the value into more than " + std::to_string(kMaxValueVariants)
                + " variants (" + std::to_string(shape.slots()) + " dashes)");
        }
    }
    // The dash as written first, then the others, so the first variant is the value itself.
    static const std::vector<std::string> kDashes {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"};
    std::map<std::string, std::vector<GlobTokens>, std::less<>> choices;
    for (const std::string_view written : {std::string_view("-"), std::string_view("/")}) {
        std::vector<GlobTokens> &list = choices[std::string(written)];
        list.push_back(GlobTokens {Glob::Token {Kind::Literal, std::string(written)}});
        for (const std::string &dash : kDashes) {
            if (dash != written)
                list.push_back(GlobTokens {Glob::Token {Kind::Literal, dash}});
        }
    }
    return shape.expand([&](const std::string &name) -> const std::vector<GlobTokens> & { return choices.at(name); });
}

Result<std::vector<GlobTokens>> expandPlaceholders(
    const GlobTokens &value, const PlaceholderValues *placeholders, std::vector<std::string> *unresolved) {
    Template shape;
    for (const Glob::Token &token : value) {
        if (token.kind != Kind::Literal) {
            shape.addFixed(token);
            continue;
        }
        const std::string &text = token.literal;
        std::string literal;
        std::size_t i = 0;
        while (i < text.size()) {
            if (text[i] == '%' && (i == 0 || text[i - 1] != '\\')) {
                std::size_t end = i + 1;
                while (end < text.size()) {
                    const CodePoint point = decodeAt(text, end);
                    if (!isWord(point))
                        break;
                    end += point.length;
                }
                if (end > i + 1 && end < text.size() && text[end] == '%') {
                    shape.addFixed(Glob::Token {Kind::Literal, std::move(literal)});
                    literal.clear();
                    shape.addSlot(text.substr(i + 1, end - i - 1));
                    i = end + 1;
                    continue;
                }
            }
            if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '%') {
                literal += '%';
                i += 2;
                continue;
            }
            literal += text[i++];
        }
        shape.addFixed(Glob::Token {Kind::Literal, std::move(literal)});
    }

    std::map<std::string, std::vector<GlobTokens>, std::less<>> choices;
    std::size_t count = 1;
    for (const Template::Part &part : shape.parts) {
        if (!part.slot || choices.contains(part.name))
            continue;
        std::vector<GlobTokens> &list = choices[part.name];
        if (placeholders != nullptr) {
            if (const auto found = placeholders->find(part.name); found != placeholders->end()) {
                for (const std::string &configured : found->second)
                    list.push_back(Glob::fromSigma(configured, false).tokens());
                continue;
            }
        }
        if (unresolved != nullptr && std::find(unresolved->begin(), unresolved->end(), part.name) == unresolved->end())
            unresolved->push_back(part.name);
    }
    for (const Template::Part &part : shape.parts) {
        if (!part.slot)
            continue;
        const std::size_t options = choices.at(part.name).size();
        if (options == 0)
            return std::vector<GlobTokens> {};
        count *= options;
        if (count > kMaxValueVariants) {
            return makeError(
                "'expand' would turn the value into more than " + std::to_string(kMaxValueVariants) + " variants");
        }
    }
    return shape.expand([&](const std::string &name) -> const std::vector<GlobTokens> & { return choices.at(name); });
}

std::string base64Encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const auto a = static_cast<unsigned char>(bytes[i]);
        const auto b = static_cast<unsigned char>(bytes[i + 1]);
        const auto c = static_cast<unsigned char>(bytes[i + 2]);
        out += kBase64Alphabet[a >> 2];
        out += kBase64Alphabet[((a & 0x03) << 4) | (b >> 4)];
        out += kBase64Alphabet[((b & 0x0F) << 2) | (c >> 6)];
        out += kBase64Alphabet[c & 0x3F];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        const auto a = static_cast<unsigned char>(bytes[i]);
        out += kBase64Alphabet[a >> 2];
        out += kBase64Alphabet[(a & 0x03) << 4];
        out += "==";
    } else if (rest == 2) {
        const auto a = static_cast<unsigned char>(bytes[i]);
        const auto b = static_cast<unsigned char>(bytes[i + 1]);
        out += kBase64Alphabet[a >> 2];
        out += kBase64Alphabet[((a & 0x03) << 4) | (b >> 4)];
        out += kBase64Alphabet[(b & 0x0F) << 2];
        out += '=';
    }
    return out;
}

std::array<std::string, 3> base64OffsetEncode(std::string_view bytes) {
    static constexpr std::size_t kStartCut[] = {0, 2, 3};
    static constexpr std::size_t kEndCut[] = {0, 3, 2};
    std::array<std::string, 3> variants;
    for (std::size_t offset = 0; offset < 3; ++offset) {
        const std::string encoded = base64Encode(std::string(offset, ' ') + std::string(bytes));
        const std::size_t start = kStartCut[offset];
        const std::size_t endCut = kEndCut[(bytes.size() + offset) % 3];
        const std::size_t end = encoded.size() >= endCut ? encoded.size() - endCut : 0;
        if (end > start)
            variants[offset] = encoded.substr(start, end - start);
    }
    return variants;
}

Result<std::string> utf16Encode(std::string_view utf8, Utf16Form form) {
    std::string out;
    out.reserve(utf8.size() * 2 + 2);
    const bool bigEndian = form == Utf16Form::BigEndian;
    if (form == Utf16Form::LittleEndianWithBom)
        out += "\xFF\xFE";
    for (std::size_t pos = 0; pos < utf8.size();) {
        const CodePoint point = decodeAt(utf8, pos);
        if (point.length == 0)
            return makeError(
                "the value is not valid UTF-8 (byte " + std::to_string(pos) + "), so it has no UTF-16 form");
        if (point.value >= 0x10000) {
            const char32_t v = point.value - 0x10000;
            appendUnit(out, static_cast<char16_t>(0xD800 + (v >> 10)), bigEndian);
            appendUnit(out, static_cast<char16_t>(0xDC00 + (v & 0x3FF)), bigEndian);
        } else {
            appendUnit(out, static_cast<char16_t>(point.value), bigEndian);
        }
        pos += point.length;
    }
    return out;
}

Result<GlobTokens> utf16EncodeTokens(const GlobTokens &value, Utf16Form form) {
    GlobTokens out;
    if (form == Utf16Form::LittleEndianWithBom)
        appendLiteral(out, "\xFF\xFE");
    const Utf16Form partForm = form == Utf16Form::BigEndian ? Utf16Form::BigEndian : Utf16Form::LittleEndian;
    for (const Glob::Token &token : value) {
        switch (token.kind) {
        case Kind::AnyRun:
            out.push_back(token);
            break;
        case Kind::AnyOne:
            return makeError("a '?' wildcard has no UTF-16 form (it matches one UTF-8 character); use '*' or spell "
                             "the character out");
        case Kind::Literal: {
            auto encoded = utf16Encode(token.literal, partForm);
            if (!encoded)
                return encoded.error();
            appendLiteral(out, *encoded);
            break;
        }
        }
    }
    return out;
}

} // namespace vanopticon::analysis::sigma
