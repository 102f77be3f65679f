// SPDX-License-Identifier: Apache-2.0
#include "storage/alerts.h"
#include "storage/database.h"
#include "storage/decisions.h"
#include "storage/events.h"
#include "storage/migrations.h"
#include "storage/nodes.h"
#include "storage/users.h"

#include <QFileInfo>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace vanopticon;
using namespace vanopticon::storage;
using namespace Qt::StringLiterals;

class TestStorage : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;

    void addNode(const QString &id) {
        NodeRepository nodes(*m_db);
        NodeRecord node;
        node.id = id;
        node.hostname = u"web-01"_s;
        node.publicKey = QByteArray(32, 'k');
        node.enrolledAt = 1000;
        QVERIFY(nodes.create(node).ok());
    }

    static int pragma(QSqlDatabase &db, const QString &name) {
        QSqlQuery query(db);
        if (!query.exec(u"PRAGMA "_s + name) || !query.next())
            return -1;
        return query.value(0).toInt();
    }

    // Batches of events with a 1,000-byte raw line each (~100 KB per batch of 100), for node_1,
    // numbered from `firstSequence`.
    void writeEvents(int batches, int perBatch, std::uint64_t firstSequence) {
        EventRepository events(*m_db);
        const std::string filler(1000, 'x');
        std::uint64_t sequence = firstSequence;
        for (int b = 0; b < batches; ++b) {
            EventBatch batch;
            for (int i = 0; i < perBatch; ++i, ++sequence) {
                Event &event = batch.addEvent();
                event.sequence = sequence;
                event.timestampNs = 1'700'000'000'000'000'000 + std::int64_t(sequence);
                batch.setField(event, field::EventType, "auth_failed");
                batch.setField(event, field::Raw, filler);
            }
            QVERIFY(m_db->transaction([&]() -> Result<void> {
                auto stored = events.insertBatch(u"node_1"_s, batch, 1);
                if (!stored)
                    return stored.error();
                return {};
            }));
        }
    }

