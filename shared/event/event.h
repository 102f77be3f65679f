// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/arena.h"
#include "shared/event/fieldid.h"
#include "shared/event/severity.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace vanopticon {

struct Field {
    FieldId id;
    std::string_view value;
};

// One normalized event. Its strings and its field array live in the arena of the EventBatch
// that holds it, so an Event is only valid together with its batch.
struct Event {
    std::uint64_t sequence = 0; // per node, assigned by the sentinel; (node, sequence) is unique
    std::int64_t timestampNs = 0; // when it happened, from the log itself (UTC, ns since the epoch)
    Severity severity = Severity::Info;

    // Returns the value of a field, or an empty view when the field is absent.
    std::string_view value(FieldId id) const;
    bool has(FieldId id) const;
    // The value, or nullopt when absent: makes an Event a source for expr::FieldLookup.
    std::optional<std::string_view> lookup(FieldId id) const;
    std::span<const Field> fields() const { return {m_fields, m_fieldCount}; }

private:
    friend class EventBatch;
    Field *m_fields = nullptr;
    std::uint16_t m_fieldCount = 0;
    std::uint16_t m_fieldCapacity = 0;
};

// A batch of events and the arena their bytes live in: the unit every engine works on.
class EventBatch {
public:
    EventBatch() = default;
    EventBatch(EventBatch &&) noexcept = default;
    EventBatch &operator=(EventBatch &&) noexcept = default;

    Event &addEvent();
    // Sets a field, copying the value into the batch's arena; replaces an existing value.
    void setField(Event &event, FieldId id, std::string_view value);
    // Sets a field whose value already lives in this batch's arena (see store()).
    void setStoredField(Event &event, FieldId id, std::string_view storedValue);
    // Gives an event that has no fields yet all of its fields at once, copying the values into
    // the arena: one array, and no search for an existing id (the caller made them distinct).
    void setFields(Event &event, std::span<const Field> fields);
    std::string_view store(std::string_view text) { return m_arena.copy(text); }

    std::vector<Event> &events() { return m_events; }
    const std::vector<Event> &events() const { return m_events; }
    std::size_t size() const { return m_events.size(); }
    bool empty() const { return m_events.empty(); }
    std::size_t arenaBytes() const { return m_arena.bytesUsed(); }

    // Copies one event (with all its fields) from another batch into this one.
    Event &copyFrom(const Event &event);

private:
    Arena m_arena;
    std::vector<Event> m_events;
};

} // namespace vanopticon
