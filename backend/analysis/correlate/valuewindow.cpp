// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/valuewindow.h"

#include "analysis/correlate/eventtime.h"

#include <algorithm>
#include <cassert>
#include <limits>

namespace vanopticon::analysis {

using Sample = ValueWindowState::Sample;

ValueWindow::ValueWindow(std::int64_t windowNs, std::size_t maxSamples, std::size_t maxEvidence)
    : m_windowNs(windowNs)
    , m_maxSamples(maxSamples)
    , m_maxEvidence(maxEvidence) {
    assert(windowNs > 0 && maxSamples >= 2 && maxEvidence >= 2);
}

std::int64_t ValueWindow::windowStart(const ValueWindowState &state) const {
    return eventtime::windowStart(state.newestNs, m_windowNs);
}

bool ValueWindow::add(ValueWindowState &state, double value, std::int64_t timestampNs, std::uint64_t eventId) const {
    if (state.active && timestampNs < windowStart(state))
        return false;
    state.newestNs = state.active ? std::max(state.newestNs, timestampNs) : timestampNs;
    state.active = true;

    const Sample sample {timestampNs, timestampNs, 1, value};
    state.samples.insert(std::upper_bound(state.samples.begin(), state.samples.end(), sample,
                             [](const Sample &a, const Sample &b) { return a.firstNs < b.firstNs; }),
        sample);
    state.count += 1;
    state.sum += value;
    if (state.samples.size() > m_maxSamples)
        mergeClosest(state);
    expire(state);
    state.unreported.add(Evidence {eventId, timestampNs}, m_maxEvidence);
    state.unreported.expireBefore(windowStart(state));
    return true;
}

void ValueWindow::expire(ValueWindowState &state) const {
    const std::int64_t start = windowStart(state);
    auto &samples = state.samples;
    std::size_t gone = 0;
    bool partial = false;
    for (std::size_t i = 0; i < samples.size() && samples[i].firstNs < start; ++i) {
        Sample &s = samples[i];
        if (s.lastNs < start) {
            ++gone;
            continue;
        }
        // Merged neighbours straddling the window's start: keep the share of their time span
        // that is still inside.
        const double inside = static_cast<double>(eventtime::distance(s.lastNs, start))
            / static_cast<double>(eventtime::distance(s.lastNs, s.firstNs));
        s.count *= inside;
        s.sum *= inside;
        s.firstNs = start;
        partial = true;
    }
    if (gone == 0 && !partial)
        return;
    // Samples out of the window are a prefix only when none overlap; remove every one of them.
    samples.erase(std::remove_if(samples.begin(), samples.end(), [start](const Sample &s) { return s.lastNs < start; }),
        samples.end());
    // Totals from the samples themselves, so that subtracting never accumulates rounding.
    state.count = 0;
    state.sum = 0;
    for (const Sample &s : samples) {
        state.count += s.count;
        state.sum += s.sum;
    }
}

void ValueWindow::mergeClosest(ValueWindowState &state) const {
    auto &samples = state.samples;
    assert(samples.size() >= 2);
    std::size_t best = 0;
    std::uint64_t bestSpan = std::numeric_limits<std::uint64_t>::max();
    for (std::size_t i = 0; i + 1 < samples.size(); ++i) {
        const std::uint64_t span = eventtime::distance(
            std::max(samples[i].lastNs, samples[i + 1].lastNs), std::min(samples[i].firstNs, samples[i + 1].firstNs));
        if (span < bestSpan) {
            bestSpan = span;
            best = i;
        }
    }
    Sample &into = samples[best];
    const Sample &from = samples[best + 1];
    into.firstNs = std::min(into.firstNs, from.firstNs);
    into.lastNs = std::max(into.lastNs, from.lastNs);
    into.count += from.count;
    into.sum += from.sum;
    samples.erase(samples.begin() + static_cast<std::ptrdiff_t>(best) + 1);
}

} // namespace vanopticon::analysis
