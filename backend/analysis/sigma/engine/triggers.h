// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/sigma/engine/compiledruleset.h"

#include <optional>
#include <vector>

namespace vanopticon::analysis::sigma {

// Patterns at least one of which must hit for the rule to match — so the rule need only be
// evaluated for events where one did. nullopt when no such set exists (the rule can match on
// negations, null checks or numbers alone): it is evaluated for every event of its logsource.
// Among the choices an AND offers, the most selective (longest literals) is taken, so common
// patterns (`EventID: 1`) make few rules candidates.
std::optional<std::vector<PatternId>> ruleTrigger(const CompiledRule &rule, const PatternIndex &patterns);

} // namespace vanopticon::analysis::sigma
