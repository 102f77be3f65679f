// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/sigma/rule/readcontext.h"
#include "analysis/sigma/rule/sigmarule.h"

// The `correlation:` section of a correlation rule (internal to rule/), checked against
// sigma-correlation-rules-specification.md: type, rules, group-by and timespan (`Ns|Nm|Nh|Nd`)
// always; a condition (gt/gte/lt/lte/eq/neq, AND'ed) for the counting kinds, with `field` for
// the value_* kinds only; temporal kinds without a condition mean "gte: number of rules";
// aliases name only rules listed in `rules`. Unknown keys are refused: a misspelt `group-by`
// would silently change what the rule counts.
namespace vanopticon::analysis::sigma {

// `generate` is the top-level `generate:` key when the document has one (the specification
// lists it beside `level`; pySigma reads it inside `correlation:` — both are accepted).
bool readCorrelation(
    ReadContext &context, const YAML::Node &section, const YAML::Node *generate, SigmaCorrelation &out);

} // namespace vanopticon::analysis::sigma
