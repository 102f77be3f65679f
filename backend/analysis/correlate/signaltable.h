// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace vanopticon::analysis {

// A small integer naming something an event matched (a Sigma rule, a correlation that fired on
// the event). Whoever fills a SignalTable assigns them; correlation rules refer to them.
using SignalId = std::uint32_t;

// The signals of each event of one batch, flat: event i carries ids[offsets[i] .. offsets[i+1]).
// Filled event by event: add() the current event's signals, then endEvent(); an event without
// signals is just endEvent(). Reused across batches (clear() keeps the capacity).
class SignalTable {
public:
    void clear() {
        m_offsets.assign(1, 0);
        m_ids.clear();
    }
    void reserve(std::size_t events, std::size_t signalCount) {
        m_offsets.reserve(events + 1);
        m_ids.reserve(signalCount);
    }
    // Adds a signal to the event being filled.
    void add(SignalId id) { m_ids.push_back(id); }
    // Closes the event being filled; the next add() is for the next event.
    void endEvent() { m_offsets.push_back(static_cast<std::uint32_t>(m_ids.size())); }
    void addEvent(std::span<const SignalId> ids) {
        m_ids.insert(m_ids.end(), ids.begin(), ids.end());
        endEvent();
    }

    std::size_t eventCount() const { return m_offsets.size() - 1; }
    bool empty() const { return eventCount() == 0; }
    // Event `event`'s signals; none for an event beyond the table (a table left empty means
    // "no signals" for the whole batch).
    std::span<const SignalId> of(std::size_t event) const {
        if (event + 1 >= m_offsets.size())
            return {};
        return std::span<const SignalId>(m_ids).subspan(m_offsets[event], m_offsets[event + 1] - m_offsets[event]);
    }
    std::span<const std::uint32_t> offsets() const { return m_offsets; } // eventCount() + 1 entries
    std::span<const SignalId> ids() const { return m_ids; }

private:
    std::vector<std::uint32_t> m_offsets {0};
    std::vector<SignalId> m_ids;
};

} // namespace vanopticon::analysis
