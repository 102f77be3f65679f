// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/sigma/match/valuematcher.h"

#include <optional>
#include <string_view>

namespace vanopticon::analysis::sigma {

// A field value read as a number: a decimal integer, a hexadecimal one ("0x1F"), or a decimal
// fraction ("2.5", "1e3"), with surrounding spaces allowed. Anything else is not a number.
std::optional<double> readNumber(std::string_view text);

// A field value read as a date ("2026-04-17 05:24:53.079", "2026-04-17T05:24:53.092051Z",
// "2026-04-17"), and the part a time modifier asks for: minute 0–59, hour 0–23, day 1–31, ISO
// week 1–53, month 1–12, year. Time zones are ignored (the specification: no conversions);
// minute and hour need a time. Anything else is not a date.
std::optional<int> readTimePart(std::string_view text, TimePart part);

} // namespace vanopticon::analysis::sigma
