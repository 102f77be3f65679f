// SPDX-License-Identifier: Apache-2.0
#include "alertmodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace vanopticon::console;
using namespace Qt::StringLiterals;

namespace {

// An alert shaped as docs/API.md gives it.
QJsonObject alert(qint64 id, const QString &lastSeen, const QString &title = u"SSH brute force"_s) {
    return QJsonObject {
        {u"id"_s, id},
        {u"rule_id"_s, u"ssh_brute_force"_s},
        {u"title"_s, title},
        {u"severity"_s, u"high"_s},
        {u"status"_s, u"open"_s},
        {u"score"_s, 70},
        {u"score_band"_s, u"high"_s},
        {u"confidence"_s, 1.0},
        {u"count"_s, 9},
        {u"first_seen"_s, u"2026-11-23T10:00:00.000Z"_s},
        {u"last_seen"_s, lastSeen},
        {u"created_at"_s, u"2026-11-23T10:00:00.000Z"_s},
        {u"updated_at"_s, lastSeen},
        {u"node_id"_s, u"node_1"_s},
        {u"host"_s, u"web-01"_s},
        {u"group"_s, QJsonObject {{u"SourceIp"_s, u"203.0.113.7"_s}}},
        {u"actions"_s, QJsonArray {}},
    };
}

QString at(int minute) {
    return u"2026-11-23T10:%1:00.000Z"_s.arg(minute, 2, 10, QLatin1Char('0'));
}

QList<qint64> ids(const AlertModel &model) {
    QList<qint64> result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(model.data(model.index(row), AlertModel::AlertIdRole).toLongLong());
    return result;
}

} // namespace

class TestAlertModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roleNamesAreCamelCase() {
        AlertModel model;
        const auto names = model.roleNames();
        const QList<QByteArray> expected {"alertId", "ruleId", "title", "severity", "score", "scoreBand", "count",
            "firstSeen", "lastSeen", "host", "sourceIp", "status", "actionSummary"};
        QCOMPARE(names.size(), expected.size());
        for (const QByteArray &name : expected)
            QVERIFY2(names.values().contains(name), name.constData());
        QCOMPARE(names.value(AlertModel::AlertIdRole), QByteArray("alertId"));
        QCOMPARE(int(AlertModel::AlertIdRole), int(Qt::UserRole));
    }

    void listIsSortedNewestFirstAndMalformedItemsCounted() {
        AlertModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy reset(&model, &AlertModel::modelReset);
        QSignalSpy countChanged(&model, &AlertModel::countChanged);

        QJsonObject noId = alert(9, at(30));
        noId.remove(u"id"_s);
        QJsonObject textId = alert(9, at(30));
        textId[u"id"_s] = u"9"_s;
        const QJsonArray items {
            alert(1, at(5)), alert(2, at(20)), noId, alert(3, at(10)), textId, alert(2, at(20)), u"not an object"_s};
        QCOMPARE(model.replaceAll(items), 3);
        QCOMPARE(ids(model), (QList<qint64> {2, 3, 1}));
        QCOMPARE(model.count(), 3);
        QCOMPARE(reset.count(), 1);
        QCOMPARE(countChanged.count(), 1);
    }

    void fieldsComeFromTheJson() {
        AlertModel model;
        QJsonObject json = alert(7, u"2026-11-23T10:15:30.123Z"_s);
        json[u"severity"_s] = u"CRITICAL"_s;
        json[u"score"_s] = 87.6;
        json[u"actions"_s] = QJsonArray {
            QJsonObject {{u"decision_id"_s, 3}, {u"action"_s, u"ip_block"_s}, {u"target"_s, u"203.0.113.7"_s},
                {u"status"_s, u"executed"_s}, {u"detail"_s, u"…"_s}},
            QJsonObject {{u"decision_id"_s, 4}, {u"action"_s, u"notify"_s}, {u"status"_s, u"pending"_s}},
        };
        QVERIFY(model.applyCreated(json));
        const QModelIndex index = model.index(0);
        QCOMPARE(model.data(index, AlertModel::AlertIdRole).toLongLong(), 7);
        QCOMPARE(model.data(index, AlertModel::RuleIdRole).toString(), u"ssh_brute_force"_s);
        QCOMPARE(model.data(index, AlertModel::TitleRole).toString(), u"SSH brute force"_s);
        QCOMPARE(model.data(index, AlertModel::SeverityRole).toString(), u"critical"_s);
        QCOMPARE(model.data(index, AlertModel::ScoreRole).toInt(), 88);
        QCOMPARE(model.data(index, AlertModel::ScoreBandRole).toString(), u"high"_s);
        QCOMPARE(model.data(index, AlertModel::CountRole).toLongLong(), 9);
        QCOMPARE(model.data(index, AlertModel::HostRole).toString(), u"web-01"_s);
        QCOMPARE(model.data(index, AlertModel::SourceIpRole).toString(), u"203.0.113.7"_s);
        QCOMPARE(model.data(index, AlertModel::StatusRole).toString(), u"open"_s);
        QCOMPARE(model.data(index, AlertModel::ActionSummaryRole).toString(),
            u"ip_block 203.0.113.7 (executed), notify (pending)"_s);
        QCOMPARE(model.data(index, AlertModel::LastSeenRole).toDateTime(),
            QDateTime(QDate(2026, 11, 23), QTime(10, 15, 30, 123), Qt::UTC));
        QCOMPARE(model.data(index, AlertModel::FirstSeenRole).toDateTime(),
            QDateTime(QDate(2026, 11, 23), QTime(10, 0), Qt::UTC));
    }

    void malformedAlertsAreRejected_data() {
        QTest::addColumn<QJsonValue>("id");
        QTest::addRow("missing") << QJsonValue(QJsonValue::Undefined);
        QTest::addRow("string") << QJsonValue(u"7"_s);
        QTest::addRow("negative") << QJsonValue(-1);
        QTest::addRow("fraction") << QJsonValue(7.5);
        QTest::addRow("beyond 2^53") << QJsonValue(1e300);
        QTest::addRow("null") << QJsonValue(QJsonValue::Null);
    }
    void malformedAlertsAreRejected() {
        QFETCH(QJsonValue, id);
        AlertModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QJsonObject json = alert(1, at(1));
        if (id.isUndefined())
            json.remove(u"id"_s);
        else
            json[u"id"_s] = id;
        QVERIFY(!model.applyCreated(json));
        QVERIFY(!model.applyUpdated(json));
        QCOMPARE(model.count(), 0);
    }

    void createdInsertsAtItsPlace() {
        AlertModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.replaceAll({alert(1, at(10)), alert(2, at(5))}), 0);
        QSignalSpy inserted(&model, &AlertModel::rowsInserted);
        QSignalSpy countChanged(&model, &AlertModel::countChanged);

        QVERIFY(model.applyCreated(alert(3, at(20))));
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 0);
        QCOMPARE(inserted.at(0).at(2).toInt(), 0);
        QCOMPARE(countChanged.count(), 1);

        // One that arrives late (older than the top) still lands where its last_seen puts it.
        QVERIFY(model.applyCreated(alert(4, at(7))));
        QCOMPARE(inserted.at(1).at(1).toInt(), 2);
        QCOMPARE(ids(model), (QList<qint64> {3, 1, 4, 2}));
    }

    void updatedChangesTheRowInPlaceAndMovesItToTheTop() {
        AlertModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.replaceAll({alert(1, at(30)), alert(2, at(20)), alert(3, at(10))}), 0);
        QSignalSpy moved(&model, &AlertModel::rowsMoved);
        QSignalSpy changed(&model, &AlertModel::dataChanged);
        QSignalSpy inserted(&model, &AlertModel::rowsInserted);
        QSignalSpy removed(&model, &AlertModel::rowsRemoved);

        QJsonObject update = alert(3, at(40), u"SSH brute force (again)"_s);
        update[u"count"_s] = 12;
        QVERIFY(model.applyUpdated(update));
        QCOMPARE(ids(model), (QList<qint64> {3, 1, 2}));
        QCOMPARE(moved.count(), 1);
        QCOMPARE(moved.at(0).at(1).toInt(), 2); // from row 2 …
        QCOMPARE(moved.at(0).at(4).toInt(), 0); // … to before row 0
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).value<QModelIndex>().row(), 0);
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(model.data(model.index(0), AlertModel::CountRole).toLongLong(), 12);
        QCOMPARE(model.data(model.index(0), AlertModel::TitleRole).toString(), u"SSH brute force (again)"_s);

        // Already on top: only the data changes.
        QVERIFY(model.applyUpdated(alert(3, at(41))));
        QCOMPARE(moved.count(), 1);
        QCOMPARE(changed.count(), 2);
    }

    void updateWithoutNewOccurrenceKeepsItsPlace() {
        AlertModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.replaceAll({alert(1, at(30)), alert(2, at(20)), alert(3, at(10))}), 0);
        QSignalSpy moved(&model, &AlertModel::rowsMoved);
        QJsonObject acknowledged = alert(2, at(20));
        acknowledged[u"status"_s] = u"acknowledged"_s;
        acknowledged[u"updated_at"_s] = at(50);
        QVERIFY(model.applyUpdated(acknowledged));
        QCOMPARE(moved.count(), 0);
        QCOMPARE(ids(model), (QList<qint64> {1, 2, 3}));
        QCOMPARE(model.data(model.index(1), AlertModel::StatusRole).toString(), u"acknowledged"_s);
    }

    void staleUpdateIsIgnored() {
        AlertModel model;
        QCOMPARE(model.replaceAll({alert(1, at(30))}), 0);
        QJsonObject stale = alert(1, at(20));
        stale[u"count"_s] = 2;
        QVERIFY(model.applyUpdated(stale));
        QCOMPARE(model.data(model.index(0), AlertModel::CountRole).toLongLong(), 9);
        QCOMPARE(model.data(model.index(0), AlertModel::LastSeenRole).toDateTime().time().minute(), 30);
    }

    void updateOfAnUnknownAlertInsertsIt() {
        AlertModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.applyUpdated(alert(5, at(1))));
        QVERIFY(model.applyCreated(alert(5, at(2)))); // the stream and a refetch crossing: no duplicate
        QCOMPARE(model.count(), 1);
    }

    void feedIsBounded() {
        AlertModel model;
        QJsonArray items;
        for (int i = 0; i <= AlertModel::kMaxRows; ++i)
            items.append(alert(i, QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC).addSecs(i).toString(Qt::ISODate)));
        QCOMPARE(model.replaceAll(items), 0);
        QCOMPARE(model.count(), AlertModel::kMaxRows);
        QCOMPARE(model.rowOf(0), -1); // the oldest fell off
        QCOMPARE(model.rowOf(AlertModel::kMaxRows), 0);

        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.applyCreated(alert(100'000, u"2027-01-01T00:00:00.000Z"_s)));
        QCOMPARE(model.count(), AlertModel::kMaxRows);
        QCOMPARE(model.rowOf(100'000), 0);
        QCOMPARE(model.rowOf(1), -1);
    }

    void clearEmptiesTheModel() {
        AlertModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.replaceAll({alert(1, at(1))}), 0);
        QSignalSpy countChanged(&model, &AlertModel::countChanged);
        model.clear();
        QCOMPARE(model.count(), 0);
        QCOMPARE(countChanged.count(), 1);
    }
};

QTEST_GUILESS_MAIN(TestAlertModel)
#include "tst_alertmodel.moc"
