// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

namespace vanopticon::ctl {

// vanopticonctl sigma check DIR…
// Loads and compiles every rule, correlation and filter; prints one JSON object with `loaded`,
// `failed`, `failures` (file and reason each) and `warnings`. Exit status 1 when any failed.
//
// vanopticonctl sigma scan --rules DIR… [--logsource K:V,…] INPUT…
// Replays inputs (.evtx, evtx_dump .json, or log files in any format the sentinel parses)
// through the rules and correlations, on the inputs' own event time; prints one JSON line per
// detection: rule_id, title, level, input, record (EVTX) or index (line), and for a
// correlation its group-by values and window.
int sigmaCommand(QStringList arguments);

} // namespace vanopticon::ctl
