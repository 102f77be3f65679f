// SPDX-License-Identifier: Apache-2.0
#include "daemon/deliverydelay.h"

#include <algorithm>
#include <limits>

namespace vanopticon::daemon {

void DeliveryDelay::record(
    const std::string &node, std::int64_t collectedMs, std::int64_t storedMs, std::uint64_t events) {
    if (collectedMs <= 0)
        return; // a sentinel that does not say
    const double seconds = double(std::max<std::int64_t>(0, storedMs - collectedMs)) / 1000.0;
    m_lagByNode[node] = seconds;
    if (events == 0)
        return;
    const auto bucket = std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds) - kBuckets.begin();
    m_counts[std::size_t(bucket)] += events;
    m_events += events;
    m_sumSeconds += seconds * double(events);
}

void DeliveryDelay::appendMetrics(PrometheusText &out) const {
    constexpr const char *kName = "vanopticon_delivery_delay_seconds";
    out.family(kName, "histogram",
        "Events by the time from their collection on a sentinel (its clock) to their storage on the server.");
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += m_counts[i];
        const std::string bound = PrometheusText::number(kBuckets[i]);
        out.sample("vanopticon_delivery_delay_seconds_bucket", double(cumulative), {{"le", bound}});
    }
    out.sample("vanopticon_delivery_delay_seconds_bucket", double(m_events), {{"le", "+Inf"}});
    out.sample("vanopticon_delivery_delay_seconds_sum", m_sumSeconds);
    out.sample("vanopticon_delivery_delay_seconds_count", double(m_events));
    out.family("vanopticon_node_lag_seconds", "gauge",
        "Per node: the delivery delay of its latest batch (collected on the node to stored here).");
    for (const auto &[node, seconds] : m_lagByNode)
        out.sample("vanopticon_node_lag_seconds", seconds, {{"node_id", node}});
}

double DeliveryDelay::quantile(double q) const {
    if (m_events == 0)
        return 0;
    const double wanted = std::clamp(q, 0.0, 1.0) * double(m_events);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += m_counts[i];
        if (double(cumulative) >= wanted)
            return kBuckets[i];
    }
    return std::numeric_limits<double>::infinity();
}

} // namespace vanopticon::daemon
