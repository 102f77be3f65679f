// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/correlationrule.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace vanopticon::analysis {

namespace {

bool countsSomething(CorrelationType type) {
    return type == CorrelationType::EventCount || type == CorrelationType::ValueCount
        || type == CorrelationType::Temporal;
}

bool hasSteps(CorrelationType type) {
    return type == CorrelationType::Temporal || type == CorrelationType::TemporalOrdered;
}

// "an event_count rule", "a value_sum rule"
std::string aRule(CorrelationType type) {
    const std::string_view name = toString(type);
    return std::string(name.starts_with('e') ? "an " : "a ") + std::string(name) + " rule";
}

template<typename T> bool hasDuplicates(const std::vector<T> &values) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (std::find(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(i), values[i])
            != values.begin() + static_cast<std::ptrdiff_t>(i))
            return true;
    }
    return false;
}

Result<void> validateConditions(const CorrelationRule &rule) {
    if (rule.conditions.size() > ruleLimits::kMaxConditions)
        return makeError("takes at most " + std::to_string(ruleLimits::kMaxConditions) + " conditions");
    for (const RuleCondition &condition : rule.conditions) {
        if (!std::isfinite(condition.value))
            return makeError("a condition's value must be a finite number");
        if (countsSomething(rule.type)
            && (condition.value < 0 || condition.value > static_cast<double>(ruleLimits::kMaxThreshold)))
            return makeError(
                "a count condition's value must be between 0 and " + std::to_string(ruleLimits::kMaxThreshold));
        if (rule.type == CorrelationType::ValuePercentile && (condition.value < 0 || condition.value > 100))
            return makeError("a percentile condition's value must be between 0 and 100");
    }
    return {};
}

Result<void> validateKind(const CorrelationRule &rule) {
    const bool steps = hasSteps(rule.type);
    if (!steps && !rule.steps.empty())
        return makeError(aRule(rule.type) + " has no steps");
    if (steps && !rule.signalIds.empty())
        return makeError(aRule(rule.type) + " takes its signals in its steps");
    const bool values = rule.type == CorrelationType::ValueCount || rule.type == CorrelationType::ValueSum
        || rule.type == CorrelationType::ValueAvg || rule.type == CorrelationType::ValuePercentile;
    if (!values && !rule.valueFields.empty())
        return makeError(aRule(rule.type) + " has no value field");
    if (values) {
        if (rule.valueFields.empty())
            return makeError(aRule(rule.type) + " needs a value field");
        if (rule.valueFields.size() > ruleLimits::kMaxGroupBy)
            return makeError("takes at most " + std::to_string(ruleLimits::kMaxGroupBy) + " value fields");
        if ((rule.type == CorrelationType::ValueSum || rule.type == CorrelationType::ValueAvg)
            && rule.valueFields.size() != 1)
            return makeError(aRule(rule.type) + " takes exactly one value field");
        if (hasDuplicates(rule.valueFields))
            return makeError("names a value field twice");
        if (rule.conditions.empty())
            return makeError(aRule(rule.type) + " needs a condition");
    }
    switch (rule.type) {
    case CorrelationType::EventCount:
        if (rule.conditions.empty() && (rule.threshold < 1 || rule.threshold > ruleLimits::kMaxThreshold))
            return makeError("threshold must be between 1 and " + std::to_string(ruleLimits::kMaxThreshold));
        break;
    case CorrelationType::TemporalOrdered:
    case CorrelationType::Temporal: {
        const bool ordered = rule.type == CorrelationType::TemporalOrdered;
        if (rule.steps.size() < 2 || rule.steps.size() > ruleLimits::kMaxSteps)
            return makeError(
                aRule(rule.type) + " needs between 2 and " + std::to_string(ruleLimits::kMaxSteps) + " steps");
        for (const CorrelationStep &step : rule.steps) {
            if (step.minCount < 1 || step.minCount > ruleLimits::kMaxMinCount)
                return makeError("min_count must be between 1 and " + std::to_string(ruleLimits::kMaxMinCount));
            if (!ordered && step.minCount != 1)
                return makeError("a temporal rule's steps take one event each (min_count 1)");
            if (step.signalIds.size() > ruleLimits::kMaxSignals)
                return makeError("a step takes at most " + std::to_string(ruleLimits::kMaxSignals) + " signals");
            if (step.label.size() > ruleLimits::kMaxLabelLength)
                return makeError("a step's label is longer than " + std::to_string(ruleLimits::kMaxLabelLength));
        }
        if (ordered && !rule.conditions.empty())
            return makeError("a temporal_ordered rule takes no conditions (all its steps must happen in order)");
        if (!ordered && !decidedAtWindowClose(rule) && requiredCount(rule) > rule.steps.size())
            return makeError("the condition asks for more distinct steps than the rule has");
        break;
    }
    case CorrelationType::ValueCount:
    case CorrelationType::ValueSum:
    case CorrelationType::ValueAvg:
    case CorrelationType::ValuePercentile:
        break;
    }
    return {};
}

