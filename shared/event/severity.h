// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vanopticon {

// Ordered: comparisons mean "at least as severe as".
enum class Severity : std::uint8_t { Info, Low, Medium, High, Critical };

std::string_view toString(Severity severity);
// Accepts the lowercase names ("info" … "critical"), and "informational" as Sigma writes it.
std::optional<Severity> parseSeverity(std::string_view text);

} // namespace vanopticon
