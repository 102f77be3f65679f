// SPDX-License-Identifier: Apache-2.0
#include "sentinel/transmit/batchenvelope.h"

#include "shared/wire/codec.h"

namespace vanopticon::sentinel {

Result<std::size_t> buildBatchEnvelope(std::span<const EventBatch> batches, std::uint64_t batchSequence,
    const std::function<Result<std::uint64_t>()> &nextSequence, v1::Envelope &envelope) {
    auto *wireBatch = envelope.mutable_batch();
    std::size_t count = 0;
    for (const EventBatch &batch : batches) {
        for (const Event &event : batch.events()) {
            auto number = nextSequence();
            if (!number)
                return number.error();
            v1::Event *out = wireBatch->add_events();
            wire::toProto(event, *out);
            out->set_sequence(*number);
            ++count;
        }
    }
    wireBatch->set_batch_sequence(batchSequence);
    return count;
}

} // namespace vanopticon::sentinel
