// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/correlationrule.h"
#include "shared/core/result.h"

#include <cstdint>
#include <string>
#include <vector>

// Correlation rules from YAML: a document holds `rules: [ … ]`, each rule an event_count or a
// temporal_ordered rule. Everything is validated (unknown keys, missing or out-of-range values,
// duplicate ids); an error names the file, line and column, the setting and the rule id.
namespace vanopticon::analysis {

inline constexpr std::uintmax_t kMaxRulesFileBytes = 4u << 20;
inline constexpr std::size_t kMaxRulesPerFile = 10'000;

// `nameForErrors` stands in for the file name in messages.
Result<std::vector<CorrelationRule>> parseCorrelationRules(const std::string &text, const std::string &nameForErrors);
// One file.
Result<std::vector<CorrelationRule>> loadCorrelationRules(const std::string &path);
// Every `*.yaml` / `*.yml` file directly in `directory` (not hidden ones), in file name order;
// ids must be unique across all of them.
Result<std::vector<CorrelationRule>> loadCorrelationRuleDirectory(const std::string &directory);

} // namespace vanopticon::analysis
