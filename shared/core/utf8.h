// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

namespace vanopticon {

// True when the bytes are well-formed UTF-8 (no overlong forms, no surrogates, nothing above
// U+10FFFF). Event strings travel as protobuf strings, which must be UTF-8: parsers refuse a
// record that is not rather than pass it on to be mangled further down, and the server's batch
// decoder refuses a batch that carries one, as protobuf's own parser does.
bool isValidUtf8(std::string_view text);

} // namespace vanopticon
