// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/event/fieldid.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace vanopticon::sentinel {

// Field ids for names that come from input (JSON keys), for one parser. The process-wide
// FieldRegistry is shared by every engine and takes a lock: this memo keeps the hot path off the
// lock, and a budget keeps one hostile source from filling the registry with random names. Each
// cache may add at most `maxNewNames` names to the registry; past that, names the registry already
// knows (from rules, other parsers) still resolve and others do not. Not thread-safe.
class FieldNameCache {
public:
    static constexpr std::size_t kMaxEntries = 4096; // memo size; lookups past it go to the registry

    explicit FieldNameCache(std::size_t maxNewNames = 1024);

    // The id for a name, or nullopt when it is new and the budget is spent (or the registry full).
    std::optional<FieldId> lookup(std::string_view name);

    // Names this cache added to the registry, and lookups refused for want of budget.
    std::size_t newNames() const { return m_newNames; }
    std::size_t refusedNames() const { return m_refused; }

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const { return std::hash<std::string_view> {}(text); }
    };

    std::unordered_map<std::string, FieldId, Hash, std::equal_to<>> m_ids;
    std::size_t m_maxNewNames;
    std::size_t m_newNames = 0;
    std::size_t m_refused = 0;
};

} // namespace vanopticon::sentinel
