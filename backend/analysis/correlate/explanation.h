// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/eventtime.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

// Small pieces of the sentences detections explain themselves with.
namespace vanopticon::analysis::explain {

// "1 event", "3 events"
inline std::string plural(std::uint64_t count, std::string_view noun) {
    return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

// The time between two event timestamps, in whole milliseconds.
inline std::chrono::milliseconds spanOf(std::int64_t firstNs, std::int64_t lastNs) {
    return std::chrono::milliseconds(static_cast<std::int64_t>(eventtime::distance(lastNs, firstNs) / 1'000'000));
}

} // namespace vanopticon::analysis::explain