Result<void> validateSignals(const CorrelationRule &rule) {
    if (rule.signalIds.size() > ruleLimits::kMaxSignals)
        return makeError("takes at most " + std::to_string(ruleLimits::kMaxSignals) + " signals");
    const auto takes = [&](SignalId signal) {
        if (std::find(rule.signalIds.begin(), rule.signalIds.end(), signal) != rule.signalIds.end())
            return true;
        return std::any_of(rule.steps.begin(), rule.steps.end(), [&](const CorrelationStep &step) {
            return std::find(step.signalIds.begin(), step.signalIds.end(), signal) != step.signalIds.end();
        });
    };
    for (std::size_t i = 0; i < rule.aliases.size(); ++i) {
        const SignalFields &alias = rule.aliases[i];
        const std::string name = "signal " + std::to_string(alias.signal);
        if (!takes(alias.signal))
            return makeError("has group_by fields for " + name + ", which it does not take");
        for (std::size_t j = 0; j < i; ++j) {
            if (rule.aliases[j].signal == alias.signal)
                return makeError("has group_by fields for " + name + " twice");
        }
        if (alias.fields.size() != rule.groupBy.size())
            return makeError("the group_by fields for " + name + " must be as many as group_by's");
    }
    if (rule.emits && takes(*rule.emits))
        return makeError("takes the signal it emits (signal " + std::to_string(*rule.emits) + ")");
    if (rule.label.size() > ruleLimits::kMaxLabelLength)
        return makeError("its label is longer than " + std::to_string(ruleLimits::kMaxLabelLength));
    return {};
}

} // namespace

std::string_view toString(CorrelationType type) {
    switch (type) {
    case CorrelationType::EventCount:
        return "event_count";
    case CorrelationType::TemporalOrdered:
        return "temporal_ordered";
    case CorrelationType::ValueCount:
        return "value_count";
    case CorrelationType::Temporal:
        return "temporal";
    case CorrelationType::ValueSum:
        return "value_sum";
    case CorrelationType::ValueAvg:
        return "value_avg";
    case CorrelationType::ValuePercentile:
        return "value_percentile";
    }
    return "event_count";
}

std::string_view toString(CompareOp op) {
    static constexpr std::array<std::string_view, 6> kNames = {">", ">=", "<", "<=", "==", "!="};
    return kNames[static_cast<std::size_t>(op)];
}

bool isUpperBound(CompareOp op) {
    return op != CompareOp::Gt && op != CompareOp::Gte;
}

bool conditionsHold(std::span<const RuleCondition> conditions, double quantity) {
    for (const RuleCondition &condition : conditions) {
        bool holds = false;
        switch (condition.op) {
        case CompareOp::Gt:
            holds = quantity > condition.value;
            break;
        case CompareOp::Gte:
            holds = quantity >= condition.value;
            break;
        case CompareOp::Lt:
            holds = quantity < condition.value;
            break;
        case CompareOp::Lte:
            holds = quantity <= condition.value;
            break;
        case CompareOp::Eq:
            holds = quantity == condition.value;
            break;
        case CompareOp::Neq:
            holds = quantity != condition.value;
            break;
        }
        if (!holds)
            return false;
    }
    return true;
}

