// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/event/event.h"

#include <optional>
#include <span>
#include <string_view>

namespace vanopticon::analysis {

// A field a rule names, read from another field of the event (Security 4688's NewProcessName
// for the process_creation rules' Image): the field mappings of a Sigma logsource.
struct FieldMapping {
    FieldId ruleField = 0;
    FieldId eventField = 0;
    friend bool operator==(const FieldMapping &, const FieldMapping &) = default;
};

// How rules read the fields of the event in hand: the event's own, else through the mappings
// given for that event, so a rule sees a mapped field wherever it reads one (detection items,
// fieldref, a correlation's group-by and value fields).
class FieldReader {
public:
    // For the next events read, until set again; the mappings must outlive that.
    void setMappings(std::span<const FieldMapping> mappings) { m_mappings = mappings; }
    std::span<const FieldMapping> mappings() const { return m_mappings; }

    std::optional<std::string_view> lookup(const Event &event, FieldId id) const {
        if (const auto value = event.lookup(id))
            return value;
        for (const FieldMapping &mapping : m_mappings) {
            if (mapping.ruleField == id)
                return event.lookup(mapping.eventField);
        }
        return std::nullopt;
    }

private:
    std::span<const FieldMapping> m_mappings;
};

} // namespace vanopticon::analysis
