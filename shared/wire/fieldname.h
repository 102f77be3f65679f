// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>

namespace vanopticon::wire {

// The characters a field name may have on the wire (see isAcceptableFieldName()): letters,
// digits, '_', '.', '-'.
inline bool isFieldNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
        || c == '-';
}

// Turns a name from a record (an RFC 5424 SD-ID, a JSON key) into one the server accepts, in
// place: every other character becomes '_' ("exampleSDID@32473" → "exampleSDID_32473"). The
// length is not changed: a name over the limit is still refused by isAcceptableFieldName().
inline void replaceNonFieldNameChars(std::span<char> name) {
    for (char &c : name) {
        if (!isFieldNameChar(c))
            c = '_';
    }
}

} // namespace vanopticon::wire
