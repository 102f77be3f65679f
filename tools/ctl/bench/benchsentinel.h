// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

namespace vanopticon::ctl {

// vanopticonctl bench sentinel [--format F] [--events N] [--batch N] [--seed S]
// Runs the sentinel's real pipeline code (parse → enrich → filter) on generated, realistic input
// on one core and prints one JSON object: stage figures, events_per_second, peak_rss_mb.
int benchSentinel(const QStringList &arguments);

} // namespace vanopticon::ctl
