// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::analysis::sigma {

// A Sigma string value with its wildcards resolved: a sequence of literal byte runs and the
// wildcards `*` (any run, also empty) and `?` (exactly one byte… of UTF-8: one character).
// Matching is of the whole field value; contains/startswith/endswith are `*` added at the ends.
class Glob {
public:
    struct Token {
        enum class Kind : std::uint8_t { Literal, AnyRun, AnyOne };
        Kind kind = Kind::Literal;
        std::string literal; // Literal only: raw bytes (may contain NUL for UTF-16 values)
    };

    // Parses a value as rules write it: `*` and `?` are wildcards, `\*` `\?` `\\` their literal
    // characters, and a backslash before anything else is a literal backslash (specification:
    // "Escaping"). Case-insensitive unless `caseSensitive` (`cased`).
    static Glob fromSigma(std::string_view value, bool caseSensitive);
    // Raw bytes, no wildcards (encoded values: base64, utf16).
    static Glob literal(std::string_view bytes, bool caseSensitive);
    // Tokens as the modifiers left them; adjacent literals and adjacent `*` are merged, empty literals dropped.
    static Glob fromTokens(std::vector<Token> tokens, bool caseSensitive);

    void prependAnyRun(); // endswith, contains
    void appendAnyRun(); // startswith, contains

    const std::vector<Token> &tokens() const { return m_tokens; }
    bool caseSensitive() const { return m_caseSensitive; }
    bool hasWildcards() const;
    // True when the empty value matches (only `*` tokens, or none): Hyperscan needs HS_FLAG_ALLOWEMPTY then.
    bool canMatchEmpty() const;
    // The concatenated literal bytes when there are no wildcards.
    std::string literalText() const;

    // Reference matching (ASCII case folding when case-insensitive, like the automata).
    bool matches(std::string_view value) const;

    // An expression for Hyperscan (and PCRE): anchored at both ends (`^…\z` with `.*` omitted
    // where it would lead or trail; `\z`, not `$`, which also matches before a final newline),
    // every byte but [A-Za-z0-9] escaped as `\xHH`, `*` → `.*`, `?` → one UTF-8 character (a
    // well-formed sequence, or one byte that cannot start one). Compile it with HS_FLAG_DOTALL
    // (and HS_FLAG_CASELESS unless case-sensitive; HS_FLAG_ALLOWEMPTY when canMatchEmpty()).
    std::string toHyperscanExpression() const;

    friend bool operator==(const Glob &, const Glob &) = default;

private:
    std::vector<Token> m_tokens;
    bool m_caseSensitive = false;
};

bool operator==(const Glob::Token &a, const Glob::Token &b);

} // namespace vanopticon::analysis::sigma