std::string conditionText(std::span<const RuleCondition> conditions, std::string_view quantity) {
    std::string text;
    for (const RuleCondition &condition : conditions) {
        if (!text.empty())
            text += " and ";
        text += std::string(quantity) + " " + std::string(toString(condition.op)) + " " + formatNumber(condition.value);
    }
    return text;
}

std::string formatNumber(double value) {
    // Whole numbers as integers: to_chars' shortest form would write 1000000 as 1e+06.
    if (std::isfinite(value) && value == std::trunc(value) && std::abs(value) < 1e15)
        return std::to_string(static_cast<std::int64_t>(value));
    std::array<char, 32> buffer {};
    const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    if (error != std::errc())
        return "?";
    return std::string(buffer.data(), end);
}

Result<void> validate(const CorrelationRule &rule) {
    const auto fail = [&](const std::string &message) { return makeError("rule '" + rule.id + "': " + message); };
    if (rule.id.empty())
        return makeError("a rule needs an id");
    if (rule.title.empty())
        return fail("needs a title");
    if (!(rule.confidence >= 0.0 && rule.confidence <= 1.0))
        return fail("confidence must be between 0 and 1");
    if (rule.window <= std::chrono::milliseconds::zero())
        return fail("window must be greater than zero");
    if (rule.window > ruleLimits::kMaxWindow)
        return fail("window must be at most " + formatDuration(ruleLimits::kMaxWindow));
    if (rule.groupBy.empty())
        return fail("group_by needs at least one field");
    if (rule.groupBy.size() > ruleLimits::kMaxGroupBy)
        return fail("group_by takes at most " + std::to_string(ruleLimits::kMaxGroupBy) + " fields");
    for (std::size_t i = 0; i < rule.groupBy.size(); ++i) {
        if (std::find(rule.groupBy.begin(), rule.groupBy.begin() + static_cast<std::ptrdiff_t>(i), rule.groupBy[i])
            != rule.groupBy.begin() + static_cast<std::ptrdiff_t>(i))
            return fail("group_by names '" + std::string(fieldName(rule.groupBy[i])) + "' twice");
    }
    for (auto check : {validateConditions, validateKind, validateSignals}) {
        if (auto valid = check(rule); !valid)
            return fail(valid.error().message);
    }
    return {};
}

bool decidedAtWindowClose(const CorrelationRule &rule) {
    if (rule.type == CorrelationType::ValuePercentile)
        return true;
    return std::any_of(
        rule.conditions.begin(), rule.conditions.end(), [](const RuleCondition &c) { return isUpperBound(c.op); });
}

std::uint32_t requiredCount(const CorrelationRule &rule) {
    if (rule.conditions.empty()) {
        if (rule.type == CorrelationType::EventCount)
            return rule.threshold;
        return static_cast<std::uint32_t>(std::max<std::size_t>(rule.steps.size(), 1));
    }
    // Counts are whole numbers: "> 2.5" needs 3, ">= 2.5" needs 3, "> 3" needs 4.
    double required = 1;
    for (const RuleCondition &condition : rule.conditions) {
        if (condition.op == CompareOp::Gt)
            required = std::max(required, std::floor(condition.value) + 1);
        else if (condition.op == CompareOp::Gte)
            required = std::max(required, std::ceil(condition.value));
    }
    return static_cast<std::uint32_t>(std::min(required, static_cast<double>(ruleLimits::kMaxThreshold + 1)));
}

std::string formatDuration(std::chrono::milliseconds duration) {
    const std::int64_t ms = duration.count();
    if (ms % 1000 != 0)
        return std::to_string(ms) + "ms";
    const std::int64_t seconds = ms / 1000;
    if (seconds != 0 && seconds % 86'400 == 0)
        return std::to_string(seconds / 86'400) + "d";
    if (seconds != 0 && seconds % 3'600 == 0)
        return std::to_string(seconds / 3'600) + "h";
    if (seconds > 60 && seconds % 60 == 0)
        return std::to_string(seconds / 60) + "m";
    return std::to_string(seconds) + "s";
}

} // namespace vanopticon::analysis
