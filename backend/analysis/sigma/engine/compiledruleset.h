// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/sigma/engine/patternindex.h"
#include "analysis/sigma/engine/placeholders.h"
#include "analysis/sigma/match/itemmatcher.h"
#include "analysis/sigma/rule/sigmarule.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace vanopticon::analysis::sigma {

// How rules are compiled (the `sigma:` configuration's matching part).
struct CompileOptions {
    // Where keywords (detection items without a field) are looked for.
    std::vector<std::string> keywordFields {"message", "raw"};
    Placeholders placeholders; // `expand` values
};

// One item with, per value, the shared pattern that decides it (kNoPattern: evaluated directly).
struct CompiledItem {
    ItemMatcher matcher;
    std::vector<PatternId> patterns;
};

// The condition as a tree of small nodes; children always precede their parent.
struct ConditionStep {
    enum class Kind : std::uint8_t { Search, And, Or, Not };
    Kind kind = Kind::Search;
    std::uint32_t search = 0; // Search: index into CompiledRule::searches
    std::vector<std::uint32_t> children; // node indices
};

// A search identifier: any of its alternatives, each all of its items (indices into items).
struct CompiledSearch {
    std::vector<std::vector<std::uint32_t>> alternatives;
};

struct CompiledRule {
    SigmaRule rule; // the rule as loaded (metadata, logsource, the text of its detection)
    std::vector<CompiledItem> items;
    std::vector<CompiledSearch> searches;
    std::vector<ConditionStep> condition; // the root is the last node
    std::uint32_t logsourceGroup = 0; // index into CompiledRuleSet::logsources
    std::vector<std::string> filters; // ids of the global filters applied to it
};

// Every rule of a collection compiled together: the rules, their shared patterns, and for each
// pattern the rules it may make true ("triggers"). A rule none of whose patterns can make it
// true (only negations, null checks, numbers…) is evaluated for every event of its logsource.
// Immutable once built; evaluators on any thread share it.
struct CompiledRuleSet {
    std::vector<CompiledRule> rules;
    std::unique_ptr<PatternIndex> patterns;
    std::vector<std::vector<std::uint32_t>> triggers; // PatternId → rule indices
    std::vector<std::uint32_t> alwaysEvaluated; // rule indices
    std::vector<Logsource> logsources; // the distinct logsources of the rules
    std::vector<FieldId> keywordFields;
    std::vector<SigmaCorrelation> correlations; // as loaded; the correlation engine compiles them
    std::vector<LoadFailure> failures; // rules (and filters) that did not compile, and why
    std::vector<std::string> warnings; // e.g. placeholders not configured
    std::size_t filesRead = 0;
    double compileSeconds = 0;
};

// Compiles every rule of the collection (share it as const once complete) (its load failures are carried over); a rule
// that does not compile is listed in `failures` and left out, the others stand. Only a failure of Hyperscan itself (out
// of memory) is an Error.
Result<std::shared_ptr<CompiledRuleSet>> compileRuleSet(RuleCollection collection, const CompileOptions &options);

} // namespace vanopticon::analysis::sigma
