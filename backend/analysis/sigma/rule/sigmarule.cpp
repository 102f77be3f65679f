// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/rule/sigmarule.h"

#include <algorithm>
#include <array>
#include <utility>

namespace vanopticon::analysis::sigma {

namespace {

// Indexed by the enum's value; the spelling rules use.
constexpr std::array<std::string_view, 30> kModifierNames = {
    "contains",
    "startswith",
    "endswith",
    "all",
    "exists",
    "cased",
    "neq",
    "windash",
    "re",
    "i",
    "m",
    "s",
    "base64",
    "base64offset",
    "utf16le",
    "utf16be",
    "utf16",
    "lt",
    "lte",
    "gt",
    "gte",
    "minute",
    "hour",
    "day",
    "week",
    "month",
    "year",
    "cidr",
    "expand",
    "fieldref",
};
static_assert(static_cast<std::size_t>(Modifier::Fieldref) + 1 == kModifierNames.size());

constexpr std::array<std::string_view, 7> kCorrelationKindNames = {
    "event_count",
    "value_count",
    "temporal",
    "temporal_ordered",
    "value_sum",
    "value_avg",
    "value_percentile",
};
static_assert(static_cast<std::size_t>(CorrelationKind::ValuePercentile) + 1 == kCorrelationKindNames.size());

constexpr std::array<std::string_view, 6> kComparisonNames = {"gt", "gte", "lt", "lte", "eq", "neq"};
static_assert(static_cast<std::size_t>(Comparison::Neq) + 1 == kComparisonNames.size());

template<typename Enum, std::size_t N>
std::optional<Enum> lookup(const std::array<std::string_view, N> &names, std::string_view text) {
    const auto it = std::find(names.begin(), names.end(), text);
    if (it == names.end())
        return std::nullopt;
    return static_cast<Enum>(it - names.begin());
}

} // namespace

std::string SourceLocation::toString() const {
    if (line <= 0)
        return file;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string_view toString(Modifier modifier) {
    return kModifierNames[static_cast<std::size_t>(modifier)];
}

std::optional<Modifier> parseModifier(std::string_view text) {
    if (text == "wide")
        return Modifier::Utf16le;
    return lookup<Modifier>(kModifierNames, text);
}

bool DetectionItem::has(Modifier modifier) const {
    return std::find(modifiers.begin(), modifiers.end(), modifier) != modifiers.end();
}

std::string_view toString(CorrelationKind kind) {
    return kCorrelationKindNames[static_cast<std::size_t>(kind)];
}

std::optional<CorrelationKind> parseCorrelationKind(std::string_view text) {
    return lookup<CorrelationKind>(kCorrelationKindNames, text);
}

std::string_view toString(Comparison comparison) {
    return kComparisonNames[static_cast<std::size_t>(comparison)];
}

std::optional<Comparison> parseComparison(std::string_view text) {
    return lookup<Comparison>(kComparisonNames, text);
}

} // namespace vanopticon::analysis::sigma
