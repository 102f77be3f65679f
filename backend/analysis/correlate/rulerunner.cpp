// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/rulerunner.h"

#include "analysis/correlate/closingwindowrunner.h"
#include "analysis/correlate/eventcountrunner.h"
#include "analysis/correlate/sequencerunner.h"
#include "analysis/correlate/temporalrunner.h"
#include "analysis/correlate/valueaggregaterunner.h"
#include "analysis/correlate/valuecountrunner.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstring>

namespace vanopticon::analysis {

namespace {

bool hasSteps(CorrelationType type) {
    return type == CorrelationType::Temporal || type == CorrelationType::TemporalOrdered;
}

// Length-prefixed, so no value can imitate a boundary between two values.
void appendPart(std::string &key, std::string_view value) {
    const auto size = static_cast<std::uint32_t>(value.size());
    key.append(reinterpret_cast<const char *>(&size), sizeof size);
    key.append(value);
}

} // namespace

RuleRunner::RuleRunner(CorrelationRule rule, const CorrelationLimits &limits, const FieldReader &fields)
    : m_rule(std::move(rule))
    , m_fields(fields)
    , m_windowNs(std::chrono::duration_cast<std::chrono::nanoseconds>(m_rule.window).count())
    , m_maxGroupValueBytes(limits.maxGroupValueBytes) {
    assert(validate(m_rule).ok());
    m_counters.ruleId = m_rule.id;

    m_views.push_back(m_rule.groupBy);
    const auto viewOf = [&](SignalId signal) -> std::uint32_t {
        const auto alias = std::find_if(m_rule.aliases.begin(), m_rule.aliases.end(),
            [signal](const SignalFields &a) { return a.signal == signal; });
        if (alias == m_rule.aliases.end())
            return 0;
        const auto view = std::find(m_views.begin(), m_views.end(), alias->fields);
        if (view != m_views.end())
            return static_cast<std::uint32_t>(view - m_views.begin());
        m_views.push_back(alias->fields);
        return static_cast<std::uint32_t>(m_views.size() - 1);
    };
    if (hasSteps(m_rule.type)) {
        for (std::size_t k = 0; k < m_rule.steps.size(); ++k) {
            const CorrelationStep &step = m_rule.steps[k];
            const std::uint32_t bit = 1u << k;
            if (step.signalIds.empty()) {
                m_filterSteps |= bit;
                continue;
            }
            for (const SignalId signal : step.signalIds)
                m_routes.push_back(Route {signal, viewOf(signal), bit});
            if (!step.filter.matchesEverything())
                m_stepFilters |= bit;
        }
    } else {
        m_takesBySignal = !m_rule.signalIds.empty();
        for (const SignalId signal : m_rule.signalIds)
            m_routes.push_back(Route {signal, viewOf(signal), 1});
    }
    std::sort(m_routes.begin(), m_routes.end(), [](const Route &a, const Route &b) { return a.signal < b.signal; });
    // One signal in several steps: one route with all of them.
    std::vector<Route> merged;
    for (const Route &route : m_routes) {
        if (!merged.empty() && merged.back().signal == route.signal)
            merged.back().stepMask |= route.stepMask;
        else
            merged.push_back(route);
    }
    m_routes = std::move(merged);
    m_viewMasks.assign(m_views.size(), 0);
    m_keys.resize(m_views.size());
}

RuleCounters RuleRunner::counters() const {
    RuleCounters counters = m_counters;
    counters.groupsLive = groupCount();
    return counters;
}

std::span<const RuleRunner::Routed> RuleRunner::route(const Event &event, const EventSignals &carried) {
    m_routed.clear();
    std::fill(m_viewMasks.begin(), m_viewMasks.end(), 0u);
    const auto fromSignals = [&] {
        if (m_routes.empty() || carried.empty())
            return;
        carried.forEach([&](SignalId id) {
            const auto it = std::lower_bound(
                m_routes.begin(), m_routes.end(), id, [](const Route &r, SignalId s) { return r.signal < s; });
            if (it != m_routes.end() && it->signal == id)
                m_viewMasks[it->view] |= it->stepMask;
        });
    };
    const auto none = [&] {
        return std::all_of(m_viewMasks.begin(), m_viewMasks.end(), [](std::uint32_t mask) { return mask == 0; });
    };
    if (!hasSteps(m_rule.type)) {
        if (m_takesBySignal)
            fromSignals();
        else
            m_viewMasks[0] = 1;
        if (none())
            return {};
    } else {
        fromSignals();
        if (m_stepFilters != 0 && !none()) {
            std::uint32_t failed = 0;
            for (std::size_t k = 0; k < m_rule.steps.size(); ++k) {
                if ((m_stepFilters & (1u << k)) != 0 && !m_rule.steps[k].filter.matches(event))
                    failed |= 1u << k;
            }
            for (std::uint32_t &mask : m_viewMasks)
                mask &= ~failed;
        }
        for (std::size_t k = 0; k < m_rule.steps.size(); ++k) {
            if ((m_filterSteps & (1u << k)) != 0 && m_rule.steps[k].filter.matches(event))
                m_viewMasks[0] |= 1u << k;
        }
        if (none())
            return {};
    }
    if (!m_rule.filter.matchesEverything() && !m_rule.filter.matches(event))
        return {};
    ++m_counters.eventsMatched;

    for (std::size_t view = 0; view < m_views.size(); ++view) {
        const std::uint32_t mask = m_viewMasks[view];
        if (mask == 0)
            continue;
        std::string &key = m_keys[view];
        if (!appendKey(event, m_views[view], key))
            continue;
        // Two aliases can read the same values: the event belongs to that group once.
        const auto same = std::find_if(
            m_routed.begin(), m_routed.end(), [&](const Routed &r) { return r.key == std::string_view(key); });
        if (same != m_routed.end())
            same->stepMask |= mask;
        else
            m_routed.push_back(Routed {key, mask});
    }
    return m_routed;
}

bool RuleRunner::appendKey(const Event &event, std::span<const FieldId> fields, std::string &key) {
    key.clear();
    for (const FieldId id : fields) {
        const std::optional<std::string_view> value = m_fields.lookup(event, id);
        if (!value || value->empty()) {
            ++m_counters.eventsWithoutGroup;
            return false;
        }
        if (value->size() > m_maxGroupValueBytes) {
            ++m_counters.eventsGroupTooLong;
            return false;
        }
        appendPart(key, *value);
    }
    return true;
}

bool RuleRunner::buildValue(const Event &event) {
    m_value.clear();
    for (const FieldId id : m_rule.valueFields) {
        const std::optional<std::string_view> value = m_fields.lookup(event, id);
        if (!value || value->empty() || value->size() > m_maxGroupValueBytes) {
            ++m_counters.eventsWithoutValue;
            return false;
        }
        appendPart(m_value, *value);
    }
    return true;
}

std::optional<double> RuleRunner::numericValue(const Event &event) {
    assert(m_rule.valueFields.size() == 1);
    std::string_view text = m_fields.lookup(event, m_rule.valueFields.front()).value_or(std::string_view());
    if (text.starts_with('+'))
        text.remove_prefix(1);
    double number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || !std::isfinite(number)) {
        ++m_counters.eventsWithoutValue;
        return std::nullopt;
    }
    return number;
}

