// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "shared/event/event.h"

#include "vanopticon/v1/channel.pb.h"

#include <cstdint>
#include <functional>
#include <span>

namespace vanopticon::sentinel {

// Fills `envelope` with one wire batch of every event of `batches`, each numbered by
// `nextSequence` (the node's event sequence, see SequenceStore), the batch numbered
// `batchSequence`. Returns the number of events.
Result<std::size_t> buildBatchEnvelope(std::span<const EventBatch> batches, std::uint64_t batchSequence,
    const std::function<Result<std::uint64_t>()> &nextSequence, v1::Envelope &envelope);

} // namespace vanopticon::sentinel
