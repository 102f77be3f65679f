// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/alert/alertmanager.h"
#include "analysis/ingest/ingestor.h"

#include <QByteArray>

namespace vanopticon::analysis::sigma {
class SigmaService;
}

namespace vanopticon::daemon {

// What GET /metrics shows of the server: ingestion, alerts, connected nodes and, when Sigma runs,
// its rule set and per-rule counters (docs/API.md lists every family).
struct ServerMetricsSources {
    const analysis::Ingestor::Counters &ingest;
    const analysis::AlertManager::Counters &alerts;
    int nodesOnline = 0;
    const analysis::sigma::SigmaService *sigma = nullptr;
};

QByteArray serverMetrics(const ServerMetricsSources &sources);

} // namespace vanopticon::daemon
