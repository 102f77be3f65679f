// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/sigma/rule/sigmarule.h"
#include "shared/core/result.h"

#include <cstddef>
#include <string_view>
#include <vector>

// The `condition` of a Sigma detection (rules specification, "Condition"):
//   or := and ("or" and)*        and := not ("and" not)*        not := "not" not | primary
//   primary := "(" or ")" | ("1" | "any" | "all") "of" (pattern | "them") | identifier
// Precedence, least binding first: or, and, not, `x of`, parentheses. Keywords are recognised in
// any letter case (the specification writes them in lowercase and does not say more); search
// identifiers are case-sensitive. Every name must resolve against `searches`: an unknown
// identifier or a pattern that matches none is an error naming it. The obsolete aggregation
// syntax (`selection | count() > 5`) is refused with a pointer to correlation rules.
namespace vanopticon::analysis::sigma {

// Hostile input is refused before it costs anything: longer texts, deeper nesting (parentheses
// and `not`) are errors.
inline constexpr std::size_t kMaxConditionLength = 16 * 1024;
inline constexpr int kMaxConditionDepth = 64;

Result<ConditionNode> parseCondition(std::string_view text, const std::vector<SearchIdentifier> &searches);

// Whether the search identifier `name` belongs to a `1 of` / `all of` pattern ("*" stands for
// `them`). `*` matches any run of characters, everything else itself; the whole name must match.
// Names starting with `_` are left out (the specification's convention for `them`, applied to
// every pattern as pySigma does) unless the pattern itself starts with `_`.
bool patternMatches(std::string_view pattern, std::string_view name);
// The indexes in `searches` of the identifiers a pattern stands for, in their order.
std::vector<std::size_t> matchingSearches(std::string_view pattern, const std::vector<SearchIdentifier> &searches);

} // namespace vanopticon::analysis::sigma
