// SPDX-License-Identifier: Apache-2.0
#include "approvalmodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace vanopticon::console;
using namespace Qt::StringLiterals;

namespace {

// A decision shaped as docs/API.md gives it.
QJsonObject decision(qint64 id, const QString &requestedAt, const QString &status = u"pending"_s) {
    return QJsonObject {
        {u"id"_s, id},
        {u"alert_id"_s, 7},
        {u"policy"_s, u"block_bruteforce_source"_s},
        {u"action"_s, u"ip_block"_s},
        {u"target"_s, u"203.0.113.%1"_s.arg(id)},
        {u"parameters"_s, QJsonObject {{u"address"_s, u"203.0.113.7"_s}, {u"duration_seconds"_s, 3600}}},
        {u"risk"_s, u"medium"_s},
        {u"rationale"_s, u"9 failed logins in 60 s"_s},
        {u"status"_s, status},
        {u"node_id"_s, u"node_1"_s},
        {u"requested_at"_s, requestedAt},
        {u"decided_at"_s, QJsonValue::Null},
        {u"decided_by"_s, QJsonValue::Null},
        {u"reason"_s, QJsonValue::Null},
        {u"result"_s, QJsonValue::Null},
    };
}

QString at(int minute) {
    return u"2026-11-23T10:%1:00.000Z"_s.arg(minute, 2, 10, QLatin1Char('0'));
}

QList<qint64> ids(const ApprovalModel &model) {
    QList<qint64> result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(model.data(model.index(row), ApprovalModel::DecisionIdRole).toLongLong());
    return result;
}

} // namespace

class TestApprovalModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roleNames() {
        ApprovalModel model;
        const auto names = model.roleNames();
        for (const char *name :
            {"decisionId", "alertId", "policy", "action", "target", "risk", "rationale", "requestedAt", "submitting"})
            QVERIFY2(names.values().contains(QByteArray(name)), name);
        QCOMPARE(names.value(Qt::UserRole), QByteArray("decisionId"));
    }

    void listKeepsPendingDecisionsOldestFirst() {
        ApprovalModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy currentChanged(&model, &ApprovalModel::currentChanged);
        QCOMPARE(model.currentId(), -1);
        QVERIFY(model.current().isEmpty());

        QCOMPARE(model.replaceAll({decision(5, at(30)), decision(3, at(10)), decision(4, at(20), u"approved"_s),
                     QJsonObject {{u"status"_s, u"pending"_s}}}),
            1);
        QCOMPARE(ids(model), (QList<qint64> {3, 5}));
        QCOMPARE(model.currentId(), 3);
        QCOMPARE(currentChanged.count(), 1);
        const QVariantMap current = model.current();
        QCOMPARE(current.value(u"decisionId"_s).toLongLong(), 3);
        QCOMPARE(current.value(u"alertId"_s).toLongLong(), 7);
        QCOMPARE(current.value(u"action"_s).toString(), u"ip_block"_s);
        QCOMPARE(current.value(u"target"_s).toString(), u"203.0.113.3"_s);
        QCOMPARE(current.value(u"risk"_s).toString(), u"medium"_s);
        QCOMPARE(current.value(u"policy"_s).toString(), u"block_bruteforce_source"_s);
        QCOMPARE(current.value(u"rationale"_s).toString(), u"9 failed logins in 60 s"_s);
        QCOMPARE(current.value(u"submitting"_s).toBool(), false);
        QCOMPARE(current.value(u"requestedAt"_s).toDateTime(), QDateTime(QDate(2026, 11, 23), QTime(10, 10), Qt::UTC));
    }

    void requestedQueuesAndDecidedRemoves() {
        ApprovalModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &ApprovalModel::rowsInserted);
        QSignalSpy removed(&model, &ApprovalModel::rowsRemoved);
        QSignalSpy countChanged(&model, &ApprovalModel::countChanged);
        QSignalSpy currentChanged(&model, &ApprovalModel::currentChanged);
        QSignalSpy currentIdChanged(&model, &ApprovalModel::currentIdChanged);

        QVERIFY(model.applyRequested(decision(3, at(10))));
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(model.currentId(), 3);
        QCOMPARE(currentIdChanged.count(), 1);
        QCOMPARE(currentChanged.count(), 1);

        // A second request queues behind the first: the head (what the prompt shows) stays.
        QVERIFY(model.applyRequested(decision(4, at(11))));
        QCOMPARE(ids(model), (QList<qint64> {3, 4}));
        QCOMPARE(inserted.at(1).at(1).toInt(), 1);
        QCOMPARE(currentIdChanged.count(), 1);
        QCOMPARE(currentChanged.count(), 1);
        QCOMPARE(countChanged.count(), 2);

        // The same request again (stream and refetch crossing) is no second row.
        QVERIFY(model.applyRequested(decision(4, at(11))));
        QCOMPARE(model.count(), 2);

        QVERIFY(model.applyDecided(decision(3, at(10), u"approved"_s)));
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.at(0).at(1).toInt(), 0);
        QCOMPARE(model.currentId(), 4);
        QCOMPARE(currentIdChanged.count(), 2);
        QCOMPARE(model.current().value(u"target"_s).toString(), u"203.0.113.4"_s);

        // Deciding something not queued changes nothing.
        QVERIFY(model.applyDecided(decision(99, at(1), u"denied"_s)));
        QCOMPARE(model.count(), 1);
        QVERIFY(!model.applyDecided(QJsonObject {{u"status"_s, u"denied"_s}}));

        QVERIFY(model.applyDecided(decision(4, at(11), u"denied"_s)));
        QCOMPARE(model.count(), 0);
        QCOMPARE(model.currentId(), -1);
        QVERIFY(model.current().isEmpty());
        QCOMPARE(currentIdChanged.count(), 3);
    }

    void requestThatIsNoLongerPendingIsNotQueued() {
        ApprovalModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.applyRequested(decision(3, at(10))));
        QVERIFY(model.applyRequested(decision(3, at(10), u"executed"_s)));
        QVERIFY(model.applyRequested(decision(4, at(10), u"dry_run"_s)));
        QCOMPARE(model.count(), 0);
    }

    void lateRequestQueuesByRequestTime() {
        ApprovalModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.applyRequested(decision(5, at(30))));
        QVERIFY(model.applyRequested(decision(3, at(10))));
        QCOMPARE(ids(model), (QList<qint64> {3, 5}));
        QCOMPARE(model.currentId(), 3);
    }

    void submittingIsShownAndSurvivesARefetch() {
        ApprovalModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.replaceAll({decision(3, at(10)), decision(4, at(11))}), 0);
        QSignalSpy changed(&model, &ApprovalModel::dataChanged);
        QSignalSpy currentChanged(&model, &ApprovalModel::currentChanged);
        QSignalSpy currentIdChanged(&model, &ApprovalModel::currentIdChanged);

        model.setSubmitting(3, true);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(2).value<QList<int>>(), QList<int> {ApprovalModel::SubmittingRole});
        QVERIFY(model.isSubmitting(3));
        QCOMPARE(model.data(model.index(0), ApprovalModel::SubmittingRole).toBool(), true);
        QCOMPARE(model.current().value(u"submitting"_s).toBool(), true);
        QCOMPARE(currentChanged.count(), 1);
        QCOMPARE(currentIdChanged.count(), 0);
        model.setSubmitting(3, true);
        QCOMPARE(changed.count(), 1);

        QCOMPARE(model.replaceAll({decision(3, at(10)), decision(4, at(11))}), 0);
        QVERIFY(model.isSubmitting(3));
        QVERIFY(!model.isSubmitting(4));
    }

    void queueIsBounded() {
        ApprovalModel model;
        for (int i = 0; i < ApprovalModel::kMaxRows; ++i)
            QVERIFY(model.applyRequested(decision(i, at(i % 60))));
        QVERIFY(!model.applyRequested(decision(ApprovalModel::kMaxRows, at(1))));
        QCOMPARE(model.count(), ApprovalModel::kMaxRows);
    }
};

QTEST_GUILESS_MAIN(TestApprovalModel)
#include "tst_approvalmodel.moc"
