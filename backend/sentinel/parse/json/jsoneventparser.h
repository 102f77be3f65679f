// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/json/fieldnamecache.h"
#include "sentinel/parse/json/jsonflattener.h"
#include "sentinel/parse/json/jsonkeymap.h"
#include "sentinel/parse/rfc3164.h"
#include "sentinel/parse/syslogcontext.h"
#include "shared/event/event.h"

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vanopticon::sentinel {

struct JsonEventStats {
    std::uint64_t records = 0; // handed to parse()
    std::uint64_t events = 0;
    std::uint64_t failed = 0; // refused (not JSON, not an object, too large…)
    std::uint64_t droppedFields = 0; // leaves past the bounds, bad or reserved keys, names over budget
    std::uint64_t objectsAsText = 0; // objects nested past the depth bound, kept as JSON text
    std::uint64_t undatedRecords = 0; // had a timestamp key but none read as a time: dated "now"
};

// One JSON object per line → one event (see jsonkeymap.h for the keys that fill the event core
// and the Sigma fields). Every other leaf becomes a field under its dotted name. Defaults for what
// the record does not say: the context's "now" and host, event_type "json", category
// "application", source_type "json", severity info. The record itself is "raw"; keys that would
// overwrite "raw" or the computed "severity" are dropped. Not thread-safe: one per source.
class JsonEventParser {
public:
    explicit JsonEventParser(JsonLimits limits = {}, std::size_t maxNewFieldNames = 1024);

    // Appends one event, or nothing and a fixed reason. `readable`: see JsonFlattener::parse().
    ParseOutcome parse(
        std::string_view record, const SyslogContext &context, EventBatch &batch, std::size_t readable = 0);

    const JsonEventStats &stats() const { return m_stats; }
    const JsonFlattener &flattener() const { return m_flattener; }

private:
    static constexpr std::size_t kTargets = static_cast<std::size_t>(JsonKeyTarget::Count);
    static constexpr std::uint32_t kNone = UINT32_MAX;

    // What a key means, memoised per name: one hash lookup per leaf once the names are known.
    struct KeyInfo {
        std::optional<FieldId> id; // under its own name; nullopt when the name budget is spent
        JsonKeyTarget target = JsonKeyTarget::Count; // Count: no well-known target
        std::uint8_t rank = 0;
    };
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const { return std::hash<std::string_view> {}(text); }
    };
    static constexpr std::size_t kMaxKeyInfos = 4096;

    const KeyInfo &keyInfo(std::string_view name);

    // The value a leaf offers its target, or empty when it cannot fill it.
    std::string_view candidate(const JsonField &leaf, JsonKeyTarget target, std::int32_t utcOffsetSeconds,
        std::int64_t &timestampNs, Severity &severity) const;

    JsonFlattener m_flattener;
    FieldNameCache m_names;
    std::unordered_map<std::string_view, JsonKeyMapping> m_known;
    std::unordered_map<std::string, KeyInfo, Hash, std::equal_to<>> m_keyInfos;
    KeyInfo m_overflow; // for names past kMaxKeyInfos, valid until the next keyInfo()
    std::vector<std::optional<FieldId>> m_leafIds; // per leaf, per record: its own name's id
    std::array<FieldId, kTargets> m_targetIds {};
    std::array<std::uint32_t, kTargets> m_winner {}; // leaf index per target, per record
    std::array<std::uint8_t, kTargets> m_winnerRank {};
    std::array<std::string_view, kTargets> m_winnerValue {};
    std::vector<std::uint8_t> m_isWinner; // per leaf, per record
    JsonEventStats m_stats;
};

// parse() of a JsonEventParser kept per thread, for callers that hold none.
ParseOutcome parseJsonEvent(std::string_view record, const SyslogContext &context, EventBatch &batch);

} // namespace vanopticon::sentinel
