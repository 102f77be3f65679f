// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/detection.h"
#include "analysis/score/threatscorer.h"
#include "storage/alerts.h"
#include "storage/decisions.h"

#include <QHash>
#include <QString>

#include <functional>
#include <optional>
#include <vector>

namespace vanopticon {
class EventBus;
}
namespace vanopticon::storage {
class Database;
}

namespace vanopticon::analysis {

// Turns detections into alerts: the first detection of a dedup key opens an alert (scored,
// with evidence and explanation: alert.created); later ones update the open alert's count,
// last-seen time and evidence (alert.updated) instead of opening new ones.
class AlertManager {
public:
    static constexpr int kMaxEvidence = 50;
    // Told about every created or updated alert (the shield's entry).
    using Listener = std::function<void(const storage::AlertRecord &alert, bool created)>;

    AlertManager(storage::Database &db, EventBus &bus, const ThreatScorer &scorer, Listener listener = {});

    void onDetections(const std::vector<Detection> &detections);

    struct Counters {
        quint64 created = 0;
        quint64 updated = 0;
        quint64 failures = 0;
    };
    const Counters &counters() const { return m_counters; }

private:
    struct Change {
        storage::AlertRecord alert;
        bool created = false;
    };
    std::optional<Change> apply(const Detection &detection);
    void announce(const Change &change);
    QString hostOf(const QString &nodeId);

    storage::Database &m_db;
    EventBus &m_bus;
    const ThreatScorer &m_scorer;
    Listener m_listener;
    QHash<QString, QString> m_hosts; // node id → hostname
    Counters m_counters;
    storage::AlertRepository m_alerts; // kept: their statements are prepared once
    storage::DecisionRepository m_decisions;
};

} // namespace vanopticon::analysis
