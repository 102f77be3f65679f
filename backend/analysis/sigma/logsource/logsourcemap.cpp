// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/logsource/logsourcemap.h"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace vanopticon::analysis::sigma {

namespace {

char foldAscii(char c) {
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

std::string folded(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), foldAscii);
    return out;
}

bool equalsFolded(std::string_view text, std::string_view lowerCase) {
    return text.size() == lowerCase.size()
        && std::equal(text.begin(), text.end(), lowerCase.begin(), [](char a, char b) { return foldAscii(a) == b; });
}

bool containsFolded(const std::vector<std::string> &lowerCaseValues, std::string_view value) {
    return std::any_of(lowerCaseValues.begin(), lowerCaseValues.end(),
        [&](const std::string &candidate) { return equalsFolded(value, candidate); });
}

// One value, or a list of values, of a setting: scalars, none empty; a list not empty.
Result<std::vector<std::string>> valuesOf(const config::Section &setting) {
    std::vector<std::string> values;
    if (setting.node().IsNull() || !setting.node().IsDefined())
        return setting.error("expected a value or a list of values");
    if (setting.isScalar()) {
        values.push_back(setting.node().Scalar());
    } else if (setting.isSequence()) {
        auto elements = setting.elements();
        if (!elements)
            return elements.error();
        if (elements->empty())
            return setting.error("an empty list: the entry could never match");
        for (const config::Section &element : *elements) {
            auto scalar = element.scalar();
            if (!scalar)
                return scalar.error();
            values.push_back(std::move(*scalar));
        }
    } else {
        return setting.error("expected a value or a list of values");
    }
    for (std::string &value : values) {
        if (value.empty())
            return setting.error("an empty value");
        value = folded(value);
    }
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

// `fields: {RuleField: EventField, …}`: names as they are (field names are case-sensitive).
Result<std::vector<FieldMapping>> fieldMappingsOf(const config::Section &setting) {
    if (!setting.isMap() || setting.node().size() == 0)
        return setting.error("expected a mapping of the field a rule names to the event's field that holds it");
    if (setting.node().size() > LogsourceMap::kMaxFieldMappingsPerEntry)
        return setting.error("more than " + std::to_string(LogsourceMap::kMaxFieldMappingsPerEntry) + " fields");
    std::vector<FieldMapping> mappings;
    for (const auto &pair : setting.node()) {
        const std::string ruleField = pair.first.Scalar();
        const config::Section value = setting.child(ruleField);
        auto eventField = value.scalar();
        if (!eventField)
            return eventField.error();
        if (ruleField.empty() || eventField->empty())
            return value.error("an empty field name");
        if (ruleField == *eventField)
            return value.error("'" + ruleField + "' is mapped to itself");
        mappings.push_back(FieldMapping {internField(ruleField), internField(*eventField)});
    }
    return mappings;
}

// The field values of an event that decide its logsource, as one cache key: per tested field a
// tag (absent / present) and, when present, the length and the bytes.
void appendKeyPart(std::string &key, std::optional<std::string_view> value) {
    if (!value) {
        key.push_back('\0');
        return;
    }
    const auto size = static_cast<std::uint32_t>(value->size());
    char length[sizeof(size)];
    std::memcpy(length, &size, sizeof(size));
    key.push_back('\1');
    key.append(length, sizeof(size));
    key.append(*value);
}

} // namespace

LogsourceMap::LogsourceMap() {
    m_sets.emplace_back(); // kNoLogsource
    m_setIds.emplace(std::vector<std::uint32_t> {}, kNoLogsource);
}

Result<LogsourceMap> LogsourceMap::loadFile(const std::string &path) {
    auto root = config::Section::loadFile(path);
    if (!root)
        return root.error();
    return fromConfig(*root);
}

