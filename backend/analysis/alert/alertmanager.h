// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/detection.h"
#include "analysis/score/threatscorer.h"
#include "storage/alerts.h"
#include "storage/decisions.h"

#include <QHash>
#include <QSet>
#include <QString>
#include <QTimer>

#include <chrono>
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
//
// alert.updated goes out for one alert at most once per `updateInterval`: an attack that adds
// to its alert in every batch would otherwise publish thousands of updates a second to every
// console. Updates within the interval are merged: when it has passed, the alert is read again
// and its state then is published, so the last update always reaches the bus. The listener
// (the shield) still hears every change.
class AlertManager {
public:
    static constexpr int kMaxEvidence = 50;
    static constexpr std::chrono::milliseconds kDefaultUpdateInterval {1000};
    // Told about every created or updated alert (the shield's entry).
    using Listener = std::function<void(const storage::AlertRecord &alert, bool created)>;

    AlertManager(storage::Database &db, EventBus &bus, const ThreatScorer &scorer, Listener listener = {},
        std::chrono::milliseconds updateInterval = kDefaultUpdateInterval);

    void onDetections(const std::vector<Detection> &detections);

    struct Counters {
        quint64 created = 0;
        quint64 updated = 0;
        quint64 failures = 0;
        quint64 updatesMerged = 0; // updates published together with a later one of the same alert
    };
    const Counters &counters() const { return m_counters; }

private:
    struct Change {
        storage::AlertRecord alert;
        bool created = false;
    };
    std::optional<Change> apply(const Detection &detection);
    void announce(const Change &change);
    void publish(const storage::AlertRecord &alert, bool created);
    void publishMerged(); // the alerts whose updates waited for the interval
    void forgetOldPublications(std::chrono::steady_clock::time_point now);
    QString hostOf(const QString &nodeId);

    storage::Database &m_db;
    EventBus &m_bus;
    const ThreatScorer &m_scorer;
    Listener m_listener;
    QHash<QString, QString> m_hosts; // node id → hostname
    Counters m_counters;
    storage::AlertRepository m_alerts; // kept: their statements are prepared once
    storage::DecisionRepository m_decisions;
    std::chrono::milliseconds m_updateInterval;
    QHash<qint64, std::chrono::steady_clock::time_point> m_publishedAt; // alert id → last published
    static constexpr std::size_t kForgetAbove = 4096;
    std::size_t m_forgetAbove = kForgetAbove; // m_publishedAt is pruned when it grows beyond
    QSet<qint64> m_waiting; // alerts with updates not yet published
    QTimer m_mergeTimer;
};

} // namespace vanopticon::analysis
