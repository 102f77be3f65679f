// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/match/glob.h"

#include <algorithm>
#include <cstddef>

namespace vanopticon::analysis::sigma {

namespace {

using Kind = Glob::Token::Kind;

constexpr std::size_t kNoMatch = static_cast<std::size_t>(-1);

unsigned char fold(unsigned char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + ('a' - 'A')) : c;
}

// The length of the one character `?` takes at `pos`, 0 when none can start there. Deterministic
// on purpose (one length per position) so that the reference and the automaton agree: a
// well-formed-looking UTF-8 sequence by its lead byte, or a single byte that cannot lead one
// (stray continuation bytes, F8–FF).
std::size_t characterLength(std::string_view value, std::size_t pos) {
    if (pos >= value.size())
        return 0;
    const auto lead = static_cast<unsigned char>(value[pos]);
    std::size_t length = 1;
    if (lead >= 0xC0 && lead <= 0xDF)
        length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF)
        length = 3;
    else if (lead >= 0xF0 && lead <= 0xF7)
        length = 4;
    if (pos + length > value.size())
        return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((static_cast<unsigned char>(value[pos + i]) & 0xC0) != 0x80)
            return 0;
    }
    return length;
}

bool equalBytes(std::string_view value, std::size_t pos, std::string_view literal, bool caseSensitive) {
    if (pos + literal.size() > value.size())
        return false;
    if (caseSensitive)
        return value.compare(pos, literal.size(), literal) == 0;
    for (std::size_t i = 0; i < literal.size(); ++i) {
        if (fold(static_cast<unsigned char>(value[pos + i])) != fold(static_cast<unsigned char>(literal[i])))
            return false;
    }
    return true;
}

// A run of tokens without `*`: matches at one position in at most one way.
struct Segment {
    const Glob::Token *begin = nullptr;
    const Glob::Token *end = nullptr;

    std::size_t minLength() const {
        std::size_t length = 0;
        for (const Glob::Token *t = begin; t != end; ++t)
            length += t->kind == Kind::Literal ? t->literal.size() : 1;
        return length;
    }
    std::size_t maxLength() const {
        std::size_t length = 0;
        for (const Glob::Token *t = begin; t != end; ++t)
            length += t->kind == Kind::Literal ? t->literal.size() : 4;
        return length;
    }
    bool fixedLength() const {
        return std::none_of(begin, end, [](const Glob::Token &t) { return t.kind == Kind::AnyOne; });
    }

    // Where the segment ends when it starts at `pos`, or kNoMatch.
    std::size_t matchAt(std::string_view value, std::size_t pos, bool caseSensitive) const {
        for (const Glob::Token *t = begin; t != end; ++t) {
            if (t->kind == Kind::Literal) {
                if (!equalBytes(value, pos, t->literal, caseSensitive))
                    return kNoMatch;
                pos += t->literal.size();
            } else {
                const std::size_t length = characterLength(value, pos);
                if (length == 0)
                    return kNoMatch;
                pos += length;
            }
        }
        return pos;
    }

    // The earliest end of a match starting at or after `from` (the placement that leaves the
    // most room for what follows, so greedy placement never loses a match), or kNoMatch.
    std::size_t earliestEnd(std::string_view value, std::size_t from, bool caseSensitive) const {
        const std::size_t shortest = minLength();
        const bool fixed = fixedLength();
        std::size_t best = kNoMatch;
        for (std::size_t start = from; start + shortest <= value.size(); ++start) {
            if (best != kNoMatch && start + shortest >= best)
                break;
            const std::size_t stop = matchAt(value, start, caseSensitive);
            if (stop == kNoMatch)
                continue;
            if (fixed)
                return stop;
            best = std::min(best, stop);
        }
        return best;
    }
};

void appendHex(std::string &out, unsigned char c) {
    static constexpr char kDigits[] = "0123456789abcdef";
    out += "\\x";
    out += kDigits[c >> 4];
    out += kDigits[c & 0x0F];
}

bool isAlphanumeric(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// One character as characterLength() defines it.
constexpr std::string_view kAnyCharacter = "(?:[\\x00-\\xbf\\xf8-\\xff]|[\\xc0-\\xdf][\\x80-\\xbf]|"
                                           "[\\xe0-\\xef][\\x80-\\xbf]{2}|[\\xf0-\\xf7][\\x80-\\xbf]{3})";

} // namespace

bool operator==(const Glob::Token &a, const Glob::Token &b) {
    return a.kind == b.kind && a.literal == b.literal;
}

Glob Glob::fromSigma(std::string_view value, bool caseSensitive) {
    // Specification "Escaping": `\` escapes `*`, `?` and `\`; before anything else (or at the
    // end) it is a literal backslash. So `\\*` is a backslash then a wildcard, `\\\*` a
    // backslash then a star, and three or four backslashes are two.
    std::vector<Token> tokens;
    std::string literal;
    auto flush = [&] {
        if (!literal.empty())
            tokens.push_back(Token {Token::Kind::Literal, std::move(literal)});
        literal.clear();
    };
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (c == '\\') {
            if (i + 1 < value.size() && (value[i + 1] == '*' || value[i + 1] == '?' || value[i + 1] == '\\')) {
                literal += value[i + 1];
                ++i;
            } else {
                literal += '\\';
            }
        } else if (c == '*' || c == '?') {
            flush();
            tokens.push_back(Token {c == '*' ? Token::Kind::AnyRun : Token::Kind::AnyOne, {}});
        } else {
            literal += c;
        }
    }
    flush();
    return fromTokens(std::move(tokens), caseSensitive);
}

