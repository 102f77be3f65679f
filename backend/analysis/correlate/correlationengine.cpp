// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/correlationengine.h"

#include "analysis/correlate/rulerunner.h"
#include "shared/config/section.h"

#include <algorithm>
#include <cassert>
#include <functional>
#include <optional>
#include <queue>
#include <unordered_map>
#include <unordered_set>

namespace vanopticon::analysis {

namespace {
// Sweeping looks at a few groups per event, so its cost follows the input, never the table size.
constexpr std::size_t kMinSweepBudget = 64;
constexpr std::size_t kSweepPerEvent = 2;

std::vector<SignalId> consumedSignals(const CorrelationRule &rule) {
    std::vector<SignalId> ids = rule.signalIds;
    for (const CorrelationStep &step : rule.steps)
        ids.insert(ids.end(), step.signalIds.begin(), step.signalIds.end());
    return ids;
}

// Which rules emit each signal.
using Emitters = std::unordered_map<SignalId, std::vector<std::size_t>>;

Emitters emittersOf(const std::vector<CorrelationRule> &rules) {
    Emitters emitters;
    for (std::size_t i = 0; i < rules.size(); ++i) {
        if (rules[i].emits)
            emitters[*rules[i].emits].push_back(i);
    }
    return emitters;
}

struct RuleOrder {
    std::vector<std::size_t> order; // every emitter before the rules that take its signal
    std::vector<std::size_t> cyclic; // rules in or behind a cycle, in the order given
};

// Kahn's algorithm, taking the lowest index that is ready, so that rules without chains keep
// the order they were given in.
RuleOrder orderRules(const std::vector<CorrelationRule> &rules) {
    const Emitters emitters = emittersOf(rules);
    std::vector<std::vector<std::size_t>> consumers(rules.size());
    std::vector<std::size_t> waiting(rules.size(), 0);
    for (std::size_t i = 0; i < rules.size(); ++i) {
        std::vector<std::size_t> sources;
        for (const SignalId signal : consumedSignals(rules[i])) {
            if (const auto it = emitters.find(signal); it != emitters.end())
                sources.insert(sources.end(), it->second.begin(), it->second.end());
        }
        std::sort(sources.begin(), sources.end());
        sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
        for (const std::size_t source : sources)
            consumers[source].push_back(i);
        waiting[i] = sources.size();
    }
    std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
    for (std::size_t i = 0; i < rules.size(); ++i) {
        if (waiting[i] == 0)
            ready.push(i);
    }
    RuleOrder result;
    while (!ready.empty()) {
        const std::size_t next = ready.top();
        ready.pop();
        result.order.push_back(next);
        for (const std::size_t consumer : consumers[next]) {
            if (--waiting[consumer] == 0)
                ready.push(consumer);
        }
    }
    for (std::size_t i = 0; i < rules.size(); ++i) {
        if (waiting[i] != 0)
            result.cyclic.push_back(i);
    }
    return result;
}
} // namespace

Result<void> CorrelationLimits::validate() const {
    if (maxGroupsPerRule < 1)
        return makeError("max_groups_per_rule must be at least 1");
    if (maxEvidencePerGroup < 2)
        return makeError("max_evidence_per_group must be at least 2");
    if (maxGroupValueBytes < 1)
        return makeError("max_group_value_bytes must be at least 1");
    if (maxNodes < 1)
        return makeError("max_nodes must be at least 1");
    if (maxSamplesPerGroup < 2)
        return makeError("max_samples_per_group must be at least 2");
    if (maxDistinctValuesPerGroup < 1)
        return makeError("max_distinct_values_per_group must be at least 1");
    return {};
}

Result<CorrelationLimits> CorrelationLimits::fromConfig(const config::Section &section) {
    if (auto allowed = section.allowOnly({"max_groups_per_rule", "max_evidence_per_group", "max_group_value_bytes",
            "max_nodes", "max_samples_per_group", "max_distinct_values_per_group"});
        !allowed)
        return allowed.error();
    CorrelationLimits limits;
    const auto read
        = [&](std::string_view key, std::size_t &value, std::int64_t min, std::int64_t max) -> Result<void> {
        auto number = section.integer(key, static_cast<std::int64_t>(value), min, max);
        if (!number)
            return number.error();
        value = static_cast<std::size_t>(*number);
        return {};
    };
    for (auto result : {read("max_groups_per_rule", limits.maxGroupsPerRule, 1, 100'000'000),
             read("max_evidence_per_group", limits.maxEvidencePerGroup, 2, 10'000),
             read("max_group_value_bytes", limits.maxGroupValueBytes, 1, 1 << 20),
             read("max_nodes", limits.maxNodes, 1, 10'000'000),
             read("max_samples_per_group", limits.maxSamplesPerGroup, 2, 1'000'000),
             read("max_distinct_values_per_group", limits.maxDistinctValuesPerGroup, 1, 10'000'000)}) {
        if (!result)
            return result.error();
    }
    return limits;
}

CorrelationEngine::CorrelationEngine(std::vector<CorrelationRule> rules, Limits limits)
    : m_limits(limits)
    , m_clock(limits.maxNodes)
    , m_fields(std::make_unique<FieldReader>()) {
    assert(limits.validate().ok());
    const RuleOrder order = orderRules(rules);
    assert(order.cyclic.empty());
    m_runners.reserve(rules.size());
    for (const std::size_t index : order.order)
        m_runners.push_back(makeRuleRunner(std::move(rules[index]), m_limits, *m_fields));
    for (const std::size_t index : order.cyclic)
        m_runners.push_back(makeRuleRunner(std::move(rules[index]), m_limits, *m_fields));
}

Result<CorrelationEngine> CorrelationEngine::create(std::vector<CorrelationRule> rules, Limits limits) {
    if (auto valid = limits.validate(); !valid)
        return valid.error();
    std::unordered_set<std::string_view> ids;
    for (const CorrelationRule &rule : rules) {
        if (auto valid = validate(rule); !valid)
            return valid.error();
        if (!ids.insert(rule.id).second)
            return makeError("duplicate rule id '" + rule.id + "'");
    }
    if (const std::vector<ChainProblem> problems = checkChains(rules); !problems.empty())
        return makeError(problems.front().message);
    return CorrelationEngine(std::move(rules), limits);
}

std::vector<ChainProblem> CorrelationEngine::checkChains(const std::vector<CorrelationRule> &rules) {
    std::vector<ChainProblem> problems;
    const Emitters emitters = emittersOf(rules);
    for (std::size_t i = 0; i < rules.size(); ++i) {
        for (const SignalId signal : consumedSignals(rules[i])) {
            const auto it = emitters.find(signal);
            if (it == emitters.end())
                continue;
            const bool marksEvents = std::any_of(
                it->second.begin(), it->second.end(), [&](std::size_t e) { return !decidedAtWindowClose(rules[e]); });
            if (!marksEvents) {
                problems.push_back(ChainProblem {i,
                    "rule '" + rules[i].id + "' takes the result of '" + rules[it->second.front()].id
                        + "', which is decided when its window closes and so marks no event to chain on"});
                break;
            }
        }
    }
    const RuleOrder order = orderRules(rules);
    for (const std::size_t index : order.cyclic) {
        // Walk back through emitters still waiting until a rule repeats: that is a cycle.
        std::vector<std::size_t> path {index};
        std::size_t current = index;
        for (;;) {
            std::optional<std::size_t> next;
            for (const SignalId signal : consumedSignals(rules[current])) {
                const auto it = emitters.find(signal);
                if (it == emitters.end())
                    continue;
                for (const std::size_t e : it->second) {
                    if (std::find(order.cyclic.begin(), order.cyclic.end(), e) != order.cyclic.end()) {
                        next = e;
                        break;
                    }
                }
                if (next)
                    break;
            }
            assert(next);
            if (!next)
                break;
            const auto seen = static_cast<std::size_t>(std::find(path.begin(), path.end(), *next) - path.begin());
            path.push_back(*next);
            if (seen + 1 < path.size()) {
                // The path runs from consumer to emitter: the cycle, read in the direction signals flow.
                std::string text;
                for (std::size_t k = path.size(); k-- > seen;)
                    text += (text.empty() ? "" : " -> ") + rules[path[k]].id;
                problems.push_back(ChainProblem {
                    index, "rule '" + rules[index].id + "' depends on chained rules that form a cycle (" + text + ")"});
                break;
            }
            current = *next;
        }
    }
    std::stable_sort(
        problems.begin(), problems.end(), [](const ChainProblem &a, const ChainProblem &b) { return a.rule < b.rule; });
    return problems;
}

CorrelationEngine::~CorrelationEngine() = default;
CorrelationEngine::CorrelationEngine(CorrelationEngine &&) noexcept = default;
CorrelationEngine &CorrelationEngine::operator=(CorrelationEngine &&) noexcept = default;

void CorrelationEngine::process(
    const EventBatch &batch, std::span<const EventRef> refs, std::vector<Detection> &out, Repeats repeats) {
    static const SignalTable kNoSignals;
    process(batch, refs, kNoSignals, out, {}, repeats);
}

void CorrelationEngine::process(const EventBatch &batch, std::span<const EventRef> refs, const SignalTable &signalTable,
    std::vector<Detection> &out, std::span<const std::span<const FieldMapping>> fieldMappings, Repeats repeats) {
    assert(refs.size() == batch.size());
    assert(signalTable.empty() || signalTable.eventCount() == batch.size());
    for (const auto &runner : m_runners)
        runner->beginBatch(repeats);
    const std::vector<Event> &events = batch.events();
    const std::size_t count = std::min(refs.size(), events.size());
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint32_t slot = m_clock.observe(refs[i].nodeId, events[i].timestampNs);
        m_emitted.clear();
        const EventSignals carried(signalTable.of(i), m_emitted);
        m_fields->setMappings(i < fieldMappings.size() ? fieldMappings[i] : std::span<const FieldMapping>());
        for (const auto &runner : m_runners) {
            if (runner->process(events[i], refs[i], slot, carried, out) && runner->rule().emits)
                m_emitted.push_back(*runner->rule().emits);
        }
    }
    const std::size_t budget = std::max(kMinSweepBudget, kSweepPerEvent * count);
    for (const auto &runner : m_runners)
        runner->sweep(m_clock, budget, out);
}

std::vector<RuleCounters> CorrelationEngine::counters() const {
    std::vector<RuleCounters> out;
    out.reserve(m_runners.size());
    for (const auto &runner : m_runners)
        out.push_back(runner->counters());
    return out;
}

} // namespace vanopticon::analysis
