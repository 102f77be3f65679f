// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/engine/sigmaevaluator.h"

#include <algorithm>
#include <chrono>

namespace vanopticon::analysis::sigma {

double RuleStats::estimatedSeconds() const {
    if (samples == 0)
        return 0;
    return double(sampledNs) / samples * double(evaluations) / 1e9;
}

Result<std::unique_ptr<SigmaEvaluator>> SigmaEvaluator::create(
    std::shared_ptr<const CompiledRuleSet> rules, LogsourceMap logsources, std::size_t scanCacheSlots) {
    std::unique_ptr<SigmaEvaluator> evaluator(
        new SigmaEvaluator(std::move(rules), std::move(logsources), scanCacheSlots));
    if (auto ok = evaluator->m_scratch.prepare(*evaluator->m_rules->patterns); !ok)
        return ok.error();
    return evaluator;
}

SigmaEvaluator::SigmaEvaluator(
    std::shared_ptr<const CompiledRuleSet> rules, LogsourceMap logsources, std::size_t scanCacheSlots)
    : m_rules(std::move(rules))
    , m_logsources(std::move(logsources))
    , m_scanCache(scanCacheSlots)
    , m_patternHit(m_rules->patterns->patternCount(), 0)
    , m_candidateMark(m_rules->rules.size(), 0)
    , m_stats(m_rules->rules.size()) {
}

void SigmaEvaluator::nextEpoch() {
    if (++m_epoch == 0) {
        // Wrapped after 2^32 events: forget every mark so none is mistaken for this event's.
        std::fill(m_patternHit.begin(), m_patternHit.end(), 0);
        std::fill(m_candidateMark.begin(), m_candidateMark.end(), 0);
        m_epoch = 1;
    }
}

bool SigmaEvaluator::isKeywordField(FieldId id) const {
    const auto &fields = m_rules->keywordFields;
    return std::find(fields.begin(), fields.end(), id) != fields.end();
}

void SigmaEvaluator::markHit(PatternId id) {
    m_patternHit[id] = m_epoch;
    for (const std::uint32_t rule : m_rules->triggers[id]) {
        if (m_candidateMark[rule] != m_epoch) {
            m_candidateMark[rule] = m_epoch;
            m_candidates.push_back(rule);
        }
    }
}

void SigmaEvaluator::scanField(std::uint32_t field, std::string_view value) {
    ++m_totals.fieldsScanned;
    // Keyword text (messages, raw lines) is long and nearly always new: never cached.
    const bool cacheable = m_scanCache.enabled() && field != PatternIndex::kKeywordField && ScanCache::cacheable(value);
    if (cacheable) {
        if (const std::vector<PatternId> *hits = m_scanCache.find(field, value)) {
            ++m_totals.scansCached;
            for (const PatternId id : *hits)
                markHit(id);
            return;
        }
    }
    m_scanHits.clear();
    const auto onHit = [this](PatternId id) {
        m_scanHits.push_back(id);
        markHit(id);
    };
    if (!m_rules->patterns->scan(field, value, m_scratch.get(), onHit)) {
        ++m_totals.scanFailures;
        return; // what a failed scan found is incomplete: not remembered
    }
    if (cacheable)
        m_scanCache.store(field, value, m_scanHits);
}

const SigmaEvaluator::LogsourcePlan &SigmaEvaluator::plan(LogsourceId id) {
    if (id >= m_plans.size())
        m_plans.resize(std::size_t(id) + 1);
    LogsourcePlan &plan = m_plans[id];
    if (plan.ready)
        return plan;
    const auto &groups = m_rules->logsources;
    plan.appliesToGroup.resize(groups.size());
    for (std::size_t group = 0; group < groups.size(); ++group)
        plan.appliesToGroup[group] = m_logsources.ruleApplies(groups[group], id) ? 1 : 0;
    const PatternIndex &patterns = *m_rules->patterns;
    for (const CompiledRule &rule : m_rules->rules) {
        if (!plan.appliesToGroup[rule.logsourceGroup])
            continue;
        for (const CompiledItem &item : rule.items) {
            for (const PatternId pattern : item.patterns) {
                if (pattern == kNoPattern)
                    continue;
                const std::uint32_t field = patterns.fieldOf(pattern);
                if (field == PatternIndex::kKeywordField) {
                    plan.scanKeywords = true;
                    continue;
                }
                if (field >= plan.scanField.size())
                    plan.scanField.resize(std::size_t(field) + 1);
                plan.scanField[field] = 1;
            }
        }
    }
    plan.fieldMappings = m_logsources.set(id).fieldMappings;
    plan.ready = true;
    return plan;
}

void SigmaEvaluator::evaluate(const EventBatch &batch, std::vector<RuleMatch> &out) {
    const auto &events = batch.events();
    m_eventLogsources.resize(events.size());
    for (std::size_t i = 0; i < events.size(); ++i)
        evaluate(events[i], static_cast<std::uint32_t>(i), out);
}

std::span<const FieldMapping> SigmaEvaluator::fieldMappings(std::uint32_t event) const {
    if (event >= m_eventLogsources.size())
        return {};
    const LogsourceId id = m_eventLogsources[event];
    return id < m_plans.size() ? std::span<const FieldMapping>(m_plans[id].fieldMappings)
                               : std::span<const FieldMapping>();
}

void SigmaEvaluator::evaluate(const Event &event, std::uint32_t eventIndex, std::vector<RuleMatch> &out) {
    ++m_totals.events;
    nextEpoch();
    m_candidates.clear();
    const LogsourceId logsource = m_logsources.resolve(event);
    if (eventIndex < m_eventLogsources.size())
        m_eventLogsources[eventIndex] = logsource;
    const LogsourcePlan &logsourcePlan = plan(logsource);
    m_plan = &logsourcePlan;
    m_fields.setMappings(logsourcePlan.fieldMappings);
    const std::vector<std::uint8_t> &applies = logsourcePlan.appliesToGroup;
    for (const Field &field : event.fields()) {
        if (logsourcePlan.scans(field.id))
            scanField(field.id, field.value);
        if (logsourcePlan.scanKeywords && isKeywordField(field.id))
            scanField(PatternIndex::kKeywordField, field.value);
        if (!logsourcePlan.fieldMappings.empty())
            scanMappedFields(event, field);
    }
    m_totals.candidates += m_candidates.size();
    // Always-evaluated rules join the candidates; rule order makes the output deterministic.
    for (const std::uint32_t rule : m_rules->alwaysEvaluated) {
        if (m_candidateMark[rule] != m_epoch && applies[m_rules->rules[rule].logsourceGroup]) {
            m_candidateMark[rule] = m_epoch;
            m_candidates.push_back(rule);
            ++m_totals.alwaysEvaluated;
        }
    }
    std::sort(m_candidates.begin(), m_candidates.end());
    for (const std::uint32_t rule : m_candidates) {
        if (!applies[m_rules->rules[rule].logsourceGroup]) {
            ++m_totals.notApplicable;
            continue;
        }
        if (evaluateRule(rule, event)) {
            out.push_back(RuleMatch {eventIndex, rule});
            ++m_totals.matches;
        }
    }
}

// The value of a mapped event field is scanned as the rule field's, unless the event has that
// field itself.
void SigmaEvaluator::scanMappedFields(const Event &event, const Field &field) {
    for (const FieldMapping &mapping : m_plan->fieldMappings) {
        if (mapping.eventField == field.id && m_plan->scans(mapping.ruleField) && !event.has(mapping.ruleField))
            scanField(mapping.ruleField, field.value);
    }
}

bool SigmaEvaluator::evaluateRule(std::uint32_t index, const Event &event) {
    const CompiledRule &rule = m_rules->rules[index];
    RuleStats &stats = m_stats[index];
    const bool sampled = stats.evaluations++ % RuleStats::kSampleEvery == 0;
    const auto started = sampled ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
    const bool matched = evaluateStep(rule, static_cast<std::uint32_t>(rule.condition.size() - 1), event);
    if (sampled) {
        stats.sampledNs += static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started).count());
        ++stats.samples;
    }
    stats.matches += matched ? 1 : 0;
    return matched;
}

