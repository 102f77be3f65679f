// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/event/severity.h"

#include <optional>
#include <string_view>

namespace vanopticon::sentinel {

// Reads the log level of a JSON record as an event severity, on the same scale LineParser uses for
// syslog (emerg … err → high, warning → medium, notice → low, info and debug → info):
//   Vanopticon's own names: info, informational, low, medium, high, critical;
//   level names, any case: emerg[ency], alert, crit, critical¹, fatal, panic, err, error → high;
//     warn, warning → medium; notice → low; info, information, debug, trace, verbose → info;
//   syslog numbers 0 … 7, and bunyan / pino numbers 10 (trace) … 60 (fatal).
// ¹ "critical" is Vanopticon's own name and wins: critical.
std::optional<Severity> parseJsonLevel(std::string_view text);

} // namespace vanopticon::sentinel
