// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/keyvalue/eventfieldwriter.h"

#include <cstdint>

namespace vanopticon::sentinel {

EventFieldWriter::EventFieldWriter(EventBatch &batch, Event &event, std::string_view record)
    : m_batch(batch)
    , m_event(event)
    , m_record(record)
    , m_raw(batch.store(record)) {
    m_batch.setStoredField(m_event, field::Raw, m_raw);
}

bool EventFieldWriter::add(FieldId id, std::string_view value, RecordFieldStats &stats) {
    if (m_event.has(id)) {
        ++stats.duplicateKeys;
        return false;
    }
    m_batch.setStoredField(m_event, id, stored(value));
    return true;
}

void EventFieldWriter::set(FieldId id, std::string_view value) {
    m_batch.setStoredField(m_event, id, stored(value));
}

std::string_view EventFieldWriter::stored(std::string_view value) {
    // Addresses compared as integers: relational operators on pointers into different arrays
    // are not defined.
    const auto begin = reinterpret_cast<std::uintptr_t>(m_record.data());
    const auto at = reinterpret_cast<std::uintptr_t>(value.data());
    if (at >= begin && at - begin <= m_record.size() && value.size() <= m_record.size() - (at - begin))
        return m_raw.substr(at - begin, value.size());
    return m_batch.store(value);
}

} // namespace vanopticon::sentinel
