// SPDX-License-Identifier: Apache-2.0
#include "analysis/alert/alertmanager.h"

#include "shared/bus/eventbus.h"
#include "storage/database.h"
#include "storage/decisions.h"
#include "storage/json.h"
#include "storage/nodes.h"

#include <QJsonArray>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace vanopticon::analysis {

namespace {

QString qs(const std::string &s) {
    return QString::fromStdString(s);
}
qint64 toMs(std::int64_t ns) {
    return ns / 1'000'000;
}

QList<qint64> evidenceIds(const Detection &detection) {
    QList<qint64> ids;
    for (const Evidence &evidence : detection.evidence)
        ids.append(static_cast<qint64>(evidence.eventId));
    return ids;
}

} // namespace

AlertManager::AlertManager(storage::Database &db, EventBus &bus, const ThreatScorer &scorer, Listener listener,
    std::chrono::milliseconds updateInterval)
    : m_db(db)
    , m_bus(bus)
    , m_scorer(scorer)
    , m_listener(std::move(listener))
    , m_alerts(db)
    , m_decisions(db)
    , m_updateInterval(updateInterval) {
    m_mergeTimer.setSingleShot(true);
    m_mergeTimer.callOnTimeout([this] { publishMerged(); });
}

void AlertManager::onDetections(const std::vector<Detection> &detections) {
    if (detections.empty())
        return;
    // The batch's alert writes share one transaction (one commit, not one per statement); they
    // are announced once committed.
    std::vector<Change> changes;
    const auto written = m_db.transaction([&]() -> Result<void> {
        for (const Detection &detection : mergeByDedupKey(detections)) {
            if (std::optional<Change> change = apply(detection))
                changes.push_back(std::move(*change));
        }
        return {};
    });
    if (!written) {
        m_counters.failures += changes.size();
        qWarning("alerts: %s", written.error().message.c_str());
        return;
    }
    for (const Change &change : changes)
        announce(change);
}

QString AlertManager::hostOf(const QString &nodeId) {
    if (const auto it = m_hosts.constFind(nodeId); it != m_hosts.constEnd())
        return *it;
    storage::NodeRepository nodes(m_db);
    auto node = nodes.find(nodeId);
    const QString host = node && node->has_value() ? (*node)->hostname : QString();
    m_hosts.insert(nodeId, host);
    return host;
}

std::optional<AlertManager::Change> AlertManager::apply(const Detection &detection) {
    storage::AlertRepository &alerts = m_alerts;
    const QString key = qs(dedupKey(detection));
    const qint64 now = storage::nowMs();
    storage::AlertGrowth growth;
    growth.count = detection.eventCount;
    growth.firstSeen = toMs(detection.firstSeenNs);
    growth.lastSeen = toMs(detection.lastSeenNs);
    growth.nodeId = qs(detection.nodeId);
    growth.host = hostOf(growth.nodeId);
    growth.at = now;
    auto open = alerts.grow(key, growth);
    if (!open) {
        ++m_counters.failures;
        qWarning("alerts: %s", open.error().message.c_str());
        return std::nullopt;
    }
    storage::AlertRecord alert;
    bool created = false;
    if (open->has_value()) {
        alert = std::move(**open);
    } else {
        const ScoredDetection scored {detection.ruleId, detection.kind, detection.severity, detection.confidence};
        const ThreatScore score = m_scorer.score(std::span<const ScoredDetection>(&scored, 1));
        alert.dedupKey = key;
        alert.ruleId = qs(detection.ruleId);
        alert.title = qs(detection.title);
        alert.description = qs(detection.description);
        alert.severity = qs(std::string(toString(detection.severity)));
        alert.status = u"open"_s;
        alert.score = score.score;
        alert.scoreBand = qs(score.band);
        alert.confidence = detection.confidence;
        alert.explanation = qs(detection.explanation) + u"\n"_s + qs(score.explanation);
        alert.count = detection.eventCount;
        alert.firstSeen = toMs(detection.firstSeenNs);
        alert.lastSeen = toMs(detection.lastSeenNs);
        alert.createdAt = now;
        alert.updatedAt = now;
        alert.nodeId = growth.nodeId;
        alert.host = growth.host;
        for (const auto &[name, value] : detection.group)
            alert.group.insert(qs(name), qs(value));
        auto id = alerts.insert(alert);
        if (!id) {
            ++m_counters.failures;
            qWarning("alerts: %s", id.error().message.c_str());
            return std::nullopt;
        }
        alert.id = *id;
        created = true;
    }
    if (auto linked = alerts.addEvidence(alert.id, evidenceIds(detection), kMaxEvidence); !linked)
        qWarning("alerts: %s", linked.error().message.c_str());
    return Change {std::move(alert), created};
}

void AlertManager::announce(const Change &change) {
    ++(change.created ? m_counters.created : m_counters.updated);
    if (m_listener)
        m_listener(change.alert, change.created);
    const qint64 id = change.alert.id;
    const auto now = std::chrono::steady_clock::now();
    const auto last = m_publishedAt.constFind(id);
    if (!change.created
        && (m_waiting.contains(id) || (last != m_publishedAt.constEnd() && now - *last < m_updateInterval))) {
        ++m_counters.updatesMerged;
        m_waiting.insert(id);
        if (!m_mergeTimer.isActive())
            m_mergeTimer.start(m_updateInterval);
        return;
    }
    publish(change.alert, change.created);
    m_publishedAt.insert(id, now);
    if (std::size_t(m_publishedAt.size()) > m_forgetAbove)
        forgetOldPublications(now);
}

void AlertManager::forgetOldPublications(std::chrono::steady_clock::time_point now) {
    // What was published longer ago than the interval may be published at once again.
    for (auto it = m_publishedAt.begin(); it != m_publishedAt.end();) {
        if (now - *it >= m_updateInterval)
            it = m_publishedAt.erase(it);
        else
            ++it;
    }
    // Amortized: a burst of alerts all published within the interval is not scanned each time.
    m_forgetAbove = std::max<std::size_t>(kForgetAbove, 2 * std::size_t(m_publishedAt.size()));
}

void AlertManager::publish(const storage::AlertRecord &alert, bool created) {
    QJsonArray actions;
    if (auto list = m_decisions.listForAlert(alert.id)) {
        for (const storage::DecisionRecord &decision : *list)
            actions.append(storage::toActionJson(decision));
    }
    m_bus.publish(created ? u"alert.created"_s : u"alert.updated"_s, storage::toJson(alert, actions));
}

void AlertManager::publishMerged() {
    const auto now = std::chrono::steady_clock::now();
    // Read again: the alert may have changed since (more detections, or an analyst's status).
    for (const qint64 id : std::as_const(m_waiting)) {
        auto alert = m_alerts.get(id);
        if (!alert) {
            qWarning("alerts: %s", alert.error().message.c_str());
            continue;
        }
        if (alert->has_value()) {
            publish(**alert, false);
            m_publishedAt.insert(id, now);
        }
    }
    m_waiting.clear();
    forgetOldPublications(now);
}

} // namespace vanopticon::analysis
