// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/event/severity.h"

#include <optional>
#include <string_view>

namespace vanopticon::sentinel {

// CEF's header severity and LEEF's sev: 0 to 10 ("7", "7.0"), or ArcSight's names (any case).
//   0 → info, 1-3 / Low → low, 4-6 / Medium → medium, 7-8 / High → high, 9-10 / Very-High → critical.
// ArcSight calls 0-3 "Low"; 0 is kept apart as info, since senders use it for "nothing to report".
// Anything else ("Unknown", "Severity", "11") is nullopt: the event keeps the default (info).
std::optional<Severity> severityFromScale(std::string_view text);

// A level word in a key=value record (level=, severity=), any case. The project's own names
// first (info, informational, low, medium, high, critical), then the syslog and logging words
// read as LineParser reads syslog severities: emerg, emergency, panic, alert, crit, fatal, err,
// error → high; warn, warning → medium; notice → low; debug, trace → info.
std::optional<Severity> severityFromLevelName(std::string_view text);

} // namespace vanopticon::sentinel
