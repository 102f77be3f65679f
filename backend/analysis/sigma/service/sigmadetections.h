// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/detection.h"
#include "analysis/correlate/eventref.h"
#include "analysis/sigma/engine/compiledruleset.h"
#include "shared/event/event.h"

namespace vanopticon::analysis::sigma {

// The rule id alerts carry: the Sigma `id`, else its `name`, else its title (as correlations).
std::string alertRuleId(const RuleMetadata &meta);

// One event matched one detection rule: a signature detection of the rule's level (medium when
// the rule has none), grouped by node so that one rule firing on two hosts opens two alerts.
Detection toDetection(const CompiledRule &rule, const Event &event, const EventRef &ref);

} // namespace vanopticon::analysis::sigma
