// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

namespace vanopticon::sentinel {

// Every pipeline stage counts what passes through it, so no event vanishes unseen.
struct StageCounters {
    std::uint64_t in = 0;
    std::uint64_t out = 0;
    std::uint64_t dropped = 0;
    std::uint64_t errors = 0;
};

} // namespace vanopticon::sentinel
