// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "shared/event/fieldid.h"
#include "shared/event/severity.h"
#include "shared/expr/expression.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::analysis {

// Named after Sigma's correlation types, so Sigma correlation rules can later be compiled onto
// the same engine.
enum class CorrelationType { EventCount, TemporalOrdered };

std::string_view toString(CorrelationType type); // "event_count", "temporal_ordered"

struct CorrelationStep {
    expr::Expression filter;
    std::uint32_t minCount = 1;
};

// A validated correlation rule (the loader's output, the engine's input).
struct CorrelationRule {
    std::string id;
    std::string title;
    std::string description;
    CorrelationType type = CorrelationType::EventCount;
    Severity severity = Severity::Medium;
    double confidence = 1.0;
    // event_count: what is counted. temporal_ordered: an optional condition every step's events
    // must also meet. An empty expression matches everything.
    expr::Expression filter;
    std::vector<FieldId> groupBy;
    std::chrono::milliseconds window {0};
    std::uint32_t threshold = 1; // event_count: fires when the count within the window reaches it
    std::vector<CorrelationStep> steps; // temporal_ordered: in order, all within the window
    std::vector<std::string> tags;
    std::string source; // "file:line:column" of the rule, for messages
};

// Bounds the loader enforces; they also bound the engine's memory per group.
namespace ruleLimits {
inline constexpr std::size_t kMaxIdLength = 128;
inline constexpr std::size_t kMaxTitleLength = 256;
inline constexpr std::size_t kMaxDescriptionLength = 4096;
inline constexpr std::size_t kMaxGroupBy = 8;
inline constexpr std::size_t kMaxTags = 64;
inline constexpr std::size_t kMaxSteps = 16;
inline constexpr std::uint32_t kMaxThreshold = 10'000;
inline constexpr std::uint32_t kMaxMinCount = 1'000;
inline constexpr std::chrono::milliseconds kMaxWindow = std::chrono::hours(24 * 30);
} // namespace ruleLimits

// The checks that do not depend on where a rule came from (the loader adds the YAML ones).
// The message names the rule; the loader adds the file and line.
Result<void> validate(const CorrelationRule &rule);

// "250ms", "60s", "5m", "1h", "2d": the largest unit that divides the duration exactly
// (seconds up to a minute, as rules usually write them).
std::string formatDuration(std::chrono::milliseconds duration);

} // namespace vanopticon::analysis
