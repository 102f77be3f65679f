// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/correlationrule.h"

#include <algorithm>

namespace vanopticon::analysis {

std::string_view toString(CorrelationType type) {
    switch (type) {
    case CorrelationType::EventCount:
        return "event_count";
    case CorrelationType::TemporalOrdered:
        return "temporal_ordered";
    }
    return "event_count";
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
    switch (rule.type) {
    case CorrelationType::EventCount:
        if (rule.threshold < 1 || rule.threshold > ruleLimits::kMaxThreshold)
            return fail("threshold must be between 1 and " + std::to_string(ruleLimits::kMaxThreshold));
        if (!rule.steps.empty())
            return fail("an event_count rule has no steps");
        break;
    case CorrelationType::TemporalOrdered:
        if (rule.steps.size() < 2 || rule.steps.size() > ruleLimits::kMaxSteps)
            return fail(
                "a temporal_ordered rule needs between 2 and " + std::to_string(ruleLimits::kMaxSteps) + " steps");
        for (const CorrelationStep &step : rule.steps) {
            if (step.minCount < 1 || step.minCount > ruleLimits::kMaxMinCount)
                return fail("min_count must be between 1 and " + std::to_string(ruleLimits::kMaxMinCount));
        }
        break;
    }
    return {};
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
