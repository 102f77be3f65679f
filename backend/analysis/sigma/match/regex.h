// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace vanopticon::analysis::sigma {

// A Sigma `re` value: PCRE (PCRE2, JIT-compiled) as the specification's flavour, matched
// anywhere in the value unless the expression anchors itself. Case-sensitive unless `re|i`.
// Copies share the compiled code (read-only, safe across threads; each match uses its own
// match data).
class Regex {
public:
    struct Flags {
        bool caseless = false; // re|i
        bool multiline = false; // re|m
        bool dotAll = false; // re|s
        friend bool operator==(const Flags &, const Flags &) = default;
    };

    // Refused with PCRE2's message and offset when the expression does not compile.
    static Result<Regex> compile(std::string_view pattern, Flags flags);

    // False as well when the match was abandoned at the backtracking limit (kMatchLimit): a
    // hostile value must not hang the engine. Those are counted (abandonedMatches()).
    bool matches(std::string_view value) const;

    static constexpr std::uint32_t kMatchLimit = 1'000'000;
    // Matches abandoned at the limit since the process started (all regexes, all threads).
    static std::uint64_t abandonedMatches();

    const std::string &pattern() const { return m_pattern; }
    Flags flags() const { return m_flags; }

    // Regexes are equal when pattern and flags are.
    friend bool operator==(const Regex &a, const Regex &b) {
        return a.m_pattern == b.m_pattern && a.m_flags == b.m_flags;
    }

private:
    struct Compiled;
    std::string m_pattern;
    Flags m_flags;
    std::shared_ptr<const Compiled> m_compiled;
};

} // namespace vanopticon::analysis::sigma
