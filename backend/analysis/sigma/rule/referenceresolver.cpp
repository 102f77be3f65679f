// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/rule/sigmaloader.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

// resolveReferences() of sigmaloader.h: the checks that need the whole collection.
namespace vanopticon::analysis::sigma {

namespace {

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

// Moves the elements `reasonOf` finds a reason against into `failures`, keeping the order of both.
template<typename T, typename ReasonOf>
bool removeFailing(std::vector<T> &items, std::vector<LoadFailure> &failures, ReasonOf reasonOf) {
    const std::size_t before = items.size();
    std::vector<T> kept;
    kept.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (std::optional<std::string> reason = reasonOf(items[i], i))
            failures.push_back({items[i].meta.where, std::move(*reason)});
        else
            kept.push_back(std::move(items[i]));
    }
    items = std::move(kept);
    return items.size() != before;
}

// Ids and names share one namespace: a reference may be either.
class Claims {
public:
    std::optional<std::string> claim(const RuleMetadata &meta) {
        for (const auto &[key, kind] : {std::pair {&meta.id, "id"}, std::pair {&meta.name, "name"}}) {
            if (key->empty())
                continue;
            if (const auto it = m_owner.find(*key); it != m_owner.end())
                return "the " + std::string(kind) + " " + quoted(*key) + " is already used by the document at "
                    + it->second.toString();
        }
        for (const std::string *key : {&meta.id, &meta.name}) {
            if (!key->empty())
                m_owner.emplace(*key, meta.where);
        }
        return std::nullopt;
    }

private:
    std::unordered_map<std::string, SourceLocation> m_owner;
};

void addKeys(const RuleMetadata &meta, std::unordered_set<std::string> &keys) {
    if (!meta.id.empty())
        keys.insert(meta.id);
    if (!meta.name.empty())
        keys.insert(meta.name);
}

// Correlations whose references do not resolve; repeated, since removing one may break another.
void removeUnresolved(RuleCollection &collection, const std::unordered_set<std::string> &ruleKeys) {
    for (bool changed = true; changed;) {
        std::unordered_set<std::string> correlationKeys;
        for (const SigmaCorrelation &correlation : collection.correlations)
            addKeys(correlation.meta, correlationKeys);
        changed = removeFailing(collection.correlations, collection.failures,
            [&](const SigmaCorrelation &correlation, std::size_t) -> std::optional<std::string> {
                for (const std::string &reference : correlation.rules) {
                    if (reference == correlation.meta.id || reference == correlation.meta.name)
                        return "correlation.rules names the correlation itself (" + quoted(reference) + ")";
                    if (!ruleKeys.contains(reference) && !correlationKeys.contains(reference))
                        return "correlation.rules names " + quoted(reference)
                            + ", which is the id or name of no loaded rule or correlation";
                }
                return std::nullopt;
            });
    }
}

// Kahn's algorithm over "correlation → correlations it refers to": what never becomes ready is in
// a cycle or depends on one.
void removeCycles(RuleCollection &collection) {
    std::vector<SigmaCorrelation> &correlations = collection.correlations;
    std::unordered_map<std::string, std::size_t> indexByKey;
    for (std::size_t i = 0; i < correlations.size(); ++i) {
        for (const std::string *key : {&correlations[i].meta.id, &correlations[i].meta.name}) {
            if (!key->empty())
                indexByKey.emplace(*key, i);
        }
    }
    std::vector<std::vector<std::size_t>> dependents(correlations.size());
    std::vector<std::size_t> waitingFor(correlations.size(), 0);
    std::vector<std::string> someDependency(correlations.size());
    for (std::size_t i = 0; i < correlations.size(); ++i) {
        std::vector<std::size_t> dependencies;
        for (const std::string &reference : correlations[i].rules) {
            const auto it = indexByKey.find(reference);
            if (it == indexByKey.end())
                continue;
            if (std::find(dependencies.begin(), dependencies.end(), it->second) == dependencies.end()) {
                dependencies.push_back(it->second);
                someDependency[i] = reference;
            }
        }
        waitingFor[i] = dependencies.size();
        for (std::size_t dependency : dependencies)
            dependents[dependency].push_back(i);
    }
    std::vector<std::size_t> ready;
    for (std::size_t i = 0; i < correlations.size(); ++i) {
        if (waitingFor[i] == 0)
            ready.push_back(i);
    }
    std::vector<bool> resolved(correlations.size(), false);
    while (!ready.empty()) {
        const std::size_t next = ready.back();
        ready.pop_back();
        resolved[next] = true;
        for (std::size_t dependent : dependents[next]) {
            if (--waitingFor[dependent] == 0)
                ready.push_back(dependent);
        }
    }
    removeFailing(
        correlations, collection.failures, [&](const SigmaCorrelation &, std::size_t i) -> std::optional<std::string> {
            if (resolved[i])
                return std::nullopt;
            return "correlation.rules leads through " + quoted(someDependency[i])
                + " into a cycle of correlations referring to each other";
        });
}

} // namespace

void resolveReferences(RuleCollection &collection) {
    Claims claims;
    const auto duplicate = [&](const auto &document, std::size_t) { return claims.claim(document.meta); };
    removeFailing(collection.rules, collection.failures, duplicate);
    removeFailing(collection.correlations, collection.failures, duplicate);
    removeFailing(collection.filters, collection.failures, duplicate);

    std::unordered_set<std::string> ruleKeys;
    for (const SigmaRule &rule : collection.rules)
        addKeys(rule.meta, ruleKeys);

    removeUnresolved(collection, ruleKeys);
    removeCycles(collection);

    std::unordered_set<std::string> correlationKeys;
    for (const SigmaCorrelation &correlation : collection.correlations)
        addKeys(correlation.meta, correlationKeys);
    removeFailing(collection.filters, collection.failures,
        [&](const SigmaFilter &filter, std::size_t) -> std::optional<std::string> {
            for (const std::string &reference : filter.rules) {
                if (ruleKeys.contains(reference))
                    continue;
                if (correlationKeys.contains(reference))
                    return "filter.rules names the correlation " + quoted(reference)
                        + "; filters apply to detection rules";
                return "filter.rules names " + quoted(reference) + ", which is the id or name of no loaded rule";
            }
            return std::nullopt;
        });
}

} // namespace vanopticon::analysis::sigma