bool SigmaEvaluator::evaluateStep(const CompiledRule &rule, std::uint32_t index, const Event &event) {
    const ConditionStep &step = rule.condition[index];
    switch (step.kind) {
    case ConditionStep::Kind::Search:
        return evaluateSearch(rule, rule.searches[step.search], event);
    case ConditionStep::Kind::Not:
        return !evaluateStep(rule, step.children.front(), event);
    case ConditionStep::Kind::And:
        return std::all_of(step.children.begin(), step.children.end(),
            [&](std::uint32_t child) { return evaluateStep(rule, child, event); });
    case ConditionStep::Kind::Or:
        return std::any_of(step.children.begin(), step.children.end(),
            [&](std::uint32_t child) { return evaluateStep(rule, child, event); });
    }
    return false;
}

bool SigmaEvaluator::evaluateSearch(const CompiledRule &rule, const CompiledSearch &search, const Event &event) {
    return std::any_of(
        search.alternatives.begin(), search.alternatives.end(), [&](const std::vector<std::uint32_t> &items) {
            return std::all_of(
                items.begin(), items.end(), [&](std::uint32_t item) { return evaluateItem(rule.items[item], event); });
        });
}

bool SigmaEvaluator::evaluateItem(const CompiledItem &item, const Event &event) {
    const ItemMatcher &matcher = item.matcher;
    const std::optional<std::string_view> fieldValue
        = matcher.field ? m_fields.lookup(event, *matcher.field) : std::optional<std::string_view>();
    bool result = matcher.all;
    for (std::size_t i = 0; i < matcher.values.size(); ++i) {
        const bool holds = valueHolds(item, i, fieldValue, event);
        if (matcher.all && !holds) {
            result = false;
            break;
        }
        if (!matcher.all && holds) {
            result = true;
            break;
        }
    }
    if (matcher.values.empty())
        result = false; // an empty list matches nothing, `all` or not
    return matcher.negate ? !result : result;
}

bool SigmaEvaluator::valueHolds(
    const CompiledItem &item, std::size_t value, std::optional<std::string_view> fieldValue, const Event &event) const {
    const ValueMatcher &matcher = item.matcher.values[value];
    const PatternId id = item.patterns[value];
    const bool keyword = !item.matcher.field;
    if (id != kNoPattern) {
        if (m_patternHit[id] != m_epoch)
            return false; // exact for globs, a superset for regexes: no hit, no match
        if (!m_rules->patterns->needsConfirmation(id))
            return true;
    }
    if (!keyword) {
        if (const auto *ref = std::get_if<FieldRefMatch>(&matcher))
            return matchesFieldRef(*ref, fieldValue, m_fields.lookup(event, ref->other));
        return matchesValue(matcher, fieldValue, event);
    }
    for (const FieldId field : m_rules->keywordFields) {
        if (const auto text = event.lookup(field); text && matchesValue(matcher, text, event))
            return true;
    }
    return false;
}

} // namespace vanopticon::analysis::sigma
