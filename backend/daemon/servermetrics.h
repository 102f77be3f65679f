// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/alert/alertmanager.h"
#include "analysis/ingest/ingestor.h"
#include "command/gateway/sentinelgateway.h"
#include "daemon/deliverydelay.h"
#include "storage/walcheckpointer.h"

#include <QByteArray>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace vanopticon::analysis::sigma {
class SigmaService;
}

namespace vanopticon::daemon {

// What GET /metrics shows of the server: ingestion, alerts, connected nodes and, when Sigma runs,
// its rule set and per-rule counters (docs/API.md lists every family).
// A node's disk buffer as its last heartbeat described it.
struct NodeBufferReport {
    std::uint64_t bytes = 0;
    std::uint64_t events = 0;
    std::uint64_t droppedOverflow = 0;
    std::uint64_t droppedExpired = 0;
    std::uint64_t droppedCorrupt = 0;
};
using NodeBufferReports = std::map<std::string, NodeBufferReport>; // by node id

struct ServerMetricsSources {
    const analysis::Ingestor::Counters &ingest;
    const analysis::AlertManager::Counters &alerts;
    int nodesOnline = 0;
    const analysis::sigma::SigmaService *sigma = nullptr;
    const NodeBufferReports *nodeBuffers = nullptr;
    const DeliveryDelay *deliveryDelay = nullptr;
    const command::SentinelGateway::Counters *channel = nullptr; // refusals, Busy answers, drops
    command::IngestQueueFigures queue {};
    std::optional<quint64> tlsHandshakeFailures; // none: the listener is plain HTTP
    const storage::WalCheckpointer *checkpointer = nullptr; // none: the database has no log
};

QByteArray serverMetrics(const ServerMetricsSources &sources);

} // namespace vanopticon::daemon
