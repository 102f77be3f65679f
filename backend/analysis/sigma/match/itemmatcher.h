// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/sigma/match/valuematcher.h"
#include "analysis/sigma/rule/sigmarule.h"
#include "shared/core/result.h"
#include "shared/event/event.h"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace vanopticon::analysis::sigma {

// What an item's values may refer to outside the rule.
struct MatchContext {
    // `expand`: placeholder name (without the '%') → its values. A placeholder that is not
    // configured expands to no values, so its item matches nothing; compileItem reports it in
    // `unresolvedPlaceholders` so tools can warn.
    const std::map<std::string, std::vector<std::string>, std::less<>> *placeholders = nullptr;
    std::vector<std::string> *unresolvedPlaceholders = nullptr;
};

// One detection item compiled: the field it looks at and what its values became after the
// modifiers. `matches` is the reference semantics of Sigma for the item; the engine reaches the
// same answer faster for Glob and Regex values through its shared automata.
struct ItemMatcher {
    std::optional<FieldId> field; // nullopt: a keyword, matched against the keyword fields
    bool all = false; // `all`: every value must match (otherwise any)
    bool negate = false; // `neq`: the item holds when no value matches (an absent field too)
    std::vector<ValueMatcher> values;

    // `keywordFields`: the fields a keyword is looked for in (any of them).
    bool matches(const Event &event, std::span<const FieldId> keywordFields) const;
};

// Applies the item's modifiers to its values. Refused with a reason (the caller adds the file
// and line): modifiers that contradict each other or the value type (`cidr` on a number, `re`
// with `contains`, `all` with a single value, `base64` on a value with wildcards, …), an invalid
// regular expression or network, an unknown field reference.
Result<ItemMatcher> compileItem(const DetectionItem &item, const MatchContext &context);

} // namespace vanopticon::analysis::sigma
