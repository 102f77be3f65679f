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

// The serialized EventBatch of an Envelope (decompressed) whose only content is that batch, as
// sentinels send them; nullopt for any other envelope (another body, several bodies, a malformed
// encoding), which is left to the full parse.
std::optional<std::string_view> soleBatchBody(std::string_view envelope);

// Reads the header of a serialized EventBatch, walking protobuf's encoding without parsing the
// events: a batch the server cannot take now costs no parsing. nullopt for a malformed encoding.
std::optional<BatchHeader> peekBatch(std::string_view batch);

} // namespace vanopticon::wire