Result<LogsourceMap> LogsourceMap::fromConfig(const config::Section &root) {
    if (!root.isMap())
        return root.error("expected a mapping with the key 'logsources'");
    if (auto allowed = root.allowOnly({"logsources"}); !allowed)
        return allowed.error();
    if (!root.has("logsources"))
        return root.error("missing required setting 'logsources'");
    auto entries = root.child("logsources").elements();
    if (!entries)
        return entries.error();
    if (entries->size() > kMaxEntries)
        return root.child("logsources").error("more than " + std::to_string(kMaxEntries) + " entries");

    LogsourceMap map;
    for (const config::Section &entrySection : *entries) {
        if (!entrySection.isMap())
            return entrySection.error("expected an entry with 'when' and 'logsource'");
        if (auto allowed = entrySection.allowOnly({"when", "logsource", "fields"}); !allowed)
            return allowed.error();
        Entry entry;

        const config::Section when = entrySection.child("when");
        if (!entrySection.has("when"))
            return entrySection.error("missing required setting 'when'");
        if (!when.isMap() || when.node().size() == 0)
            return when.error("expected a mapping of field names to values (an entry for every event is refused: "
                              "name a field every such event has, e.g. source_type)");
        for (const auto &condition : when.node()) {
            const std::string fieldName = condition.first.Scalar();
            const config::Section setting = when.child(fieldName);
            if (fieldName.empty())
                return when.error("an empty field name");
            auto values = valuesOf(setting);
            if (!values)
                return values.error();
            if (values->size() > kMaxValuesPerField)
                return setting.error("more than " + std::to_string(kMaxValuesPerField) + " values");
            const FieldId id = internField(fieldName);
            const auto known = std::find(map.m_fields.begin(), map.m_fields.end(), id);
            const std::size_t index = std::size_t(known - map.m_fields.begin());
            if (known == map.m_fields.end())
                map.m_fields.push_back(id);
            entry.conditions.push_back({index, std::move(*values)});
        }

        const config::Section logsource = entrySection.child("logsource");
        if (!entrySection.has("logsource"))
            return entrySection.error("missing required setting 'logsource'");
        if (!logsource.isMap())
            return logsource.error("expected a mapping with category, product and/or service");
        if (auto allowed = logsource.allowOnly({"category", "product", "service"}); !allowed)
            return allowed.error();
        for (const auto &[key, attribute] : {std::pair {"category", Attribute::Category},
                 std::pair {"product", Attribute::Product}, std::pair {"service", Attribute::Service}}) {
            if (!logsource.has(key))
                continue;
            auto values = valuesOf(logsource.child(key));
            if (!values)
                return values.error();
            for (std::string &value : *values)
                entry.values.push_back(map.valueIndex(attribute, std::move(value)));
        }
        if (entry.values.empty())
            return logsource.error("names no category, product or service");
        if (entrySection.has("fields")) {
            auto mappings = fieldMappingsOf(entrySection.child("fields"));
            if (!mappings)
                return mappings.error();
            entry.fieldMappings = std::move(*mappings);
        }
        map.m_entries.push_back(std::move(entry));
    }
    map.m_folded.resize(map.m_fields.size());
    map.m_values.resize(map.m_fields.size());
    for (std::size_t i = 0; i < map.m_fields.size(); ++i) {
        const FieldId id = map.m_fields[i];
        if (id >= map.m_slotOf.size())
            map.m_slotOf.resize(std::size_t(id) + 1, kNotTested);
        map.m_slotOf[id] = static_cast<std::int32_t>(i);
    }
    return map;
}

LogsourceMap LogsourceMap::fixed(const Logsource &logsource) {
    LogsourceMap map;
    Entry entry; // no conditions: every event meets them
    for (const auto &[value, attribute] : {std::pair {&logsource.category, Attribute::Category},
             std::pair {&logsource.product, Attribute::Product}, std::pair {&logsource.service, Attribute::Service}}) {
        if (!value->empty())
            entry.values.push_back(map.valueIndex(attribute, *value));
    }
    map.m_entries.push_back(std::move(entry));
    return map;
}

std::uint32_t LogsourceMap::valueIndex(Attribute attribute, std::string value) {
    auto key = std::make_pair(attribute, std::move(value));
    if (const auto it = m_valueIndex.find(key); it != m_valueIndex.end())
        return it->second;
    const auto index = static_cast<std::uint32_t>(m_valueNames.size());
    m_valueNames.push_back(key);
    m_valueIndex.emplace(std::move(key), index);
    return index;
}

