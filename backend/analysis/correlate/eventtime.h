// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <limits>

// Arithmetic on event timestamps. They come from logs, so any int64 value is possible: these
// never overflow.
namespace vanopticon::analysis::eventtime {

// |a - b| in nanoseconds.
inline std::uint64_t distance(std::int64_t a, std::int64_t b) {
    return a >= b ? static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b)
                  : static_cast<std::uint64_t>(b) - static_cast<std::uint64_t>(a);
}

// The oldest timestamp still inside a window of `windowNs` that ends at `newest` (inclusive),
// saturating at the smallest timestamp.
inline std::int64_t windowStart(std::int64_t newest, std::int64_t windowNs) {
    if (newest < std::numeric_limits<std::int64_t>::min() + windowNs)
        return std::numeric_limits<std::int64_t>::min();
    return newest - windowNs;
}

} // namespace vanopticon::analysis::eventtime
