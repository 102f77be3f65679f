// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

namespace vanopticon::ctl {

struct LiveBenchOptions {
    int rate = 10'000; // lines per second appended to the tailed log
    int seconds = 30;
    QString format = QStringLiteral("rfc3164");
    quint64 seed = 42;
};

// Runs a real server and a real sentinel (vanopticond next to vanopticonctl) on loopback,
// appends generated lines to the sentinel's log at a steady rate, samples the sentinel's
// resident memory from /proc every 100 ms, and prints one JSON object: the rate reached,
// events the server stored, peak / mean RSS of the sentinel, and the end-to-end delay of the
// events (collected on the sentinel → stored by the server; p50 and p99 estimated from the
// server's histogram as Prometheus' histogram_quantile() does).
int benchSentinelLive(const LiveBenchOptions &options);

} // namespace vanopticon::ctl
