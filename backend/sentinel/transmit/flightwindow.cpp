// SPDX-License-Identifier: Apache-2.0
#include "sentinel/transmit/flightwindow.h"

#include <algorithm>

namespace vanopticon::sentinel {

FlightWindow::FlightWindow(std::size_t maximum)
    : m_maximum(std::max<std::size_t>(1, maximum))
    , m_size(std::min(kInitialSize, m_maximum)) {
}

void FlightWindow::reset() {
    m_size = std::min(kInitialSize, m_maximum);
    m_growing = true;
}

void FlightWindow::busy(std::size_t takenInFlight, Clock::time_point now) {
    m_growing = false;
    m_size = std::max<std::size_t>(1, std::min(m_size, takenInFlight) / 2);
    m_changedAt = now;
}

void FlightWindow::acknowledged(std::size_t inFlight, Clock::time_point now) {
    if (inFlight < m_size || m_size >= m_maximum)
        return;
    if (m_growing) {
        ++m_size;
        return;
    }
    if (now - m_changedAt < kOpenInterval)
        return;
    ++m_size;
    m_changedAt = now;
}

} // namespace vanopticon::sentinel
