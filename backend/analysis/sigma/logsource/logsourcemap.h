// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/fieldreader.h"
#include "analysis/sigma/rule/sigmarule.h"
#include "shared/config/section.h"
#include "shared/core/result.h"
#include "shared/event/event.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vanopticon::analysis::sigma {

// Names one set of logsource values (see LogsourceMap::resolve). 0 is the empty set.
using LogsourceId = std::uint32_t;
inline constexpr LogsourceId kNoLogsource = 0;

// The logsource values one event belongs to: each list sorted, without repeats, in lower case;
// and the field mappings of the entries that gave them (in entry order, one per rule field).
struct LogsourceSet {
    std::vector<std::string> categories, products, services;
    std::vector<FieldMapping> fieldMappings;

    bool empty() const { return categories.empty() && products.empty() && services.empty(); }
    friend bool operator==(const LogsourceSet &, const LogsourceSet &) = default;
};

// Which Sigma logsource (category / product / service) an event belongs to, from configuration:
//
//   logsources:
//     - when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 1}
//       logsource: {product: windows, category: process_creation}
//     - when: {Channel: [Security]}            # a list: any of these values
//       logsource: {product: windows, service: security}
//     - when: {Channel: Security, EventID: 4688}
//       logsource: {category: process_creation}
//       fields: {Image: NewProcessName}         # optional: rule field → the event's field
//
// An entry matches an event when every field it names is present with one of its values (AND
// over fields, OR over a field's values; a field absent or empty matches no value, and an entry
// must name at least one field). Values compare ASCII case-insensitively, as Windows
// compares channel and provider names and as Sigma compares values by default; so do the
// logsource values a rule names. Each of category / product / service may be one value or a
// list. An event belongs to the union of the logsource values of every entry it matches, and a
// rule applies to it when every attribute the rule names is in that union (a rule without a
// logsource applies to every event). `fields` lets the rules of such an event read a field they
// name from the event's field of another name, where the event does not have the rule's field
// itself (the first entry naming a rule field wins).
//
// Resolution is a hash lookup for events seen before: resolve() keeps a cache keyed by the
// values of the fields the entries test (and nothing else, so the key space is as small as the
// data allows), bounded by kMaxCacheEntries (then emptied and counted) and kMaxCacheKeyBytes
// (longer keys are resolved without the cache). The sets themselves are interned: equal sets get
// equal ids, and there are at most as many as the configuration can form.
//
// Not thread-safe (resolve() fills the cache): one per engine.
class LogsourceMap {
public:
    static constexpr std::size_t kMaxEntries = 10'000;
    static constexpr std::size_t kMaxValuesPerField = 1'000;
    static constexpr std::size_t kMaxFieldMappingsPerEntry = 1'000;
    static constexpr std::size_t kMaxCacheEntries = 16'384;
    static constexpr std::size_t kMaxCacheKeyBytes = 1'024;

    struct CacheStats {
        std::uint64_t hits = 0;
        std::uint64_t misses = 0;
        std::uint64_t clears = 0; // the cache was full and emptied
        std::uint64_t uncached = 0; // keys longer than kMaxCacheKeyBytes: resolved every time
        std::size_t size = 0;
    };

    // An empty map: every event resolves to kNoLogsource.
    LogsourceMap();

    // `root` is the document: a mapping with the key `logsources` (a list of entries). Errors
    // name the file, line and setting.
    static Result<LogsourceMap> fromConfig(const config::Section &root);
    static Result<LogsourceMap> loadFile(const std::string &path);
    // Every event belongs to `logsource` (a replayed file known to be of one kind).
    static LogsourceMap fixed(const Logsource &logsource);

    LogsourceId resolve(const Event &event);
    // The set an id names; kNoLogsource gives the empty set. `id` must come from this map.
    const LogsourceSet &set(LogsourceId id) const;
    bool ruleApplies(const Logsource &ruleLogsource, LogsourceId id) const;

    std::size_t entryCount() const { return m_entries.size(); }
    // Sets interned so far, the empty set included.
    std::size_t setCount() const { return m_sets.size(); }
    // The fields the entries test, in the order the cache key holds them.
    const std::vector<FieldId> &testedFields() const { return m_fields; }
    const CacheStats &cacheStats() const { return m_cacheStats; }

private:
    // One `when` condition: the field (by its index in m_fields) and its values, lower case.
    struct Condition {
        std::size_t field = 0;
        std::vector<std::string> values;
    };
    struct Entry {
        std::vector<Condition> conditions;
        std::vector<std::uint32_t> values; // logsource values, by index in m_valueNames
        std::vector<FieldMapping> fieldMappings;
    };
    // In the values a set is interned by, an entry with field mappings is named by its index with this
    // bit set (its mappings belong to the set's identity too).
    static constexpr std::uint32_t kMappingEntry = 0x80000000u;
    enum class Attribute : std::uint8_t { Category, Product, Service };
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const { return std::hash<std::string_view> {}(text); }
    };

    std::uint32_t valueIndex(Attribute attribute, std::string value);
    void gather(const Event &event);
    LogsourceId evaluate(); // from m_values

    LogsourceId intern(std::vector<std::uint32_t> values);

    std::vector<FieldId> m_fields;
    std::vector<Entry> m_entries;
    // Logsource values: (attribute, lower-case name), by index.
    std::vector<std::pair<Attribute, std::string>> m_valueNames;
    std::map<std::pair<Attribute, std::string>, std::uint32_t> m_valueIndex;
    std::vector<LogsourceSet> m_sets; // by id
    std::map<std::vector<std::uint32_t>, LogsourceId> m_setIds; // sorted value indexes → id
    std::unordered_map<std::string, LogsourceId, Hash, std::equal_to<>> m_cache;
    static constexpr std::int32_t kNotTested = -1;
    std::vector<std::int32_t> m_slotOf; // by FieldId: its index in m_fields, or kNotTested
    std::string m_key; // scratch
    std::vector<std::optional<std::string_view>> m_values; // scratch: the tested fields' values
    std::vector<std::string> m_folded; // scratch: the same, lower case
    CacheStats m_cacheStats;
};

} // namespace vanopticon::analysis::sigma
