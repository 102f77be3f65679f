// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

// Small readers shared by the security extractors. Plain string_view work, no allocation.
namespace vanopticon::sentinel::securitytext {

inline constexpr std::size_t kMaxNameBytes = 256; // LOGIN_NAME_MAX
inline constexpr std::size_t kMaxCaptures = 6;

// A user or group name as the system's tools write them: 1 to 256 bytes, no white space,
// control characters, quotes or the separators of the lines they appear in (':' ',' ';' '(' ')').
// A name that breaks this is not one the tools would have written.
bool isName(std::string_view text);
// 1 to 10 decimal digits (uid_t and gid_t are 32 bits).
bool isId(std::string_view text);
// A terminal name: "pts/0", "/dev/pts/0", "tty1", "none", "ssh"…: 1 to 64 bytes, no white space.
bool isTerminal(std::string_view text);

std::string_view trimLeft(std::string_view text);

// Matches `text` against `pattern`, where each '%' captures text up to the leftmost occurrence of
// the literal that follows it (a final '%' captures the rest). Captures are views into `text`.
// In text and pattern alike, '`' counts as '\'': shadow-utils before 4.2 quoted names `so'.
bool match(std::string_view text, std::string_view pattern, std::array<std::string_view, kMaxCaptures> &captures);

} // namespace vanopticon::sentinel::securitytext
