// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/keyvalue/recordfieldstats.h"
#include "shared/event/event.h"

#include <string_view>

namespace vanopticon::sentinel {

// Fills one event from the record it was parsed from. The record is copied into the batch's
// arena once (it is the event's `raw`); values that are views into the record are then stored
// as views into that copy, so most fields cost no copy at all. Other values (unescaped text,
// constants) are copied as usual.
//
// The first value of a field wins: later ones are counted as duplicates. The parsers set the
// fields that say what the event is (event_type, source_type, raw) before any the record names.
class EventFieldWriter {
public:
    EventFieldWriter(EventBatch &batch, Event &event, std::string_view record);

    Event &event() { return m_event; }
    // The record's copy in the arena.
    std::string_view raw() const { return m_raw; }

    // Sets the field unless it is already set; returns false for a duplicate (counted in `stats`).
    bool add(FieldId id, std::string_view value, RecordFieldStats &stats);
    // Sets the field, replacing a value it may have.
    void set(FieldId id, std::string_view value);
    bool has(FieldId id) const { return m_event.has(id); }

private:
    std::string_view stored(std::string_view value);

    EventBatch &m_batch;
    Event &m_event;
    std::string_view m_record;
    std::string_view m_raw;
};

} // namespace vanopticon::sentinel
