// SPDX-License-Identifier: Apache-2.0
#include "storage/auditlog.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace vanopticon::storage;
using namespace Qt::StringLiterals;

class TestAuditLog : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;

    void appendThree(AuditLog &log) {
        QVERIFY(log.append(u"admin"_s, u"auth.login"_s, u"user/admin"_s, u"success"_s).ok());
        QVERIFY(log.append(u"alice"_s, u"approval.approve"_s, u"decision/1"_s, u"success"_s,
                       QJsonObject {{u"reason"_s, u"confirmed"_s}})
                    .ok());
        QVERIFY(log.append(u"bob"_s, u"approval.deny"_s, u"decision/2"_s, u"success"_s,
                       QJsonObject {{u"reason"_s, u"false positive"_s}})
                    .ok());
    }
    void exec(const QString &sql) {
        QSqlQuery q(m_db->handle());
        QVERIFY2(q.exec(sql), qPrintable(sql));
    }

private Q_SLOTS:
    void init() {
        m_db = std::make_unique<Database>();
        QVERIFY(m_db->open(m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + u".db"_s)).ok());
    }
    void cleanup() { m_db.reset(); }

    void chainIsIntact() {
        AuditLog log(*m_db);
        appendThree(log);
        auto records = log.list(10);
        QCOMPARE(records->size(), 3);
        QCOMPARE(records->first().action, u"approval.deny"_s); // newest first
        QCOMPARE(records->at(0).previousHash, records->at(1).hash);
        QCOMPARE(records->last().previousHash, QString(64, u'0'));
        auto check = log.verify();
        QCOMPARE(check->recordsChecked, 3);
        QVERIFY(!check->firstBrokenId.has_value());
    }

    void editIsDetected() {
        AuditLog log(*m_db);
        appendThree(log);
        exec(u"UPDATE audit_log SET details = '{\"reason\":\"whatever\"}' WHERE id = 2"_s);
        auto check = log.verify();
        QCOMPARE(check->firstBrokenId, std::optional<qint64>(2));
        QVERIFY(check->problem.contains(u"edited"));
    }

    void deletionIsDetected() {
        AuditLog log(*m_db);
        appendThree(log);
        exec(u"DELETE FROM audit_log WHERE id = 2"_s);
        auto check = log.verify();
        QCOMPARE(check->firstBrokenId, std::optional<qint64>(3));
        QVERIFY(check->problem.contains(u"deleted"));
    }

    void reorderingIsDetected() {
        AuditLog log(*m_db);
        appendThree(log);
        // Swap the contents of records 2 and 3 while keeping ids in sequence.
        exec(u"UPDATE audit_log SET id = 100 WHERE id = 2"_s);
        exec(u"UPDATE audit_log SET id = 2 WHERE id = 3"_s);
        exec(u"UPDATE audit_log SET id = 3 WHERE id = 100"_s);
        auto check = log.verify();
        QCOMPARE(check->firstBrokenId, std::optional<qint64>(2));
    }

    void rewritingTheTailIsDetectedUnlessEveryHashIsRecomputed() {
        AuditLog log(*m_db);
        appendThree(log);
        exec(u"UPDATE audit_log SET actor = 'mallory' WHERE id = 1"_s);
        QCOMPARE(log.verify()->firstBrokenId, std::optional<qint64>(1));
    }
};

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_auditlog.moc"