Glob Glob::literal(std::string_view bytes, bool caseSensitive) {
    Glob glob;
    glob.m_caseSensitive = caseSensitive;
    if (!bytes.empty())
        glob.m_tokens.push_back(Token {Token::Kind::Literal, std::string(bytes)});
    return glob;
}

Glob Glob::fromTokens(std::vector<Token> tokens, bool caseSensitive) {
    Glob glob;
    glob.m_caseSensitive = caseSensitive;
    for (Token &token : tokens) {
        if (token.kind == Token::Kind::Literal) {
            if (token.literal.empty())
                continue;
            if (!glob.m_tokens.empty() && glob.m_tokens.back().kind == Token::Kind::Literal) {
                glob.m_tokens.back().literal += token.literal;
                continue;
            }
        } else {
            token.literal.clear();
            if (token.kind == Token::Kind::AnyRun && !glob.m_tokens.empty()
                && glob.m_tokens.back().kind == Token::Kind::AnyRun)
                continue;
        }
        glob.m_tokens.push_back(std::move(token));
    }
    return glob;
}

void Glob::prependAnyRun() {
    if (m_tokens.empty() || m_tokens.front().kind != Token::Kind::AnyRun)
        m_tokens.insert(m_tokens.begin(), Token {Token::Kind::AnyRun, {}});
}

void Glob::appendAnyRun() {
    if (m_tokens.empty() || m_tokens.back().kind != Token::Kind::AnyRun)
        m_tokens.push_back(Token {Token::Kind::AnyRun, {}});
}

bool Glob::hasWildcards() const {
    return std::any_of(m_tokens.begin(), m_tokens.end(), [](const Token &t) { return t.kind != Kind::Literal; });
}

bool Glob::canMatchEmpty() const {
    return std::all_of(m_tokens.begin(), m_tokens.end(), [](const Token &t) { return t.kind == Kind::AnyRun; });
}

std::string Glob::literalText() const {
    std::string text;
    for (const Token &token : m_tokens)
        text += token.literal;
    return text;
}

bool Glob::matches(std::string_view value) const {
    const Token *const first = m_tokens.data();
    const Token *const last = first + m_tokens.size();
    const Token *const firstStar = std::find_if(first, last, [](const Token &t) { return t.kind == Kind::AnyRun; });
    if (firstStar == last)
        return Segment {first, last}.matchAt(value, 0, m_caseSensitive) == value.size();

    // Prefix before the first `*`: anchored at the start.
    std::size_t pos = Segment {first, firstStar}.matchAt(value, 0, m_caseSensitive);
    if (pos == kNoMatch)
        return false;

    const Token *lastStar = last - 1;
    while (lastStar->kind != Kind::AnyRun)
        --lastStar;

    // Segments between stars: each placed where it ends earliest.
    for (const Token *begin = firstStar + 1; begin <= lastStar;) {
        const Token *end = std::find_if(begin, lastStar + 1, [](const Token &t) { return t.kind == Kind::AnyRun; });
        if (end != begin) {
            pos = Segment {begin, end}.earliestEnd(value, pos, m_caseSensitive);
            if (pos == kNoMatch)
                return false;
        }
        begin = end + 1;
    }

    // Suffix after the last `*`: must end exactly at the end; only a few starts can.
    const Segment suffix {lastStar + 1, last};
    if (suffix.begin == suffix.end)
        return true;
    const std::size_t shortest = suffix.minLength();
    const std::size_t longest = suffix.maxLength();
    if (value.size() < pos + shortest)
        return false;
    const std::size_t lowest = value.size() >= longest ? std::max(pos, value.size() - longest) : pos;
    for (std::size_t start = lowest; start + shortest <= value.size(); ++start) {
        if (suffix.matchAt(value, start, m_caseSensitive) == value.size())
            return true;
    }
    return false;
}

std::string Glob::toHyperscanExpression() const {
    std::string expression;
    const bool leadingStar = !m_tokens.empty() && m_tokens.front().kind == Kind::AnyRun;
    const bool trailingStar = !m_tokens.empty() && m_tokens.back().kind == Kind::AnyRun;
    const std::size_t begin = leadingStar ? 1 : 0;
    const std::size_t end = trailingStar ? std::max(begin, m_tokens.size() - 1) : m_tokens.size();
    if (!leadingStar)
        expression += '^';
    for (std::size_t i = begin; i < end; ++i) {
        const Token &token = m_tokens[i];
        switch (token.kind) {
        case Kind::AnyRun:
            expression += ".*";
            break;
        case Kind::AnyOne:
            expression += kAnyCharacter;
            break;
        case Kind::Literal:
            for (const char c : token.literal) {
                const auto byte = static_cast<unsigned char>(c);
                if (isAlphanumeric(byte))
                    expression += c;
                else
                    appendHex(expression, byte);
            }
            break;
        }
    }
    if (!trailingStar)
        expression += "\\z";
    return expression;
}

} // namespace vanopticon::analysis::sigma