// One pass over the event's fields picks the tested ones (rather than a lookup, itself a walk,
// per tested field).
void LogsourceMap::gather(const Event &event) {
    std::fill(m_values.begin(), m_values.end(), std::nullopt);
    for (const Field &field : event.fields()) {
        if (field.id < m_slotOf.size() && m_slotOf[field.id] != kNotTested)
            m_values[std::size_t(m_slotOf[field.id])] = field.value;
    }
}

LogsourceId LogsourceMap::resolve(const Event &event) {
    gather(event);
    m_key.clear();
    for (const std::optional<std::string_view> &value : m_values) {
        appendKeyPart(m_key, value);
        if (m_key.size() > kMaxCacheKeyBytes) {
            ++m_cacheStats.uncached;
            return evaluate();
        }
    }
    if (const auto it = m_cache.find(std::string_view(m_key)); it != m_cache.end()) {
        ++m_cacheStats.hits;
        return it->second;
    }
    ++m_cacheStats.misses;
    const LogsourceId id = evaluate();
    if (m_cache.size() >= kMaxCacheEntries) {
        m_cache.clear();
        ++m_cacheStats.clears;
    }
    m_cache.emplace(m_key, id);
    m_cacheStats.size = m_cache.size();
    return id;
}

LogsourceId LogsourceMap::evaluate() {
    for (std::size_t i = 0; i < m_values.size(); ++i) {
        if (m_values[i])
            m_folded[i] = folded(*m_values[i]);
    }
    std::vector<std::uint32_t> values;
    for (std::size_t index = 0; index < m_entries.size(); ++index) {
        const Entry &entry = m_entries[index];
        const bool matches = std::all_of(entry.conditions.begin(), entry.conditions.end(), [&](const Condition &c) {
            return m_values[c.field] && std::binary_search(c.values.begin(), c.values.end(), m_folded[c.field]);
        });
        if (!matches)
            continue;
        values.insert(values.end(), entry.values.begin(), entry.values.end());
        if (!entry.fieldMappings.empty())
            values.push_back(kMappingEntry | static_cast<std::uint32_t>(index));
    }
    std::sort(values.begin(), values.end()); // mapping entries last, in entry order
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return intern(std::move(values));
}

LogsourceId LogsourceMap::intern(std::vector<std::uint32_t> values) {
    if (const auto it = m_setIds.find(values); it != m_setIds.end())
        return it->second;
    LogsourceSet set;
    for (const std::uint32_t index : values) {
        if (index & kMappingEntry) {
            for (const FieldMapping &mapping : m_entries[index & ~kMappingEntry].fieldMappings) {
                const bool named = std::any_of(set.fieldMappings.begin(), set.fieldMappings.end(),
                    [&](const FieldMapping &known) { return known.ruleField == mapping.ruleField; });
                if (!named)
                    set.fieldMappings.push_back(mapping);
            }
            continue;
        }
        const auto &[attribute, name] = m_valueNames[index];
        switch (attribute) {
        case Attribute::Category:
            set.categories.push_back(name);
            break;
        case Attribute::Product:
            set.products.push_back(name);
            break;
        case Attribute::Service:
            set.services.push_back(name);
            break;
        }
    }
    for (std::vector<std::string> *list : {&set.categories, &set.products, &set.services})
        std::sort(list->begin(), list->end());
    const auto id = static_cast<LogsourceId>(m_sets.size());
    m_sets.push_back(std::move(set));
    m_setIds.emplace(std::move(values), id);
    return id;
}

const LogsourceSet &LogsourceMap::set(LogsourceId id) const {
    assert(id < m_sets.size());
    return m_sets[id];
}

bool LogsourceMap::ruleApplies(const Logsource &ruleLogsource, LogsourceId id) const {
    const LogsourceSet &eventSet = set(id);
    const auto has = [](const std::vector<std::string> &values, const std::string &wanted) {
        return wanted.empty() || containsFolded(values, wanted);
    };
    return has(eventSet.categories, ruleLogsource.category) && has(eventSet.products, ruleLogsource.product)
        && has(eventSet.services, ruleLogsource.service);
}

} // namespace vanopticon::analysis::sigma
