// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cassert>
#include <chrono>

namespace vanopticon::console {

// Exponential reconnect delay: initial, 2×, 4×, … capped at maximum; reset() after a connection
// that worked so a brief outage is retried quickly again.
class Backoff {
public:
    using Duration = std::chrono::milliseconds;

    Backoff(Duration initial, Duration maximum)
        : m_initial(initial)
        , m_maximum(maximum)
        , m_next(initial) {
        assert(initial.count() > 0 && maximum >= initial);
    }

    Duration next() {
        const Duration delay = m_next;
        m_next = std::min(m_maximum, m_next * 2);
        return delay;
    }
    void reset() { m_next = m_initial; }

private:
    Duration m_initial;
    Duration m_maximum;
    Duration m_next;
};

} // namespace vanopticon::console
