// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

namespace vanopticon::ctl {

// vanopticonctl bench sigma --rules DIR… [--events N] [--rule-scale K] [--samples DIR] [--seed S]
// Compiles the rules (K distinct variants of each with --rule-scale) and evaluates them on one
// thread over a realistic Windows event mix: the SigmaHQ regression events (evtx_dump JSON under
// --samples, default <rules>/../regression_data) with their values varied — most made benign,
// some kept malicious. Prints one JSON object: rules, events, events_per_second,
// compile_seconds, peak_rss_mb and what the engine did (candidates, matches, patterns).
int benchSigma(const QStringList &arguments);

} // namespace vanopticon::ctl
