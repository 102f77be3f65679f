// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/keyvalue/fieldnamemap.h"

#include "shared/wire/codec.h"

#include <cassert>
#include <cstdint>
#include <string>

namespace vanopticon::sentinel {

namespace {

// The event's own fields: input keys reach them only through a rename.
// FNV-1a: keys are short, and this inlines where std::hash calls out.
std::uint64_t hashOf(std::string_view key) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : key) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

constexpr FieldId kCoreFields[] = {field::EventType, field::Category, field::Host, field::Service, field::Message,
    field::Raw, field::SourceType, field::Severity};

} // namespace

FieldNameMap::FieldNameMap(std::span<const FieldRename> renames, std::string_view collisionPrefix)
    : m_cache(kCacheSlots) {
    static_assert((kCacheSlots & (kCacheSlots - 1)) == 0);
    for (const FieldRename &rename : renames)
        m_renames.emplace(rename.key, internField(rename.field));
    for (const FieldId core : kCoreFields) {
        const std::string_view name = fieldName(core); // registry storage: stable
        if (!m_renames.contains(name))
            m_renames.emplace(name, internField(std::string(collisionPrefix) + std::string(name)));
    }
}

std::optional<FieldId> FieldNameMap::resolve(std::string_view key, RecordFieldStats &stats) {
    Slot &slot = m_cache[hashOf(key) & (kCacheSlots - 1)];
    if (slot.key.data() != nullptr && slot.key == key)
        return slot.id;

    if (const auto rename = m_renames.find(key); rename != m_renames.end()) {
        slot = Slot {rename->first, rename->second};
        return rename->second;
    }
    if (!wire::isAcceptableFieldName(key)) {
        ++stats.unacceptableNames;
        return std::nullopt;
    }
    const std::optional<FieldId> id = FieldRegistry::instance().tryIntern(key);
    if (!id) {
        ++stats.namesRefused;
        return std::nullopt;
    }
    // Not a core field: those are all in m_renames.
    assert(*id >= field::WellKnownCount || fieldName(*id) == key);
    slot = Slot {fieldName(*id), *id};
    return id;
}

} // namespace vanopticon::sentinel
