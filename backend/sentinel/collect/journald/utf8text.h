// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

// Journal fields are bytes: a program may log anything, binary included, while event strings must
// be UTF-8 (they travel as protobuf strings and end up in JSON).

// The length of the well-formed UTF-8 sequence at the start of `text` (1 to 4 bytes), or 0 when
// the bytes there are not one (overlong forms, surrogates and values above U+10FFFF included).
std::size_t utf8SequenceLength(std::string_view text);

// `text` itself when it is UTF-8; otherwise a copy in `scratch` with every byte that begins no
// well-formed sequence replaced by U+FFFD. `replaced` tells which.
std::string_view toValidUtf8(std::string_view text, std::string &scratch, bool &replaced);

// At most `maxBytes` of `text`, cut before a multi-byte sequence rather than through it.
std::string_view cutUtf8(std::string_view text, std::size_t maxBytes);

} // namespace vanopticon::sentinel
