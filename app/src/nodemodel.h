// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QtQmlIntegration>

#include <vector>

namespace vanopticon::console {

// The fleet: one row per enrolled sentinel, sorted by hostname. node.heartbeat refreshes a
// node's last heartbeat; node.enrolled adds (or refreshes) a node.
class NodeModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    // `nodeId`, not `id`: a QML delegate cannot declare a property called id.
    enum Role {
        NodeIdRole = Qt::UserRole,
        HostnameRole,
        StatusRole,
        LastHeartbeatRole,
        VersionRole,
        EventsReceivedRole,
    };
    Q_ENUM(Role)

    static constexpr int kMaxRows = 10'000;

    explicit NodeModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return static_cast<int>(m_rows.size()); }

    // Replaces every row with the `items` of GET /nodes; returns how many were malformed.
    Q_INVOKABLE int replaceAll(const QJsonArray &items);
    // node.enrolled: the node.
    Q_INVOKABLE bool applyEnrolled(const QJsonObject &node);
    // node.heartbeat: {node_id, hostname, time, …}. A heartbeat from a node not listed yet adds
    // it (it enrolled while the stream was down); the next refetch fills in the rest.
    Q_INVOKABLE bool applyHeartbeat(const QJsonObject &heartbeat);
    Q_INVOKABLE void clear();
    Q_INVOKABLE int rowOf(const QString &nodeId) const;

Q_SIGNALS:
    void countChanged();

private:
    struct Row {
        QString id;
        QString hostname;
        QString status;
        QDateTime lastHeartbeat;
        QString version;
        qint64 eventsReceived = 0;
    };

    static std::optional<Row> parse(const QJsonObject &node);
    void upsert(Row row);
    int sortedRow(const Row &row, int skip) const;

    std::vector<Row> m_rows;
};

} // namespace vanopticon::console
