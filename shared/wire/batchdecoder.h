// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "shared/event/event.h"

#include "vanopticon/v1/event.pb.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vanopticon::wire {

// An EventBatch from a node, as the server ingests it: the well-formed events already in the
// event model, and what was left out, counted.
struct IncomingBatch {
    std::uint64_t batchSequence = 0;
    std::int64_t collectedUnixMs = 0; // the node's clock: when it collected the oldest event
    std::size_t received = 0; // events the batch carried, taken or not
    EventBatch events; // the well-formed ones, in the batch's order

    // Events left out: without an event_type; without a timestamp, with an unknown severity or
    // with more than kMaxFieldsPerEvent fields.
    std::size_t missingEventType = 0;
    std::size_t invalid = 0;
    // Fields left out of taken events: a name that is not acceptable (isAcceptableFieldName), or a
    // new name when the field table is full.
    std::size_t fieldsDropped = 0;
};

// No real event has this many fields (a Windows event has dozens). Each field takes at least 6
// bytes of input and 24 of memory once decoded, so a batch decodes to at most about four times
// the size of its frame.
inline constexpr std::size_t kMaxFieldsPerEvent = 4096;

// Decodes a serialized EventBatch straight into the event model, without protobuf's message
// objects: each string is checked and copied once, into the batch's arena. The bytes are read as
// protobuf's parser reads them (the last value of a repeated number counts, unknown fields and
// known numbers of the wrong wire type are skipped) and refused where it refuses them (a
// malformed encoding, a string that is not UTF-8). An event is taken with its core members in
// their own fields and each `fields` entry under its interned name (entries naming a core field
// are ignored: they travel in the members only).
Result<IncomingBatch> decodeBatch(std::string_view batch);

// The same for a batch protobuf has parsed already (an envelope of an unusual shape; tests).
Result<IncomingBatch> decodeBatch(const v1::EventBatch &batch);

} // namespace vanopticon::wire
