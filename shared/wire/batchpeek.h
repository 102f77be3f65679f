// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace vanopticon::wire {

// What the server needs to know of an incoming batch before it decides to take it: its number
// and how many events it carries.
struct BatchHeader {
    std::uint64_t batchSequence = 0;
    std::size_t events = 0;
};

// Reads the header of a serialized (decompressed) Envelope whose only content is one EventBatch,
// as sentinels send them, walking the protobuf encoding without parsing the events: a batch the
// server cannot take now costs no parsing. Anything else (another body, several bodies, a
// malformed encoding) gives nullopt and is left to the full parse, which is the authority.
std::optional<BatchHeader> peekBatch(std::string_view envelope);

} // namespace vanopticon::wire
