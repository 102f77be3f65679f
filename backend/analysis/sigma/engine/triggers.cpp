// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/engine/triggers.h"

#include <algorithm>
#include <limits>

namespace vanopticon::analysis::sigma {

namespace {

// A set of patterns one of which must hit, and how selective the set is (its weakest pattern).
struct Trigger {
    std::vector<PatternId> patterns;
    std::uint32_t selectivity = std::numeric_limits<std::uint32_t>::max();
};
using MaybeTrigger = std::optional<Trigger>;

class TriggerFinder {
public:
    TriggerFinder(const CompiledRule &rule, const PatternIndex &patterns)
        : m_rule(rule)
        , m_patterns(patterns) { }

    MaybeTrigger ofStep(std::uint32_t index) const {
        const ConditionStep &step = m_rule.condition[index];
        switch (step.kind) {
        case ConditionStep::Kind::Search:
            return ofSearch(m_rule.searches[step.search]);
        case ConditionStep::Kind::Not:
            return std::nullopt; // true exactly when patterns did not hit
        case ConditionStep::Kind::And: {
            MaybeTrigger best;
            for (const std::uint32_t child : step.children)
                best = better(std::move(best), ofStep(child));
            return best;
        }
        case ConditionStep::Kind::Or: {
            Trigger all;
            for (const std::uint32_t child : step.children) {
                MaybeTrigger part = ofStep(child);
                if (!part)
                    return std::nullopt;
                merge(all, std::move(*part));
            }
            return all;
        }
        }
        return std::nullopt;
    }

private:
    MaybeTrigger ofSearch(const CompiledSearch &search) const {
        Trigger all;
        for (const std::vector<std::uint32_t> &items : search.alternatives) {
            MaybeTrigger best; // an alternative holds only when all its items do: any one suffices
            for (const std::uint32_t item : items)
                best = better(std::move(best), ofItem(m_rule.items[item]));
            if (!best)
                return std::nullopt;
            merge(all, std::move(*best));
        }
        if (search.alternatives.empty())
            return std::nullopt;
        return all;
    }

    MaybeTrigger ofItem(const CompiledItem &item) const {
        if (item.matcher.negate || item.patterns.empty())
            return std::nullopt;
        Trigger trigger;
        for (const PatternId id : item.patterns) {
            if (id == kNoPattern) {
                if (item.matcher.all)
                    continue; // another value of an `all` item still has to hit
                return std::nullopt; // this value can hold without any pattern hitting
            }
            if (item.matcher.all) {
                // every value must hit: the single most selective one is enough
                if (trigger.patterns.empty() || m_patterns.selectivity(id) > trigger.selectivity)
                    trigger = Trigger {{id}, m_patterns.selectivity(id)};
                continue;
            }
            trigger.patterns.push_back(id);
            trigger.selectivity = std::min(trigger.selectivity, m_patterns.selectivity(id));
        }
        if (trigger.patterns.empty())
            return std::nullopt;
        return trigger;
    }

    static MaybeTrigger better(MaybeTrigger a, MaybeTrigger b) {
        if (!a)
            return b;
        if (!b)
            return a;
        if (a->selectivity != b->selectivity)
            return a->selectivity > b->selectivity ? std::move(a) : std::move(b);
        return a->patterns.size() <= b->patterns.size() ? std::move(a) : std::move(b);
    }

    static void merge(Trigger &into, Trigger part) {
        into.patterns.insert(into.patterns.end(), part.patterns.begin(), part.patterns.end());
        into.selectivity = std::min(into.selectivity, part.selectivity);
    }

    const CompiledRule &m_rule;
    const PatternIndex &m_patterns;
};

} // namespace

std::optional<std::vector<PatternId>> ruleTrigger(const CompiledRule &rule, const PatternIndex &patterns) {
    if (rule.condition.empty())
        return std::nullopt;
    MaybeTrigger trigger = TriggerFinder(rule, patterns).ofStep(static_cast<std::uint32_t>(rule.condition.size() - 1));
    if (!trigger)
        return std::nullopt;
    std::sort(trigger->patterns.begin(), trigger->patterns.end());
    trigger->patterns.erase(std::unique(trigger->patterns.begin(), trigger->patterns.end()), trigger->patterns.end());
    return std::move(trigger->patterns);
}

} // namespace vanopticon::analysis::sigma
