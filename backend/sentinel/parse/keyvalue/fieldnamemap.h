// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/keyvalue/recordfieldstats.h"
#include "shared/event/fieldid.h"

#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vanopticon::sentinel {

// A key of some format and the field its value is stored under: a Sigma taxonomy name wherever
// one exists ("src" → "SourceIp").
struct FieldRename {
    std::string_view key;
    std::string_view field;
};

// Resolves the keys of one record format to field ids, once per distinct key rather than once
// per record. Well-known keys are renamed by a fixed table interned at construction; any other
// key keeps its name, interned through FieldRegistry::tryIntern when it is an acceptable field
// name. A key that would write one of the event's own fields (event_type, category, host,
// service, message, raw, source_type, severity) without being renamed to it on purpose is
// stored under `collisionPrefix` + key instead ("severity" → "cef.ext.severity"), so a record
// cannot pass itself off as another kind of event.
//
// Resolved keys are remembered in a direct-mapped cache of fixed size (no allocation after
// construction, no lock on a hit). Not thread-safe: one map per parser or per thread.
class FieldNameMap {
public:
    static constexpr std::size_t kCacheSlots = 1024; // a power of two

    // `renames` must outlive the map (static tables); its targets are trusted names.
    FieldNameMap(std::span<const FieldRename> renames, std::string_view collisionPrefix);

    // The field for `key`, or nullopt when the key is dropped (counted in `stats`).
    std::optional<FieldId> resolve(std::string_view key, RecordFieldStats &stats);

private:
    struct Slot {
        std::string_view key; // stable storage: the rename table or the field registry
        FieldId id = 0;
    };

    std::unordered_map<std::string_view, FieldId> m_renames;
    std::vector<Slot> m_cache;
};

} // namespace vanopticon::sentinel
