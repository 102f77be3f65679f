// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/engine/compiledruleset.h"

#include "analysis/sigma/engine/triggers.h"
#include "analysis/sigma/rule/conditionparser.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

namespace vanopticon::analysis::sigma {

namespace {

struct RuleBuilder {
    CompiledRule &out;
    PatternIndex &patterns;
    const MatchContext &context;

    // Compiles the searches of one detection (the rule's own, or a filter's) and returns the
    // index of the first one.
    Result<std::uint32_t> addSearches(const std::vector<SearchIdentifier> &searches) {
        const auto first = static_cast<std::uint32_t>(out.searches.size());
        for (const SearchIdentifier &search : searches) {
            CompiledSearch compiled;
            for (const DetectionMap &map : search.alternatives) {
                std::vector<std::uint32_t> itemIndices;
                for (const DetectionItem &item : map.items) {
                    auto matcher = compileItem(item, context);
                    if (!matcher)
                        return Error {item.where.toString() + ": " + matcher.error().message};
                    itemIndices.push_back(static_cast<std::uint32_t>(out.items.size()));
                    out.items.push_back(index(std::move(matcher).value()));
                }
                compiled.alternatives.push_back(std::move(itemIndices));
            }
            out.searches.push_back(std::move(compiled));
        }
        return first;
    }

    CompiledItem index(ItemMatcher matcher) {
        CompiledItem item;
        const std::uint32_t field = matcher.field ? std::uint32_t(*matcher.field) : PatternIndex::kKeywordField;
        for (const ValueMatcher &value : matcher.values) {
            PatternId id = kNoPattern;
            if (const auto *glob = std::get_if<Glob>(&value)) {
                // A glob without a literal byte matches (nearly) anything, even the empty value
                // Hyperscan cannot report: evaluated directly.
                if (hasLiteral(*glob))
                    id = patterns.add(field, *glob);
            } else if (const auto *regex = std::get_if<Regex>(&value)) {
                id = patterns.add(field, *regex);
            }
            item.patterns.push_back(id);
        }
        item.matcher = std::move(matcher);
        return item;
    }

    static bool hasLiteral(const Glob &glob) {
        return std::any_of(glob.tokens().begin(), glob.tokens().end(), [](const Glob::Token &token) {
            return token.kind == Glob::Token::Kind::Literal && !token.literal.empty();
        });
    }

    // Appends the condition's nodes; returns the root's index.
    Result<std::uint32_t> addCondition(
        const ConditionNode &node, const std::vector<SearchIdentifier> &searches, std::uint32_t firstSearch) {
        ConditionStep step;
        switch (node.kind) {
        case ConditionNode::Kind::Identifier: {
            const auto it = std::find_if(searches.begin(), searches.end(),
                [&](const SearchIdentifier &search) { return search.name == node.name; });
            if (it == searches.end())
                return Error {"the condition names '" + node.name + "', which the detection does not define"};
            step.kind = ConditionStep::Kind::Search;
            step.search = firstSearch + static_cast<std::uint32_t>(it - searches.begin());
            break;
        }
        case ConditionNode::Kind::OneOf:
        case ConditionNode::Kind::AllOf: {
            step.kind = node.kind == ConditionNode::Kind::OneOf ? ConditionStep::Kind::Or : ConditionStep::Kind::And;
            for (std::size_t i = 0; i < searches.size(); ++i) {
                if (!patternMatches(node.name, searches[i].name))
                    continue;
                ConditionStep leaf;
                leaf.kind = ConditionStep::Kind::Search;
                leaf.search = firstSearch + static_cast<std::uint32_t>(i);
                step.children.push_back(append(std::move(leaf)));
            }
            if (step.children.empty())
                return Error {"the condition's '" + node.name + "' matches no search identifier"};
            break;
        }
        case ConditionNode::Kind::And:
        case ConditionNode::Kind::Or:
        case ConditionNode::Kind::Not: {
            step.kind = node.kind == ConditionNode::Kind::And ? ConditionStep::Kind::And
                : node.kind == ConditionNode::Kind::Or        ? ConditionStep::Kind::Or
                                                              : ConditionStep::Kind::Not;
            for (const ConditionNode &child : node.children) {
                auto index = addCondition(child, searches, firstSearch);
                if (!index)
                    return index.error();
                step.children.push_back(*index);
            }
            if (step.children.empty() || (step.kind == ConditionStep::Kind::Not && step.children.size() != 1))
                return Error {"the condition has an operator without operands"};
            break;
        }
        }
        return append(std::move(step));
    }

