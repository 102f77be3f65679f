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
    counter("vanopticon_event_batches_total",
        "Event batches from nodes ingested (stored; their duplicate and refused events included).",
        sources.ingest.batches);
    counter("vanopticon_ingest_transactions_total",
        "Transactions that stored event batches: one per batch while the server keeps up, one for several waiting "
        "batches (at most 4,000 events) when it falls behind.",
        sources.ingest.transactions);
    counter("vanopticon_events_stored_total", "Unique events stored (after deduplication).", sources.ingest.stored);
    counter(
        "vanopticon_events_duplicate_total", "Events received again and not stored twice.", sources.ingest.duplicates);
    out.family("vanopticon_events_rejected_total", "counter", "Events refused at ingestion, by reason.");
    for (const auto &[reason, count] : sources.ingest.rejectedByReason)
        out.sample("vanopticon_events_rejected_total", static_cast<double>(count), {{"reason", reason}});
    counter("vanopticon_event_fields_dropped_total",
        "Fields left out of accepted events: a name that is not [A-Za-z0-9_.-]{1,64}, or a new name when the field "
        "registry is full.",
        sources.ingest.fieldsDropped);
    out.family("vanopticon_ingest_seconds_total", "counter",
        "Time the server spent on event batches, by stage: store (validating and storing, until the commit) and "
        "analysis (correlation, Sigma and alerts on what was stored).");
    out.sample("vanopticon_ingest_seconds_total", std::chrono::duration<double>(sources.ingest.storing).count(),
        {{"stage", "store"}});
    out.sample("vanopticon_ingest_seconds_total", std::chrono::duration<double>(sources.ingest.analysing).count(),
        {{"stage", "analysis"}});
    counter("vanopticon_alerts_created_total", "Alerts opened.", sources.alerts.created);
    counter("vanopticon_alerts_updated_total", "Detections merged into an open alert.", sources.alerts.updated);
    counter(
        "vanopticon_alert_failures_total", "Detections that could not be written as alerts.", sources.alerts.failures);
    counter("vanopticon_alert_updates_merged_total",
        "Alert updates published together with a later one (alert.updated goes out at most once a second per "
        "alert).",
        sources.alerts.updatesMerged);
    out.family("vanopticon_channel_refusals_total", "counter",
        "Sentinel connections the server closed with a refusal, by code (bad_frame, unknown_node, …).");
    if (sources.channel != nullptr) {
        for (const auto &[code, count] : sources.channel->refusedByCode)
            out.sample("vanopticon_channel_refusals_total", static_cast<double>(count), {{"code", code}});
    }
    if (sources.deliveryDelay != nullptr)
        sources.deliveryDelay->appendMetrics(out);
    out.family("vanopticon_ingest_queue_events", "gauge", "Events received from nodes and waiting for ingestion.");
    out.sample("vanopticon_ingest_queue_events", static_cast<double>(sources.queue.events));
    out.family("vanopticon_ingest_queue_batches", "gauge", "Batches received from nodes and waiting for ingestion.");
    out.sample("vanopticon_ingest_queue_batches", static_cast<double>(sources.queue.batches));
    out.family("vanopticon_ingest_queue_peak_events", "gauge", "The most events that waited at once since start.");
    out.sample("vanopticon_ingest_queue_peak_events", static_cast<double>(sources.queue.peakEvents));
    out.family("vanopticon_ingest_queue_max_events", "gauge", "The queue's limit (server.max_queued_events).");
    out.sample("vanopticon_ingest_queue_max_events", static_cast<double>(sources.queue.maxEvents));
    out.family("vanopticon_ingest_queue_bytes", "gauge", "The waiting events' decoded size.");
    out.sample("vanopticon_ingest_queue_bytes", static_cast<double>(sources.queue.bytes));
    out.family("vanopticon_ingest_queue_max_bytes", "gauge",
        "The limit of that size (4 KiB for each event of server.max_queued_events).");
    out.sample("vanopticon_ingest_queue_max_bytes", static_cast<double>(sources.queue.maxBytes));
    if (sources.channel != nullptr) {
        const command::SentinelGateway::Counters &channel = *sources.channel;
        out.family("vanopticon_ingest_busy_total", "counter",
            "Batches the server did not take because its queue was full (or storing failed): the node was told "
            "Busy and sent them again later.");
        out.sample("vanopticon_ingest_busy_total", static_cast<double>(channel.busy));
        out.family("vanopticon_ingest_store_failures_total", "counter",
            "Batches that could not be stored (the log says why); the node sends them again.");
        out.sample("vanopticon_ingest_store_failures_total", static_cast<double>(channel.ingestFailures));
        out.family("vanopticon_ingest_batches_dropped_total", "counter",
            "Received batches dropped unstored, by reason: awaiting_resend (an earlier batch of the node was "
            "refused, it sends them again) or connection_closed (it waited while its connection closed).");
        out.sample("vanopticon_ingest_batches_dropped_total", static_cast<double>(channel.awaitingResend),
            {{"reason", "awaiting_resend"}});
        out.sample("vanopticon_ingest_batches_dropped_total", static_cast<double>(channel.orphaned),
            {{"reason", "connection_closed"}});
        out.family("vanopticon_ingest_batches_refused_unparsed_total", "counter",
            "Of the batches answered Busy or dropped awaiting a resend: those refused from their header alone, "
            "before their events were parsed.");
        out.sample("vanopticon_ingest_batches_refused_unparsed_total", static_cast<double>(channel.refusedUnparsed));
    }
    if (sources.tlsHandshakeFailures)
        counter("vanopticon_tls_handshake_failures_total",
            "Connections to the HTTPS listener closed because their TLS handshake failed or stalled (the log "
            "names the latest).",
            *sources.tlsHandshakeFailures);
    if (sources.checkpointer != nullptr) {
        const storage::WalCheckpointer::Figures wal = sources.checkpointer->figures();
        out.family("vanopticon_db_wal_checkpoints_total", "counter",
            "Checkpoints of the database's write-ahead log: by its own thread, or by the writer when the log "
            "had reached its limit.");
        out.sample("vanopticon_db_wal_checkpoints_total", static_cast<double>(wal.checkpoints), {{"by", "thread"}});
        out.sample(
            "vanopticon_db_wal_checkpoints_total", static_cast<double>(wal.inlineCheckpoints), {{"by", "writer"}});
        counter("vanopticon_db_wal_checkpoint_failures_total",
            "Checkpoints that failed (other than finding another one running).", wal.failures);
    }
    out.family("vanopticon_nodes_online", "gauge", "Sentinels connected now.");
    out.sample("vanopticon_nodes_online", sources.nodesOnline);
    if (sources.nodeBuffers != nullptr && !sources.nodeBuffers->empty()) {
        // As the nodes last reported them: counters since each sentinel started.
        out.family("vanopticon_buffer_dropped_total", "counter",
            "Events a node's disk buffer dropped, by reason (overflow: max_size, expired: max_age, corrupt).");
        for (const auto &[node, report] : *sources.nodeBuffers) {
            for (const auto &[reason, count] : {std::pair {"overflow", report.droppedOverflow},
                     std::pair {"expired", report.droppedExpired}, std::pair {"corrupt", report.droppedCorrupt}})
                out.sample("vanopticon_buffer_dropped_total", static_cast<double>(count),
                    {{"node_id", node}, {"reason", reason}});
        }
        out.family("vanopticon_buffer_events", "gauge", "Events waiting in a node's disk buffer.");
        for (const auto &[node, report] : *sources.nodeBuffers)
            out.sample("vanopticon_buffer_events", static_cast<double>(report.events), {{"node_id", node}});
        out.family("vanopticon_buffer_bytes", "gauge", "Bytes of a node's disk buffer.");
        for (const auto &[node, report] : *sources.nodeBuffers)
            out.sample("vanopticon_buffer_bytes", static_cast<double>(report.bytes), {{"node_id", node}});
    }
    if (sources.sigma)
        analysis::sigma::appendSigmaMetrics(*sources.sigma, out);
    return QByteArray::fromStdString(out.text());
}

} // namespace vanopticon::daemon