private Q_SLOTS:
    void init() {
        m_db = std::make_unique<Database>();
        QVERIFY(m_db->open(m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + u".db"_s)).ok());
    }
    void cleanup() { m_db.reset(); }

    void migrationsApplyOnceAndRefuseNewerSchemas() {
        QCOMPARE(m_db->schemaVersion(), latestSchemaVersion());
        const QString path = m_db->handle().databaseName();
        m_db.reset();
        Database again;
        QVERIFY(again.open(path).ok()); // reopening applies nothing and fails nothing
        QSqlQuery q(again.handle());
        QVERIFY(q.exec(u"SELECT COUNT(*) FROM schema_migrations"_s) && q.next());
        QCOMPARE(q.value(0).toInt(), latestSchemaVersion());
        QVERIFY(q.exec(u"INSERT INTO schema_migrations VALUES (999, 'future', 0)"_s));
        again.close();
        Database newer;
        auto opened = newer.open(path);
        QVERIFY(!opened.ok());
        QVERIFY(QString::fromStdString(opened.error().message).contains(u"newer than this release"));
    }

    // A new database gets large pages; one created before keeps its own, and the log's
    // checkpoint thresholds (sizes) are counted in the pages each one has.
    void pagesAreLargeInANewDatabaseAndKeptInAnOldOne() {
        QCOMPARE(pragma(m_db->handle(), u"page_size"_s), Database::kPageBytes);
        QCOMPARE(m_db->checkpointer()->wakePages(), WalCheckpointer::kWakeBytes / Database::kPageBytes);
        QCOMPARE(m_db->checkpointer()->inlinePages(), WalCheckpointer::kInlineBytes / Database::kPageBytes);

        const QString oldPath = m_dir.filePath(u"old-pages.db"_s);
        {
            QSqlDatabase old = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"old-pages"_s);
            old.setDatabaseName(oldPath);
            QVERIFY(old.open());
            QSqlQuery create(old);
            QVERIFY(create.exec(u"PRAGMA page_size = 4096"_s));
            QVERIFY(create.exec(u"CREATE TABLE before_us (x)"_s));
            old.close();
        }
        QSqlDatabase::removeDatabase(u"old-pages"_s);
        Database reopened;
        QVERIFY(reopened.open(oldPath).ok());
        QCOMPARE(pragma(reopened.handle(), u"page_size"_s), 4096);
        QCOMPARE(reopened.checkpointer()->wakePages(), WalCheckpointer::kWakeBytes / 4096);
        QCOMPARE(reopened.checkpointer()->inlinePages(), WalCheckpointer::kInlineBytes / 4096);
    }

    // The write-ahead log is checkpointed by its own thread: the writer commits on, the log stays
    // bounded (kInlineBytes, when the writer catches up what the thread could not) while far more
    // is written, and everything written is there.
    void theLogIsCheckpointedOffTheWritersThread() {
        addNode(u"node_1"_s);
        const WalCheckpointer *checkpointer = m_db->checkpointer();
        QVERIFY(checkpointer != nullptr);
        constexpr int kBatches = 400;
        constexpr int kPerBatch = 100;
        writeEvents(kBatches, kPerBatch, 1); // 40 MB
        QTRY_VERIFY(checkpointer->figures().checkpoints >= 1);
        QTRY_VERIFY(checkpointer->figures().pagesCopied > std::uint64_t(checkpointer->wakePages()));
        QCOMPARE(checkpointer->figures().failures, std::uint64_t(0));
        // Unchecked, the log would hold every page written (~75 MB here).
        const qint64 logBytes = QFileInfo(m_db->handle().databaseName() + u"-wal"_s).size();
        QVERIFY2(logBytes < WalCheckpointer::kInlineBytes + (2 << 20), qPrintable(QString::number(logBytes)));
        QSqlQuery count(m_db->handle());
        QVERIFY(count.exec(u"SELECT COUNT(*) FROM events"_s) && count.next());
        QCOMPARE(count.value(0).toInt(), kBatches * kPerBatch);
    }

    // A reader holding its snapshot keeps checkpoints from reaching the log's end, so the log
    // grows past its usual size; once the reader is gone and the log starts over, the file is
    // cut back to the limit instead of keeping the spike's size on disk.
    void aLogGrownInASpikeIsCutBack() {
        addNode(u"node_1"_s);
        const QString path = m_db->handle().databaseName();
        const QString reader = u"spike-reader"_s;
        {
            QSqlDatabase snapshot = QSqlDatabase::addDatabase(u"QSQLITE"_s, reader);
            snapshot.setDatabaseName(path);
            QVERIFY(snapshot.open());
            QVERIFY(snapshot.transaction());
            QSqlQuery read(snapshot);
            QVERIFY(read.exec(u"SELECT COUNT(*) FROM events"_s) && read.next());
            writeEvents(600, 100, 1); // ~60 MB, none of it checkpointable past the snapshot
            const qint64 spike = QFileInfo(path + u"-wal"_s).size();
            QVERIFY2(spike > 2 * Database::kWalSizeLimitBytes, qPrintable(QString::number(spike)));
            // The writer's checkpoints gave up at once rather than wait for the reader (which
            // would have held every commit past 4,000 pages for the 5 s busy timeout).
            QVERIFY(m_db->checkpointer()->figures().busy > 0);
            read.finish();
            QVERIFY(snapshot.commit());
            snapshot.close();
        }
        QSqlDatabase::removeDatabase(reader);
        writeEvents(200, 100, 600 * 100 + 1); // more than one RESTART's worth: the log starts over
        const qint64 after = QFileInfo(path + u"-wal"_s).size();
        QVERIFY2(after <= Database::kWalSizeLimitBytes, qPrintable(QString::number(after)));
    }

    // Work that succeeds is committed; work that fails is undone and its error returned; a
    // transaction cannot begin inside another; the connection is usable after each.
    void transactionsCommitOrRollBack() {
        const auto count = [&] {
            QSqlQuery q(m_db->handle());
            return q.exec(u"SELECT COUNT(*) FROM nodes"_s) && q.next() ? q.value(0).toInt() : -1;
        };
        const auto insertNode = [&](const QString &id) -> Result<void> {
            QSqlQuery q(m_db->handle());
            if (!q.exec(u"INSERT INTO nodes (id, hostname, public_key, enrolled_at) VALUES ('"_s + id
                    + u"', 'h', x'00', 1)"_s))
                return sqlError(u"insert"_s, q);
            return {};
        };
        QVERIFY(m_db->transaction([&] { return insertNode(u"node_a"_s); }).ok());
        QCOMPARE(count(), 1);

        auto failed = m_db->transaction([&]() -> Result<void> {
            if (auto inserted = insertNode(u"node_b"_s); !inserted)
                return inserted;
            return makeError("the work failed");
        });
        QVERIFY(!failed.ok());
        QCOMPARE(QString::fromStdString(failed.error().message), u"the work failed"_s);
        QCOMPARE(count(), 1); // node_b was rolled back

        auto nested = m_db->transaction([&] { return m_db->transaction([&] { return insertNode(u"node_c"_s); }); });
        QVERIFY(!nested.ok());
        QVERIFY2(QString::fromStdString(nested.error().message).startsWith(u"cannot begin a transaction"_s),
            nested.error().message.c_str());
        QCOMPARE(count(), 1);

        QVERIFY(m_db->transaction([&] { return insertNode(u"node_d"_s); }).ok());
        QCOMPARE(count(), 2);
    }

    void usersAndSessions() {
        UserRepository users(*m_db);
        QCOMPARE(*users.count(), 0);
        auto id = users.create(u"admin"_s, u"$argon2id$hash"_s, u"administrator"_s);
        QVERIFY(id.ok());
        QVERIFY(!users.create(u"admin"_s, u"x"_s, u"viewer"_s).ok()); // unique names
        auto found = users.findByName(u"admin"_s);
        QVERIFY(found.ok() && found->has_value());
        QCOMPARE((*found)->role, u"administrator"_s);
        QVERIFY(users.createSession(u"hash1"_s, *id, 5000).ok());
        QVERIFY(users.findSession(u"hash1"_s, 4999)->has_value());
        QVERIFY(!users.findSession(u"hash1"_s, 5000)->has_value()); // expired
        QVERIFY(!users.findSession(u"other"_s, 0)->has_value());
    }

    void enrollmentTokensAreSingleUseAndExpire() {
        NodeRepository nodes(*m_db);
        QVERIFY(nodes.createEnrollmentToken(u"t1"_s, u"web"_s, u"admin"_s, 10'000).ok());
        QCOMPARE(*nodes.consumeEnrollmentToken(u"t1"_s, u"node_a"_s, 9'000), true);
        QCOMPARE(*nodes.consumeEnrollmentToken(u"t1"_s, u"node_b"_s, 9'000), false); // used
        QVERIFY(nodes.createEnrollmentToken(u"t2"_s, u""_s, u"admin"_s, 10'000).ok());
        QCOMPARE(*nodes.consumeEnrollmentToken(u"t2"_s, u"node_c"_s, 10'000), false); // expired
        QCOMPARE(*nodes.consumeEnrollmentToken(u"nope"_s, u"node_d"_s, 0), false);
    }

    void eventsAreStoredOnceByNodeAndSequence() {
        addNode(u"node_a"_s);
        EventBatch batch;
        for (std::uint64_t seq : {1u, 2u, 3u}) {
            Event &e = batch.addEvent();
            e.sequence = seq;
            e.timestampNs = 1'700'000'000'000'000'000 + static_cast<std::int64_t>(seq);
            batch.setField(e, field::EventType, "auth_failed");
            batch.setField(e, field::SourceIp, "203.0.113.7");
            batch.setField(e, field::Message, "Failed password for \"root\"\n");
        }
        EventRepository events(*m_db);
        auto first = events.insertBatch(u"node_a"_s, batch, 1);
        QVERIFY(first.ok());
        QCOMPARE(first->stored, 3);
        QVERIFY(first->eventIds[0] > 0 && first->eventIds[2] > first->eventIds[0]);
        auto again = events.insertBatch(u"node_a"_s, batch, 2);
        QVERIFY(again.ok());
        QCOMPARE(again->stored, 0);
        QCOMPARE(again->duplicates, 3);
        QCOMPARE(again->eventIds, std::vector<std::uint64_t>(3, 0));

        auto evidence = events.evidence({qint64(first->eventIds[1])});
        QVERIFY(evidence.ok());
        QCOMPARE(evidence->size(), 1);
        const QJsonObject item = evidence->at(0).toObject();
        QCOMPARE(item[u"event_type"_s].toString(), u"auth_failed"_s);
        QCOMPARE(item[u"message"_s].toString(), u"Failed password for \"root\"\n"_s);
        QCOMPARE(item[u"fields"_s].toObject()[u"SourceIp"_s].toString(), u"203.0.113.7"_s);
        QVERIFY(item[u"timestamp"_s].toString().startsWith(u"2023-11-14T"));
    }

    void onlyOneOpenAlertPerDedupKey() {
        AlertRepository alerts(*m_db);
        AlertRecord alert;
        alert.dedupKey = u"ssh_brute_force|203.0.113.7"_s;
        alert.ruleId = u"ssh_brute_force"_s;
        alert.title = u"SSH brute force"_s;
        alert.severity = u"high"_s;
        alert.status = u"open"_s;
        alert.scoreBand = u"high"_s;
        alert.explanation = u"…"_s;
        alert.group = QJsonObject {{u"SourceIp"_s, u"203.0.113.7"_s}};
        auto id = alerts.insert(alert);
        QVERIFY(id.ok());
        QVERIFY(!alerts.insert(alert).ok()); // a second open alert with the same key is refused
        auto open = alerts.findOpen(alert.dedupKey);
        QVERIFY(open.ok() && open->has_value());
        AlertRecord updated = **open;
        updated.count = 9;
        updated.status = u"resolved"_s;
        QVERIFY(alerts.update(updated).ok());
        QVERIFY(!alerts.findOpen(alert.dedupKey)->has_value());
        QVERIFY(alerts.insert(alert).ok()); // once resolved, a new one may open
        QCOMPARE((*alerts.get(*id))->group[u"SourceIp"_s].toString(), u"203.0.113.7"_s);
        QCOMPARE(alerts.list(u"open"_s, 10)->size(), 1);
        QCOMPARE(alerts.list(QString(), 10)->size(), 2);
    }

    void evidenceIsCapped() {
        addNode(u"node_a"_s);
        EventBatch batch;
        for (std::uint64_t seq = 1; seq <= 10; ++seq) {
            Event &e = batch.addEvent();
            e.sequence = seq;
            e.timestampNs = 1;
            batch.setField(e, field::EventType, "auth_failed");
        }
        EventRepository events(*m_db);
        auto stored = events.insertBatch(u"node_a"_s, batch, 1);
        QVERIFY(stored.ok());
        AlertRepository alerts(*m_db);
        AlertRecord alert;
        alert.dedupKey = u"k"_s;
        alert.status = u"open"_s;
        const qint64 alertId = *alerts.insert(alert);
        QList<qint64> ids;
        for (auto id : stored->eventIds)
            ids.append(qint64(id));
        QVERIFY(alerts.addEvidence(alertId, ids.mid(0, 6), 8).ok());
        QVERIFY(alerts.addEvidence(alertId, ids.mid(4), 8).ok()); // overlaps are not double counted
        QCOMPARE(alerts.evidenceIds(alertId)->size(), 8);
        QCOMPARE(alerts.evidenceIds(alertId)->first(), ids.first());
        // Full at 8 is remembered for 8, not for a larger maximum.
        QVERIFY(alerts.addEvidence(alertId, ids, 8).ok());
        QCOMPARE(alerts.evidenceIds(alertId)->size(), 8);
        QVERIFY(alerts.addEvidence(alertId, ids, 9).ok());
        QCOMPARE(alerts.evidenceIds(alertId)->size(), 9);
    }

    void anOpenAlertGrowsInPlace() {
        AlertRepository alerts(*m_db);
        AlertRecord alert;
        alert.dedupKey = u"ssh_brute_force|203.0.113.7"_s;
        alert.status = u"open"_s;
        alert.count = 5;
        alert.firstSeen = 2'000;
        alert.lastSeen = 3'000;
        alert.group = QJsonObject {{u"SourceIp"_s, u"203.0.113.7"_s}};
        const qint64 id = *alerts.insert(alert);

        AlertGrowth growth {
            .count = 3, .firstSeen = 1'000, .lastSeen = 2'500, .nodeId = u"node_b"_s, .host = u"web-01"_s, .at = 9'000};
        auto grown = alerts.grow(alert.dedupKey, growth);
        QVERIFY(grown.ok() && grown->has_value());
        QCOMPARE((*grown)->id, id);
        QCOMPARE((*grown)->count, 8);
        QCOMPARE((*grown)->firstSeen, 1'000); // earlier: widened
        QCOMPARE((*grown)->lastSeen, 3'000); // not later: kept
        QCOMPARE((*grown)->nodeId, u"node_b"_s);
        QCOMPARE((*grown)->host, u"web-01"_s);
        QCOMPARE((*grown)->updatedAt, 9'000);
        QCOMPARE((*grown)->group[u"SourceIp"_s].toString(), u"203.0.113.7"_s);
        QCOMPARE((*alerts.get(id))->count, 8); // stored, not only returned

        QVERIFY(!alerts.grow(u"another|key"_s, growth)->has_value());
        AlertRecord resolved = **grown;
        resolved.status = u"resolved"_s;
        QVERIFY(alerts.update(resolved).ok());
        QVERIFY(!alerts.grow(alert.dedupKey, growth)->has_value()); // only an open alert grows
        QCOMPARE((*alerts.get(id))->count, 8);
    }

    void decisionsAreDecidedOnce() {
        AlertRepository alerts(*m_db);
        AlertRecord alert;
        alert.dedupKey = u"k"_s;
        alert.status = u"open"_s;
        const qint64 alertId = *alerts.insert(alert);
        DecisionRepository decisions(*m_db);
        DecisionRecord d;
        d.alertId = alertId;
        d.policy = u"block_bruteforce_source"_s;
        d.action = u"ip_block"_s;
        d.target = u"203.0.113.7"_s;
        d.parameters = QJsonObject {{u"address"_s, d.target}, {u"duration_seconds"_s, 3600}};
        d.risk = u"medium"_s;
        d.rationale = u"because"_s;
        d.status = u"pending"_s;
        d.nodeId = u"node_a"_s;
        d.requestedAt = 100;
        auto id = decisions.insert(d);
        QVERIFY(id.ok());
        QVERIFY(*decisions.isInForce(u"ip_block"_s, d.target, 200));
        QVERIFY(!*decisions.isInForce(u"ip_block"_s, u"198.51.100.1"_s, 200)); // another target
        QVERIFY(!*decisions.isInForce(u"process_kill"_s, d.target, 200)); // another action
        QCOMPARE(decisions.list(u"pending"_s, 10)->size(), 1);
        QCOMPARE(*decisions.decide(*id, u"approved"_s, u"alice"_s, u"confirmed attack"_s, 300), true);
        QCOMPARE(*decisions.decide(*id, u"denied"_s, u"bob"_s, u"too late"_s, 301), false);
        QVERIFY(decisions.markDispatched(*id, u"cmd-1"_s).ok());
        QCOMPARE((*decisions.findByCommand(u"cmd-1"_s))->id, *id);
        QVERIFY(decisions.recordResult(*id, u"executed"_s, u"blocked"_s, 400, 3'600'400).ok());
        const DecisionRecord done = **decisions.get(*id);
        QCOMPARE(done.status, u"executed"_s);
        QCOMPARE(done.decidedBy, u"alice"_s);
        QCOMPARE(done.reason, u"confirmed attack"_s);
        QVERIFY(*decisions.isInForce(u"ip_block"_s, d.target, 3'600'399));
        QVERIFY(!*decisions.isInForce(u"ip_block"_s, d.target, 3'600'400)); // lapsed
        const QJsonObject json = toJson(done);
        QCOMPARE(json[u"result"_s].toObject()[u"status"_s].toString(), u"executed"_s);
        QCOMPARE(json[u"decided_by"_s].toString(), u"alice"_s);

        // An alert's decisions, oldest first, read whole (the alert path's own statement).
        DecisionRecord later = d;
        later.action = u"process_kill"_s;
        later.target = u"4242"_s;
        later.parameters = QJsonObject {{u"pid"_s, 4242}, {u"note"_s, u"«quoted» \"text\""_s}};
        later.requestedAt = 500;
        const qint64 laterId = *decisions.insert(later);
        AlertRecord other = alert;
        other.dedupKey = u"other"_s;
        DecisionRecord elsewhere = d;
        elsewhere.alertId = *alerts.insert(other);
        QVERIFY(decisions.insert(elsewhere).ok());
        const auto listed = decisions.listForAlert(alertId);
        QVERIFY(listed.ok());
        QCOMPARE(listed->size(), 2);
        QCOMPARE(toJson(listed->at(0)), json);
        QCOMPARE(listed->at(0).parameters, d.parameters);
        QCOMPARE(listed->at(0).activeUntil, 3'600'400);
        QCOMPARE(listed->at(1).id, laterId);
        QCOMPARE(listed->at(1).parameters, later.parameters);
        QCOMPARE(toJson(listed->at(1)), toJson(**decisions.get(laterId)));
        QVERIFY(decisions.listForAlert(alertId + 1000)->isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestStorage)
#include "tst_storage.moc"
