// SPDX-License-Identifier: Apache-2.0
#include "daemon/servermetrics.h"

#include "analysis/sigma/service/sigmareport.h"
#include "shared/core/prometheustext.h"

namespace vanopticon::daemon {

QByteArray serverMetrics(const ServerMetricsSources &sources) {
    PrometheusText out;
    const auto counter = [&out](const char *name, const char *help, quint64 value) {
        out.family(name, "counter", help);
        out.sample(name, static_cast<double>(value));
    };
    counter("vanopticon_event_batches_total", "Event batches received from nodes.", sources.ingest.batches);
    counter("vanopticon_events_stored_total", "Unique events stored (after deduplication).", sources.ingest.stored);
    counter(
        "vanopticon_events_duplicate_total", "Events received again and not stored twice.", sources.ingest.duplicates);
    out.family("vanopticon_events_rejected_total", "counter", "Events refused at ingestion, by reason.");
    for (const auto &[reason, count] : sources.ingest.rejectedByReason)
        out.sample("vanopticon_events_rejected_total", static_cast<double>(count), {{"reason", reason}});
    counter("vanopticon_alerts_created_total", "Alerts opened.", sources.alerts.created);
    counter("vanopticon_alerts_updated_total", "Detections merged into an open alert.", sources.alerts.updated);
    counter(
        "vanopticon_alert_failures_total", "Detections that could not be written as alerts.", sources.alerts.failures);
    out.family("vanopticon_nodes_online", "gauge", "Sentinels connected now.");
    out.sample("vanopticon_nodes_online", sources.nodesOnline);
    if (sources.sigma)
        analysis::sigma::appendSigmaMetrics(*sources.sigma, out);
    return QByteArray::fromStdString(out.text());
}

} // namespace vanopticon::daemon
