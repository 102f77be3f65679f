// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/prometheustext.h"

#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace vanopticon::daemon {

// How long events take from a sentinel to the database: from when the sentinel collected a
// batch's oldest event (EventBatch.collected_unix_ms, the node's clock) to when the server
// stored it. Kept as a histogram over events (GET /metrics: vanopticon_delivery_delay_seconds)
// and, per node, the delay of its latest batch (vanopticon_node_lag_seconds): a node catching
// up after an outage shows a lag of the outage's length.
class DeliveryDelay {
public:
    static constexpr std::array<double, 14> kBuckets {
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300}; // seconds

    // A batch of `events` from `node`, collected at `collectedMs`, stored at `storedMs`. A
    // collection time ahead of the server's (clock skew) counts as no delay.
    void record(const std::string &node, std::int64_t collectedMs, std::int64_t storedMs, std::uint64_t events);
    void appendMetrics(PrometheusText &out) const;

    // The delay under which `q` (0…1) of the events arrived, as the upper bound of the bucket
    // that holds that quantile (infinity past the last bucket); 0 before any event.
    double quantile(double q) const;
    std::uint64_t events() const { return m_events; }

private:
    std::array<std::uint64_t, kBuckets.size() + 1> m_counts {}; // the last: above every bucket
    std::uint64_t m_events = 0;
    double m_sumSeconds = 0;
    std::map<std::string, double> m_lagByNode; // seconds
};

} // namespace vanopticon::daemon
