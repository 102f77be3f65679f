// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/correlationrule.h"
#include "analysis/sigma/rule/sigmarule.h"
#include "shared/core/result.h"

#include <functional>
#include <optional>
#include <string_view>

// A Sigma correlation (sigma-correlation-rules-specification.md) as a rule of the project's
// correlation engine. The rules a correlation refers to are signals: the caller numbers the
// Sigma rules and correlations and tells the engine, per event, which of them matched or fired
// (SignalTable); `emits` is the correlation's own number, carried by each event it fires on, so
// other correlations can refer to it (chains).
namespace vanopticon::analysis::sigma {

// The signal of a rule or correlation named by `reference` (its id or name); nullopt when
// nothing loaded has that id or name.
using SignalResolver = std::function<std::optional<SignalId>(std::string_view reference)>;

// Maps:
// - type → CorrelationType; `rules` → signals (event_count, value_*: the events taken; temporal,
//   temporal_ordered: one step per rule, in order);
// - group-by → group_by fields (interned names); an alias in group-by is the alias name in
//   detections and, for the events of each referenced rule, the field the alias names for it
//   (every referenced rule needs one);
// - timespan → window; condition → conditions, its field(s) → value fields; temporal without a
//   condition: all rules; a temporal condition that only the largest counts meet becomes "gte m",
//   so it fires as soon as met; temporal_ordered accepts only conditions met by all its rules
//   and none fewer (the default);
// - id → id (else name, else the title: the engine needs one); title; description (cut at
//   ruleLimits::kMaxDescriptionLength); level → severity (medium when absent); tags;
//   the document's location → source.
// The result is validated (correlationrule.h's limits); errors name the correlation.
Result<CorrelationRule> compileCorrelation(
    const SigmaCorrelation &correlation, const SignalResolver &resolve, SignalId emits);

} // namespace vanopticon::analysis::sigma