    std::uint32_t append(ConditionStep step) {
        out.condition.push_back(std::move(step));
        return static_cast<std::uint32_t>(out.condition.size() - 1);
    }
};

bool sameLogsource(const Logsource &a, const Logsource &b) {
    return a.category == b.category && a.product == b.product && a.service == b.service;
}

// Filters by the ids and names of the rules they apply to.
std::unordered_map<std::string, std::vector<const SigmaFilter *>> filtersByRule(
    const std::vector<SigmaFilter> &filters) {
    std::unordered_map<std::string, std::vector<const SigmaFilter *>> byRule;
    for (const SigmaFilter &filter : filters) {
        for (const std::string &reference : filter.rules)
            byRule[reference].push_back(&filter);
    }
    return byRule;
}

Result<void> compileRule(const SigmaRule &rule, const std::vector<const SigmaFilter *> &filters, RuleBuilder &builder) {
    auto first = builder.addSearches(rule.searches);
    if (!first)
        return first.error();
    auto root = builder.addCondition(rule.condition, rule.searches, *first);
    if (!root)
        return Error {rule.meta.where.toString() + ": " + root.error().message};
    for (const SigmaFilter *filter : filters) {
        auto filterFirst = builder.addSearches(filter->searches);
        if (!filterFirst)
            return Error {"filter '" + filter->meta.title + "': " + filterFirst.error().message};
        auto filterRoot = builder.addCondition(filter->condition, filter->searches, *filterFirst);
        if (!filterRoot)
            return Error {filter->meta.where.toString() + ": " + filterRoot.error().message};
        ConditionStep negated;
        negated.kind = ConditionStep::Kind::Not;
        negated.children = {*filterRoot};
        const std::uint32_t notIndex = builder.append(std::move(negated));
        ConditionStep both;
        both.kind = ConditionStep::Kind::And;
        both.children = {*root, notIndex};
        root = builder.append(std::move(both));
        builder.out.filters.push_back(filter->meta.id.empty() ? filter->meta.title : filter->meta.id);
    }
    return {};
}

} // namespace

Result<std::shared_ptr<CompiledRuleSet>> compileRuleSet(RuleCollection collection, const CompileOptions &options) {
    const auto started = std::chrono::steady_clock::now();
    auto set = std::make_shared<CompiledRuleSet>();
    set->patterns = std::make_unique<PatternIndex>();
    set->failures = std::move(collection.failures);
    set->correlations = std::move(collection.correlations);
    set->filesRead = collection.filesRead;
    for (const std::string &name : options.keywordFields)
        set->keywordFields.push_back(internField(name));

    std::vector<std::string> unresolved;
    MatchContext context;
    context.placeholders = &options.placeholders;
    context.unresolvedPlaceholders = &unresolved;
    const auto filters = filtersByRule(collection.filters);

    for (SigmaRule &rule : collection.rules) {
        std::vector<const SigmaFilter *> applicable;
        for (const std::string *key : {&rule.meta.id, &rule.meta.name}) {
            if (key->empty())
                continue;
            if (const auto it = filters.find(*key); it != filters.end())
                applicable.insert(applicable.end(), it->second.begin(), it->second.end());
        }
        CompiledRule compiled;
        RuleBuilder builder {compiled, *set->patterns, context};
        unresolved.clear();
        if (auto ok = compileRule(rule, applicable, builder); !ok) {
            // Patterns this rule added stay in the index unused: harmless, and rare.
            set->failures.push_back(LoadFailure {rule.meta.where, ok.error().message});
            continue;
        }
        for (const std::string &placeholder : unresolved) {
            set->warnings.push_back(rule.meta.where.toString() + ": placeholder %" + placeholder
                + "% is not configured: its values match nothing");
        }
        const auto group = std::find_if(set->logsources.begin(), set->logsources.end(),
            [&](const Logsource &known) { return sameLogsource(known, rule.logsource); });
        compiled.logsourceGroup = static_cast<std::uint32_t>(group - set->logsources.begin());
        if (group == set->logsources.end())
            set->logsources.push_back(rule.logsource);
        compiled.rule = std::move(rule);
        set->rules.push_back(std::move(compiled));
    }

    std::vector<PatternIndex::Refusal> refused;
    if (auto built = set->patterns->build(refused); !built)
        return built.error();
    // A pattern Hyperscan refused is evaluated directly where it occurs.
    for (CompiledRule &rule : set->rules) {
        for (CompiledItem &item : rule.items) {
            for (PatternId &id : item.patterns) {
                if (id != kNoPattern && !set->patterns->indexed(id))
                    id = kNoPattern;
            }
        }
    }
    for (const PatternIndex::Refusal &refusal : refused) {
        set->warnings.push_back(
            "pattern " + std::to_string(refusal.id) + " is evaluated without the shared automata: " + refusal.reason);
    }

    set->triggers.resize(set->patterns->patternCount());
    for (std::uint32_t index = 0; index < set->rules.size(); ++index) {
        const std::optional<std::vector<PatternId>> trigger = ruleTrigger(set->rules[index], *set->patterns);
        if (!trigger) {
            set->alwaysEvaluated.push_back(index);
            continue;
        }
        for (const PatternId id : *trigger)
            set->triggers[id].push_back(index);
    }
    set->compileSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return set;
}

} // namespace vanopticon::analysis::sigma
