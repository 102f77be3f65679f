// SPDX-License-Identifier: Apache-2.0
#include "nodemodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace vanopticon::console;
using namespace Qt::StringLiterals;

namespace {

// A node shaped as GET /nodes lists it.
QJsonObject node(const QString &id, const QString &hostname, const QString &status = u"online"_s) {
    return QJsonObject {
        {u"id"_s, id},
        {u"hostname"_s, hostname},
        {u"status"_s, status},
        {u"enrolled_at"_s, u"2026-11-20T08:00:00.000Z"_s},
        {u"last_heartbeat"_s, u"2026-11-23T10:00:00.000Z"_s},
        {u"address"_s, u"192.0.2.10"_s},
        {u"version"_s, u"0.1.0"_s},
        {u"events_received"_s, 1234},
    };
}

QJsonObject heartbeat(const QString &nodeId, const QString &time, const QString &hostname = {}) {
    QJsonObject json {{u"node_id"_s, nodeId}, {u"time"_s, time}, {u"events_collected"_s, 10}, {u"events_sent"_s, 10},
        {u"parse_errors"_s, 0}, {u"unacked_batches"_s, 0}};
    if (!hostname.isEmpty())
        json[u"hostname"_s] = hostname;
    return json;
}

QStringList hostnames(const NodeModel &model) {
    QStringList result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(model.data(model.index(row), NodeModel::HostnameRole).toString());
    return result;
}

} // namespace

class TestNodeModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roleNames() {
        NodeModel model;
        const auto names = model.roleNames();
        QCOMPARE(names.value(NodeModel::NodeIdRole), QByteArray("nodeId"));
        QCOMPARE(names.value(NodeModel::HostnameRole), QByteArray("hostname"));
        QCOMPARE(names.value(NodeModel::StatusRole), QByteArray("status"));
        QCOMPARE(names.value(NodeModel::LastHeartbeatRole), QByteArray("lastHeartbeat"));
        QCOMPARE(names.value(NodeModel::VersionRole), QByteArray("version"));
        QCOMPARE(names.value(NodeModel::EventsReceivedRole), QByteArray("eventsReceived"));
        QCOMPARE(names.size(), 6);
    }

    void listIsSortedByHostname() {
        NodeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy countChanged(&model, &NodeModel::countChanged);
        QJsonObject noId = node(u"x"_s, u"nameless"_s);
        noId.remove(u"id"_s);
        QCOMPARE(model.replaceAll({node(u"node_b"_s, u"web-02"_s), node(u"node_a"_s, u"DB-01"_s, u"offline"_s), noId,
                     node(u"node_c"_s, u"web-01"_s)}),
            1);
        QCOMPARE(hostnames(model), (QStringList {u"DB-01"_s, u"web-01"_s, u"web-02"_s}));
        QCOMPARE(countChanged.count(), 1);
        const QModelIndex db = model.index(0);
        QCOMPARE(model.data(db, NodeModel::NodeIdRole).toString(), u"node_a"_s);
        QCOMPARE(model.data(db, NodeModel::StatusRole).toString(), u"offline"_s);
        QCOMPARE(model.data(db, NodeModel::VersionRole).toString(), u"0.1.0"_s);
        QCOMPARE(model.data(db, NodeModel::EventsReceivedRole).toLongLong(), 1234);
        QCOMPARE(model.data(db, NodeModel::LastHeartbeatRole).toDateTime(),
            QDateTime(QDate(2026, 11, 23), QTime(10, 0), Qt::UTC));
    }

    void heartbeatUpdatesLastHeartbeat() {
        NodeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.replaceAll({node(u"node_a"_s, u"db-01"_s, u"offline"_s), node(u"node_b"_s, u"web-01"_s)}), 0);
        QSignalSpy changed(&model, &NodeModel::dataChanged);
        QSignalSpy inserted(&model, &NodeModel::rowsInserted);

        QVERIFY(model.applyHeartbeat(heartbeat(u"node_a"_s, u"2026-11-23T10:05:00.500Z"_s)));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).value<QModelIndex>().row(), 0);
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(model.data(model.index(0), NodeModel::LastHeartbeatRole).toDateTime(),
            QDateTime(QDate(2026, 11, 23), QTime(10, 5, 0, 500), Qt::UTC));
        QCOMPARE(model.data(model.index(0), NodeModel::StatusRole).toString(), u"online"_s);
        QCOMPARE(model.data(model.index(0), NodeModel::EventsReceivedRole).toLongLong(), 1234);

        // An older heartbeat arriving late does not turn the clock back.
        QVERIFY(model.applyHeartbeat(heartbeat(u"node_a"_s, u"2026-11-23T10:01:00.000Z"_s)));
        QCOMPARE(model.data(model.index(0), NodeModel::LastHeartbeatRole).toDateTime().time(), QTime(10, 5, 0, 500));
    }

    void heartbeatOfAnUnlistedNodeAddsIt() {
        NodeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.replaceAll({node(u"node_b"_s, u"web-01"_s)}), 0);
        QVERIFY(model.applyHeartbeat(heartbeat(u"node_z"_s, u"2026-11-23T10:05:00.000Z"_s, u"app-01"_s)));
        QCOMPARE(hostnames(model), (QStringList {u"app-01"_s, u"web-01"_s}));
        QCOMPARE(model.rowOf(u"node_z"_s), 0);
    }

    void malformedHeartbeatsAreRejected_data() {
        QTest::addColumn<QJsonObject>("json");
        QTest::addRow("no node id") << QJsonObject {{u"time"_s, u"2026-11-23T10:05:00.000Z"_s}};
        QTest::addRow("numeric node id") << QJsonObject {{u"node_id"_s, 5}, {u"time"_s, u"2026-11-23T10:05:00.000Z"_s}};
        QTest::addRow("no time") << QJsonObject {{u"node_id"_s, u"node_a"_s}};
        QTest::addRow("bad time") << QJsonObject {{u"node_id"_s, u"node_a"_s}, {u"time"_s, u"yesterday"_s}};
        QTest::addRow("huge node id") << QJsonObject {
            {u"node_id"_s, QString(4096, u'x')}, {u"time"_s, u"2026-11-23T10:05:00.000Z"_s}};
    }
    void malformedHeartbeatsAreRejected() {
        QFETCH(QJsonObject, json);
        NodeModel model;
        QCOMPARE(model.replaceAll({node(u"node_a"_s, u"db-01"_s)}), 0);
        QSignalSpy changed(&model, &NodeModel::dataChanged);
        QVERIFY(!model.applyHeartbeat(json));
        QCOMPARE(changed.count(), 0);
        QCOMPARE(model.count(), 1);
    }

    void enrolledNodeIsAddedOrRefreshed() {
        NodeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.applyEnrolled(node(u"node_b"_s, u"web-02"_s)));
        QVERIFY(model.applyEnrolled(node(u"node_a"_s, u"web-03"_s)));
        QCOMPARE(hostnames(model), (QStringList {u"web-02"_s, u"web-03"_s}));
        // Renamed: same row, re-sorted.
        QVERIFY(model.applyEnrolled(node(u"node_a"_s, u"web-01"_s)));
        QCOMPARE(hostnames(model), (QStringList {u"web-01"_s, u"web-02"_s}));
        QCOMPARE(model.count(), 2);
        QVERIFY(!model.applyEnrolled(QJsonObject {{u"hostname"_s, u"no-id"_s}}));
    }
};

QTEST_GUILESS_MAIN(TestNodeModel)
#include "tst_nodemodel.moc"
