// SPDX-License-Identifier: Apache-2.0
#include "nodemodel.h"

#include "jsonfields.h"

#include <QJsonValue>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace vanopticon::console {

namespace {
constexpr qsizetype kMaxNodeId = 128;
constexpr qsizetype kMaxHostname = 255;
} // namespace

NodeModel::NodeModel(QObject *parent)
    : QAbstractListModel(parent) {
}

int NodeModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : count();
}

QVariant NodeModel::data(const QModelIndex &index, int role) const {
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const Row &row = m_rows[static_cast<std::size_t>(index.row())];
    switch (static_cast<Role>(role)) {
    case NodeIdRole:
        return row.id;
    case HostnameRole:
        return row.hostname;
    case StatusRole:
        return row.status;
    case LastHeartbeatRole:
        return row.lastHeartbeat;
    case VersionRole:
        return row.version;
    case EventsReceivedRole:
        return row.eventsReceived;
    }
    return {};
}

QHash<int, QByteArray> NodeModel::roleNames() const {
    return {
        {NodeIdRole, "nodeId"},
        {HostnameRole, "hostname"},
        {StatusRole, "status"},
        {LastHeartbeatRole, "lastHeartbeat"},
        {VersionRole, "version"},
        {EventsReceivedRole, "eventsReceived"},
    };
}

std::optional<NodeModel::Row> NodeModel::parse(const QJsonObject &node) {
    Row row;
    row.id = json::text(node, u"id", kMaxNodeId + 1);
    if (row.id.isEmpty() || row.id.size() > kMaxNodeId)
        return std::nullopt;
    row.hostname = json::text(node, u"hostname", kMaxHostname);
    row.status = json::text(node, u"status", 32);
    row.lastHeartbeat = json::timestamp(node, u"last_heartbeat");
    row.version = json::text(node, u"version", 64);
    row.eventsReceived = std::max<qint64>(0, json::integer(node, u"events_received"));
    return row;
}

int NodeModel::replaceAll(const QJsonArray &items) {
    std::vector<Row> rows;
    QSet<QString> seen;
    int malformed = 0;
    for (const QJsonValue &item : items) {
        auto row = parse(item.toObject());
        if (!row) {
            ++malformed;
            continue;
        }
        if (seen.contains(row->id) || rows.size() >= static_cast<std::size_t>(kMaxRows))
            continue;
        seen.insert(row->id);
        rows.push_back(std::move(*row));
    }
    std::sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
        const int byName = a.hostname.compare(b.hostname, Qt::CaseInsensitive);
        return byName != 0 ? byName < 0 : a.id < b.id;
    });

    const int before = count();
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    if (before != count())
        Q_EMIT countChanged();
    return malformed;
}

bool NodeModel::applyEnrolled(const QJsonObject &node) {
    auto row = parse(node);
    if (!row)
        return false;
    upsert(std::move(*row));
    return true;
}

bool NodeModel::applyHeartbeat(const QJsonObject &heartbeat) {
    const QString nodeId = json::text(heartbeat, u"node_id", kMaxNodeId + 1);
    const QDateTime time = json::timestamp(heartbeat, u"time");
    if (nodeId.isEmpty() || nodeId.size() > kMaxNodeId || !time.isValid())
        return false;
    const int existing = rowOf(nodeId);
    Row row;
    if (existing >= 0)
        row = m_rows[static_cast<std::size_t>(existing)];
    row.id = nodeId;
    const QString hostname = json::text(heartbeat, u"hostname", kMaxHostname);
    if (!hostname.isEmpty())
        row.hostname = hostname;
    // Heartbeats can overtake each other after a reconnect; never move the clock backwards.
    if (!row.lastHeartbeat.isValid() || time > row.lastHeartbeat)
        row.lastHeartbeat = time;
    // A node that sends heartbeats is connected, whatever the last list said.
    row.status = u"online"_s;
    upsert(std::move(row));
    return true;
}

void NodeModel::upsert(Row row) {
    const int existing = rowOf(row.id);
    const int target = sortedRow(row, existing);
    if (existing < 0) {
        if (count() >= kMaxRows)
            return;
        beginInsertRows({}, target, target);
        m_rows.insert(m_rows.begin() + target, std::move(row));
        endInsertRows();
        Q_EMIT countChanged();
        return;
    }
    if (target != existing) {
        beginMoveRows({}, existing, existing, {}, target > existing ? target + 1 : target);
        const auto from = m_rows.begin() + existing;
        const auto to = m_rows.begin() + target;
        if (target < existing)
            std::rotate(to, from, from + 1);
        else
            std::rotate(from, from + 1, to + 1);
        endMoveRows();
    }
    m_rows[static_cast<std::size_t>(target)] = std::move(row);
    const QModelIndex changed = index(target);
    Q_EMIT dataChanged(changed, changed);
}

int NodeModel::sortedRow(const Row &row, int skip) const {
    int position = 0;
    for (int i = 0; i < count(); ++i) {
        if (i == skip)
            continue;
        const Row &other = m_rows[static_cast<std::size_t>(i)];
        const int byName = other.hostname.compare(row.hostname, Qt::CaseInsensitive);
        if (byName > 0 || (byName == 0 && other.id > row.id))
            return position;
        ++position;
    }
    return position;
}

void NodeModel::clear() {
    if (m_rows.empty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
    Q_EMIT countChanged();
}

int NodeModel::rowOf(const QString &nodeId) const {
    const auto it = std::find_if(m_rows.begin(), m_rows.end(), [&](const Row &row) { return row.id == nodeId; });
    return it == m_rows.end() ? -1 : static_cast<int>(it - m_rows.begin());
}

} // namespace vanopticon::console
