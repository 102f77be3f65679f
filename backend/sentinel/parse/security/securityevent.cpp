// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/security/securityevent.h"

#include <cassert>

namespace vanopticon::sentinel {

const SecurityFields &SecurityFields::get() {
    static const SecurityFields fields {
        internField("reason"),
        internField("anomaly"),
        internField("TargetUserName"),
        internField("TargetUserId"),
        internField("GroupName"),
        internField("GroupId"),
        internField("Terminal"),
        internField("HomeDirectory"),
        internField("Shell"),
        internField("Change"),
        internField("OldValue"),
        internField("NewValue"),
        internField("ParentProcessId"),
        internField("TTY"),
        internField("PWD"),
        internField("USER"),
        internField("GROUP"),
        internField("COMMAND"),
    };
    return fields;
}

void SecurityEvent::set(FieldId id, std::string_view value) {
    for (std::size_t i = 0; i < m_count; ++i) {
        if (m_fields[i].id == id) {
            m_fields[i].value = value;
            return;
        }
    }
    assert(m_count < kMaxFields);
    if (m_count < kMaxFields)
        m_fields[m_count++] = Field {id, value};
}

std::string_view SecurityEvent::value(FieldId id) const {
    for (std::size_t i = 0; i < m_count; ++i) {
        if (m_fields[i].id == id)
            return m_fields[i].value;
    }
    return {};
}

bool SecurityEvent::has(FieldId id) const {
    for (std::size_t i = 0; i < m_count; ++i) {
        if (m_fields[i].id == id)
            return true;
    }
    return false;
}

void applySecurityEvent(const SecurityEvent &security, Event &event, EventBatch &batch) {
    event.severity = security.severity;
    batch.setField(event, field::EventType, security.eventType);
    batch.setField(event, field::Category, security.category);
    batch.setField(event, field::Service, security.service);
    if (!security.reason.empty())
        batch.setField(event, SecurityFields::get().reason, security.reason);
    for (const Field &f : security.fields())
        batch.setField(event, f.id, f.value);
}

} // namespace vanopticon::sentinel
