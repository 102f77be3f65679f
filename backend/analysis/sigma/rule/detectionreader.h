// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/sigma/rule/readcontext.h"
#include "analysis/sigma/rule/sigmarule.h"

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

// The search identifiers and the condition of a rule's `detection:` or a filter's `filter:`
// (internal to rule/). Checks what the specification asks of them: values are scalars or lists
// of scalars (null only alone), every modifier is known, re's i/m/s follow re, `all` has several
// values, `exists` a boolean, numeric modifiers numbers; every condition resolves.
namespace vanopticon::analysis::sigma {

// `section` is the map; `sectionName` names it in messages ("detection", "filter"); keys in
// `reserved` (a filter's `rules`) are left to the caller. Fills `searches`, `conditionTexts` and
// `condition` (an Or node over several conditions).
bool readDetection(ReadContext &context, const YAML::Node &section, std::string_view sectionName,
    std::initializer_list<std::string_view> reserved, std::vector<SearchIdentifier> &searches,
    std::vector<std::string> &conditionTexts, ConditionNode &condition);

} // namespace vanopticon::analysis::sigma
