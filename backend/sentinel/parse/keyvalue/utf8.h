// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

namespace vanopticon::sentinel {

// True when the bytes are well-formed UTF-8 (no overlong forms, no surrogates, nothing above
// U+10FFFF). CEF and LEEF are defined as UTF-8, and event strings travel as protobuf strings:
// a record that is not UTF-8 is refused rather than passed on to be mangled further down.
bool isValidUtf8(std::string_view text);

} // namespace vanopticon::sentinel
