// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string_view>

namespace vanopticon::analysis {

// Where one event of a batch is stored and where it came from, as assigned by the caller
// (ingest). Engines take these parallel to EventBatch::events() so that detections can name
// their evidence without the event model carrying storage ids.
struct EventRef {
    std::uint64_t eventId = 0;
    std::string_view nodeId;
};

} // namespace vanopticon::analysis
