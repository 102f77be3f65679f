// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/correlationengine.h"

#include "analysis/correlate/rulerunner.h"
#include "shared/config/section.h"

#include <algorithm>
#include <cassert>
#include <unordered_set>

namespace vanopticon::analysis {

namespace {
// Sweeping looks at a few groups per event, so its cost follows the input, never the table size.
constexpr std::size_t kMinSweepBudget = 64;
constexpr std::size_t kSweepPerEvent = 2;
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
    return {};
}

Result<CorrelationLimits> CorrelationLimits::fromConfig(const config::Section &section) {
    if (auto allowed
        = section.allowOnly({"max_groups_per_rule", "max_evidence_per_group", "max_group_value_bytes", "max_nodes"});
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
             read("max_nodes", limits.maxNodes, 1, 10'000'000)}) {
        if (!result)
            return result.error();
    }
    return limits;
}

CorrelationEngine::CorrelationEngine(std::vector<CorrelationRule> rules, Limits limits)
    : m_limits(limits)
    , m_clock(limits.maxNodes) {
    assert(limits.validate().ok());
    m_runners.reserve(rules.size());
    for (CorrelationRule &rule : rules)
        m_runners.push_back(makeRuleRunner(std::move(rule), m_limits));
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
    return CorrelationEngine(std::move(rules), limits);
}

CorrelationEngine::~CorrelationEngine() = default;
CorrelationEngine::CorrelationEngine(CorrelationEngine &&) noexcept = default;
CorrelationEngine &CorrelationEngine::operator=(CorrelationEngine &&) noexcept = default;

void CorrelationEngine::process(const EventBatch &batch, std::span<const EventRef> refs, std::vector<Detection> &out) {
    assert(refs.size() == batch.size());
    const std::vector<Event> &events = batch.events();
    const std::size_t count = std::min(refs.size(), events.size());
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint32_t slot = m_clock.observe(refs[i].nodeId, events[i].timestampNs);
        for (const auto &runner : m_runners)
            runner->process(events[i], refs[i], slot, out);
    }
    const std::size_t budget = std::max(kMinSweepBudget, kSweepPerEvent * count);
    for (const auto &runner : m_runners)
        runner->sweep(m_clock, budget);
}

std::vector<RuleCounters> CorrelationEngine::counters() const {
    std::vector<RuleCounters> out;
    out.reserve(m_runners.size());
    for (const auto &runner : m_runners)
        out.push_back(runner->counters());
    return out;
}

} // namespace vanopticon::analysis
