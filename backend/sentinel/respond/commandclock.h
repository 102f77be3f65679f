// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace vanopticon::sentinel {

// The time, in Unix milliseconds, that commands are judged by. Injected so that tests decide what
// "now" is instead of sleeping, and so that expiry and the nonce store agree on one clock.
using CommandClock = std::function<std::int64_t()>;

inline std::int64_t systemUnixMillis() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace vanopticon::sentinel
