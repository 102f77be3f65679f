// SPDX-License-Identifier: Apache-2.0
#include "shared/event/event.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>

namespace vanopticon {

std::string_view Event::value(FieldId id) const {
    if (id == field::Severity)
        return toString(severity);
    for (std::uint16_t i = 0; i < m_fieldCount; ++i) {
        if (m_fields[i].id == id)
            return m_fields[i].value;
    }
    return {};
}

bool Event::has(FieldId id) const {
    if (id == field::Severity)
        return true;
    return std::any_of(m_fields, m_fields + m_fieldCount, [id](const Field &f) { return f.id == id; });
}

std::optional<std::string_view> Event::lookup(FieldId id) const {
    if (id == field::Severity)
        return toString(severity);
    for (std::uint16_t i = 0; i < m_fieldCount; ++i) {
        if (m_fields[i].id == id)
            return m_fields[i].value;
    }
    return std::nullopt;
}

Event &EventBatch::addEvent() {
    return m_events.emplace_back();
}

void EventBatch::setField(Event &event, FieldId id, std::string_view value) {
    setStoredField(event, id, m_arena.copy(value));
}

void EventBatch::setStoredField(Event &event, FieldId id, std::string_view storedValue) {
    for (std::uint16_t i = 0; i < event.m_fieldCount; ++i) {
        if (event.m_fields[i].id == id) {
            event.m_fields[i].value = storedValue;
            return;
        }
    }
    if (event.m_fieldCount == event.m_fieldCapacity) {
        // Grow inside the arena; the old array is abandoned and freed with the batch.
        const std::uint16_t capacity = event.m_fieldCapacity == 0
            ? 8
            : static_cast<std::uint16_t>(
                std::min<unsigned>(event.m_fieldCapacity * 2u, std::numeric_limits<std::uint16_t>::max()));
        if (capacity == event.m_fieldCapacity)
            return; // 65535 fields on one event: further fields are ignored
        Field *grown = m_arena.allocateArray<Field>(capacity);
        if (event.m_fieldCount > 0)
            std::memcpy(static_cast<void *>(grown), event.m_fields, sizeof(Field) * event.m_fieldCount);
        event.m_fields = grown;
        event.m_fieldCapacity = capacity;
    }
    event.m_fields[event.m_fieldCount++] = Field {id, storedValue};
}

void EventBatch::setFields(Event &event, std::span<const Field> fields) {
    assert(event.m_fieldCount == 0);
    const auto count
        = static_cast<std::uint16_t>(std::min<std::size_t>(fields.size(), std::numeric_limits<std::uint16_t>::max()));
    if (count == 0)
        return;
    Field *stored = m_arena.allocateArray<Field>(count);
    for (std::uint16_t i = 0; i < count; ++i)
        stored[i] = Field {fields[i].id, m_arena.copy(fields[i].value)};
    event.m_fields = stored;
    event.m_fieldCount = count;
    event.m_fieldCapacity = count;
}

Event &EventBatch::copyFrom(const Event &source) {
    Event &event = addEvent();
    event.sequence = source.sequence;
    event.timestampNs = source.timestampNs;
    event.severity = source.severity;
    for (const Field &f : source.fields())
        setField(event, f.id, f.value);
    return event;
}

} // namespace vanopticon
