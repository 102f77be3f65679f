// SPDX-License-Identifier: Apache-2.0
#include "shared/wire/batchpeek.h"

#include "shared/wire/protoreader.h"

namespace vanopticon::wire {

namespace {

// Field numbers of channel.proto / event.proto used here.
constexpr std::uint32_t kEnvelopeBatch = 6;
constexpr std::uint32_t kBatchSequence = 1;
constexpr std::uint32_t kBatchEvents = 2;

} // namespace

std::optional<std::string_view> soleBatchBody(std::string_view envelope) {
    ProtoReader outer(envelope);
    const auto key = outer.key();
    if (!key || key->number != kEnvelopeBatch || key->wireType != LengthDelimited)
        return std::nullopt;
    const auto batch = outer.lengthDelimited();
    if (!batch || !outer.atEnd())
        return std::nullopt; // a second body (or a repeated one) is the full parse's to merge
    return batch;
}

std::optional<BatchHeader> peekBatch(std::string_view batch) {
    BatchHeader header;
    ProtoReader reader(batch);
    constexpr int depth = ProtoReader::kRecursionLimit - 1; // the batch is nested in the envelope
    while (!reader.atEnd()) {
        const auto key = reader.key();
        if (!key)
            return std::nullopt;
        if (key->number == kBatchSequence && key->wireType == Varint) {
            const auto sequence = reader.varint(); // the last one counts, as in a full parse
            if (!sequence)
                return std::nullopt;
            header.batchSequence = *sequence;
        } else if (key->number == kBatchEvents && key->wireType == LengthDelimited) {
            if (!reader.lengthDelimited())
                return std::nullopt;
            ++header.events;
        } else if (!reader.skip(*key, depth)) {
            return std::nullopt;
        }
    }
    return header;
}

} // namespace vanopticon::wire
