// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/sigma/match/glob.h"
#include "shared/core/result.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

// The value-transforming modifiers (windash, expand, base64, base64offset, utf16*) as pure
// functions, following pySigma where the specification leaves the details open. They work on a
// value's tokens (literal runs and wildcards) because the wildcards a value already has must
// pass through them untouched.
namespace vanopticon::analysis::sigma {

using GlobTokens = std::vector<Glob::Token>;
using PlaceholderValues = std::map<std::string, std::vector<std::string>, std::less<>>;

// Upper bound on the values one rule value may turn into (windash permutations, placeholder
// lists): each becomes a pattern in the engine's automata.
inline constexpr std::size_t kMaxValueVariants = 4096;

// `windash`: every `-` or `/` that begins a word inside a literal run (preceded by a non-word
// character or the run's start, followed by a word character: pySigma's `\B[-/]\b`) may be any
// of `-`, `/`, `–`, `—`, `―`; all permutations, the value as written first. Refused beyond
// kMaxValueVariants (5 places give 3125).
Result<std::vector<GlobTokens>> windashVariants(const GlobTokens &value);

// `expand`: `%name%` (word characters, not preceded by a backslash) in literal runs replaced by
// each configured value of `name` (values are Sigma strings: wildcards work); `\%` is a literal
// `%`. An unconfigured placeholder gives no variants at all and its name is added to
// `unresolved` (once). Refused beyond kMaxValueVariants combinations.
Result<std::vector<GlobTokens>> expandPlaceholders(
    const GlobTokens &value, const PlaceholderValues *placeholders, std::vector<std::string> *unresolved);

// `base64`: standard alphabet, padded (Python's b64encode, as pySigma).
std::string base64Encode(std::string_view bytes);

// `base64offset`: the value encoded at the three offsets it can have inside a longer encoded
// text, with the characters that depend on the neighbouring bytes cut (pySigma's algorithm:
// encode 0, 1, 2 spaces + value; cut 0, 2, 3 characters at the start and, by (length + offset)
// mod 3, 0, 3 or 2 at the end). "/c powershell" → "L2MgcG93ZXJzaGVsb", "9jIHBvd2Vyc2hlbG",
// "vYyBwb3dlcnNoZWxs". A value of one byte leaves an empty variant.
std::array<std::string, 3> base64OffsetEncode(std::string_view bytes);

enum class Utf16Form : std::uint8_t {
    LittleEndian, // utf16le, wide
    BigEndian, // utf16be
    LittleEndianWithBom, // utf16: FF FE, then little endian
};

// UTF-8 text → UTF-16 bytes (surrogate pairs beyond the BMP). Refused when it is not UTF-8.
Result<std::string> utf16Encode(std::string_view utf8, Utf16Form form);

// The literal runs of a value encoded (the byte order mark once, at the start); `*` kept. A
// `?` is refused: it stands for one UTF-8 character, which has no fixed UTF-16 length here.
Result<GlobTokens> utf16EncodeTokens(const GlobTokens &value, Utf16Form form);

} // namespace vanopticon::analysis::sigma