std::vector<std::pair<std::string, std::string>> RuleRunner::decodeKey(
    std::string_view key, std::span<const FieldId> fields) {
    std::vector<std::pair<std::string, std::string>> pairs;
    pairs.reserve(fields.size());
    for (const FieldId id : fields) {
        std::uint32_t size = 0;
        assert(key.size() >= sizeof size);
        std::memcpy(&size, key.data(), sizeof size);
        key.remove_prefix(sizeof size);
        assert(key.size() >= size);
        pairs.emplace_back(std::string(fieldName(id)), std::string(key.substr(0, size)));
        key.remove_prefix(size);
    }
    return pairs;
}

Detection RuleRunner::makeDetection(std::string_view key, std::string_view nodeId) const {
    Detection detection;
    detection.ruleId = m_rule.id;
    detection.title = m_rule.title;
    detection.description = m_rule.description;
    detection.kind = DetectionKind::Signature;
    detection.severity = m_rule.severity;
    detection.confidence = m_rule.confidence;
    detection.group = decodeKey(key, m_rule.groupBy);
    detection.nodeId = std::string(nodeId);
    return detection;
}

std::string RuleRunner::describeGroup(const Detection &detection) {
    std::string text;
    for (const auto &[name, value] : detection.group) {
        if (!text.empty())
            text += ", ";
        text += name + " " + value;
    }
    return text;
}

namespace {

// The label; else "signal 4, 7" for what is taken by signal only; else the filter.
std::string describeTaken(
    const std::string &label, const std::vector<SignalId> &signalIds, const expr::Expression &filter) {
    if (!label.empty())
        return label;
    if (signalIds.empty() || !filter.matchesEverything())
        return filter.toString();
    std::string text = signalIds.size() == 1 ? "signal " : "signals ";
    for (std::size_t i = 0; i < signalIds.size(); ++i)
        text += (i == 0 ? "" : ", ") + std::to_string(signalIds[i]);
    return text;
}

} // namespace

std::string RuleRunner::takesText() const {
    return describeTaken(m_rule.label, m_rule.signalIds, m_rule.filter);
}

std::string RuleRunner::stepText(const CorrelationStep &step) {
    return describeTaken(step.label, step.signalIds, step.filter);
}

std::string RuleRunner::valueFieldsText() const {
    std::string text;
    for (const FieldId id : m_rule.valueFields) {
        if (!text.empty())
            text += " and ";
        text += fieldName(id);
    }
    return text;
}

std::unique_ptr<RuleRunner> makeRuleRunner(
    CorrelationRule rule, const CorrelationLimits &limits, const FieldReader &fields) {
    if (decidedAtWindowClose(rule))
        return std::make_unique<ClosingWindowRunner>(std::move(rule), limits, fields);
    switch (rule.type) {
    case CorrelationType::EventCount:
        return std::make_unique<EventCountRunner>(std::move(rule), limits, fields);
    case CorrelationType::TemporalOrdered:
        return std::make_unique<SequenceRunner>(std::move(rule), limits, fields);
    case CorrelationType::ValueCount:
        return std::make_unique<ValueCountRunner>(std::move(rule), limits, fields);
    case CorrelationType::Temporal:
        return std::make_unique<TemporalRunner>(std::move(rule), limits, fields);
    case CorrelationType::ValueSum:
    case CorrelationType::ValueAvg:
        return std::make_unique<ValueAggregateRunner>(std::move(rule), limits, fields);
    case CorrelationType::ValuePercentile:
        break; // always decided at window close
    }
    assert(false);
    return nullptr;
}

} // namespace vanopticon::analysis
