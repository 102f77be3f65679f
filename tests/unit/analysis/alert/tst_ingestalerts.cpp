// SPDX-License-Identifier: Apache-2.0
// Ingest → correlation (shipped rules) → alerts, on a real database.
#include "analysis/alert/alertmanager.h"
#include "analysis/correlate/correlationengine.h"
#include "analysis/correlate/ruleloader.h"
#include "analysis/ingest/ingestor.h"
#include "shared/bus/eventbus.h"
#include "storage/alerts.h"
#include "storage/database.h"
#include "storage/nodes.h"

#include <QDateTime>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace vanopticon;
using namespace vanopticon::analysis;
using namespace Qt::StringLiterals;

namespace {

struct Line {
    const char *type;
    const char *user;
    const char *ip;
};

class BatchBuilder {
public:
    explicit BatchBuilder(std::int64_t startNs)
        : m_timeNs(startNs) { }
    v1::EventBatch build(std::initializer_list<Line> lines, std::int64_t stepNs = 1'000'000'000) {
        v1::EventBatch batch;
        batch.set_batch_sequence(++m_batch);
        for (const Line &line : lines) {
            v1::Event *e = batch.add_events();
            e->set_sequence(++m_sequence);
            e->set_timestamp_unix_nanos(m_timeNs += stepNs);
            e->set_event_type(line.type);
            e->set_service("sshd");
            e->set_category("authentication");
            e->set_host("web-01");
            auto *user = e->add_fields();
            user->set_name("User");
            user->set_value(line.user);
            auto *ip = e->add_fields();
            ip->set_name("SourceIp");
            ip->set_value(line.ip);
        }
        return batch;
    }

private:
    std::int64_t m_timeNs;
    std::uint64_t m_sequence = 0;
    std::uint64_t m_batch = 0;
};

// As the gateway hands batches on: decoded from their encoding.
Result<IngestResult> ingest(Ingestor &ingestor, const v1::EventBatch &message) {
    auto batch = wire::decodeBatch(message);
    if (!batch)
        return batch.error();
    return ingestor.ingest(u"node_1"_s, *batch);
}

wire::IncomingBatch decoded(const v1::EventBatch &message) {
    auto batch = wire::decodeBatch(message);
    if (!batch)
        qFatal("a test batch does not decode: %s", batch.error().message.c_str());
    return std::move(*batch);
}

constexpr Line fail(const char *ip, const char *user = "root") {
    return {"auth_failed", user, ip};
}
constexpr Line success(const char *ip, const char *user) {
    return {"auth_success", user, ip};
}

} // namespace

class TestIngestAlerts : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<storage::Database> m_db;
    EventBus m_bus;
    ThreatScorer m_scorer;
    std::unique_ptr<CorrelationEngine> m_engine;
    std::unique_ptr<AlertManager> m_alerts;
    std::unique_ptr<Ingestor> m_ingestor;
    static constexpr std::chrono::milliseconds kUpdateInterval {300};
    QStringList m_published;
    QList<Notification> m_notifications;
    QList<std::pair<qint64, bool>> m_told; // what the shield listener heard
    std::int64_t m_nowNs = QDateTime::currentMSecsSinceEpoch() * 1'000'000 - 3'600'000'000'000;

    void enroll(const QString &id) {
        storage::NodeRecord node;
        node.id = id;
        node.hostname = id;
        node.publicKey = QByteArray(32, 'k');
        node.enrolledAt = 1;
        QVERIFY(storage::NodeRepository(*m_db).create(node).ok());
    }
    qint64 count(const QString &sql) {
        QSqlQuery query(m_db->handle());
        if (!query.exec(sql) || !query.next())
            qFatal("test query failed: %s", qPrintable(sql));
        return query.value(0).toLongLong();
    }

    QList<storage::AlertRecord> openAlerts() {
        storage::AlertRepository alerts(*m_db);
        return *alerts.list(u"open"_s, 100);
    }

private Q_SLOTS:
    void init() {
        m_db = std::make_unique<storage::Database>();
        QVERIFY(m_db->open(m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + u".db"_s)).ok());
        storage::NodeRepository nodes(*m_db);
        storage::NodeRecord node;
        node.id = u"node_1"_s;
        node.hostname = u"web-01"_s;
        node.publicKey = QByteArray(32, 'k');
        node.enrolledAt = 1;
        QVERIFY(nodes.create(node).ok());
        auto rules = loadCorrelationRuleDirectory(VANOPTICON_SOURCE_DIR "/resources/rules/correlation");
        QVERIFY(rules.ok());
        m_engine = std::make_unique<CorrelationEngine>(std::move(*rules));
        m_told.clear();
        m_alerts = std::make_unique<AlertManager>(
            *m_db, m_bus, m_scorer,
            [this](const storage::AlertRecord &a, bool created) {
                m_told.append({a.id, created});
            },
            kUpdateInterval);
        m_ingestor = std::make_unique<Ingestor>(*m_db, *m_engine, *m_alerts);
        m_published.clear();
        disconnect(&m_bus, nullptr, this, nullptr);
        m_notifications.clear();
        connect(&m_bus, &EventBus::published, this, [this](const Notification &n) {
            m_published.append(n.type);
            m_notifications.append(n);
        });
    }
    void cleanup() {
        m_ingestor.reset();
        m_alerts.reset();
        m_db.reset();
    }

    void bruteForcerGetsOneAlertInnocentNone() {
        BatchBuilder builder(m_nowNs);
        const char *attacker = "203.0.113.7";
        const char *innocent = "198.51.100.4";
        auto first = ingest(*m_ingestor,
            builder.build({fail(attacker), fail(innocent), fail(attacker), fail(attacker), fail(attacker),
                success(innocent, "alice"), fail(attacker)}));
        QVERIFY(first.ok());
        QCOMPARE(first->stored, 7u);
        QList<storage::AlertRecord> alerts = openAlerts();
        QCOMPARE(alerts.size(), 1);
        storage::AlertRecord alert = alerts.first();
        QCOMPARE(alert.ruleId, u"ssh_brute_force"_s);
        QCOMPARE(alert.group[u"SourceIp"_s].toString(), u"203.0.113.7"_s);
        QCOMPARE(alert.count, 5);
        QCOMPARE(alert.severity, u"high"_s);
        QCOMPARE(alert.score, 70);
        QCOMPARE(alert.scoreBand, u"high"_s);
        QCOMPARE(alert.host, u"web-01"_s);
        QVERIFY(alert.explanation.contains(u"score 70 (high)"));
        QCOMPARE(m_published.count(u"alert.created"_s), 1);
        storage::AlertRepository repository(*m_db);
        QCOMPARE(repository.evidenceIds(alert.id)->size(), 5);

        // Repeats update the open alert instead of opening another.
        auto second = ingest(*m_ingestor, builder.build({fail(attacker), fail(attacker)}));
        QVERIFY(second.ok());
        alerts = openAlerts();
        QCOMPARE(alerts.size(), 1);
        QCOMPARE(alerts.first().count, 7);
        QVERIFY(alerts.first().lastSeen > alert.lastSeen);
        QCOMPARE(m_published.count(u"alert.created"_s), 1);
        QTRY_COMPARE(m_published.count(u"alert.updated"_s), 1); // once the interval after alert.created passed
        QCOMPARE(m_told.first(), std::make_pair(alert.id, true));
        QCOMPARE(m_told.last(), std::make_pair(alert.id, false));
    }

    // An alert updated in every batch is published at most once per interval, and its last state
    // always is; the shield hears every change.
    void updatesOfOneAlertAreMergedWithinTheInterval() {
        BatchBuilder builder(m_nowNs);
        const char *attacker = "203.0.113.8";
        QVERIFY(ingest(*m_ingestor,
            builder.build({fail(attacker), fail(attacker), fail(attacker), fail(attacker), fail(attacker)}))
                    .ok());
        QCOMPARE(m_published, QStringList {u"alert.created"_s});
        QTest::qWait(int(kUpdateInterval.count()) + 50);
        // Past the interval: the first update goes out at once, the next nine wait and merge.
        for (int batch = 0; batch < 10; ++batch)
            QVERIFY(ingest(*m_ingestor, builder.build({fail(attacker)})).ok());
        QCOMPARE(m_published, (QStringList {u"alert.created"_s, u"alert.updated"_s}));
        QCOMPARE(m_notifications.last().data[u"count"_s].toInt(), 6);
        QCOMPARE(m_alerts->counters().updated, quint64(10));
        QCOMPARE(m_alerts->counters().updatesMerged, quint64(9));
        QCOMPARE(m_told.size(), 11);
        QTRY_COMPARE(m_published.size(), 3);
        QCOMPARE(m_published.last(), u"alert.updated"_s);
        QCOMPARE(m_notifications.last().data[u"count"_s].toInt(), 15);
        QTest::qWait(int(kUpdateInterval.count()) * 2);
        QCOMPARE(m_published.size(), 3); // nothing more to tell
    }

    void redeliveredBatchesAreStoredAndCountedOnce() {
        BatchBuilder builder(m_nowNs);
        const v1::EventBatch batch = builder.build(
            {fail("203.0.113.9"), fail("203.0.113.9"), fail("203.0.113.9"), fail("203.0.113.9"), fail("203.0.113.9")});
        QCOMPARE(ingest(*m_ingestor, batch)->stored, 5u);
        const auto again = ingest(*m_ingestor, batch);
        QVERIFY(again.ok());
        QCOMPARE(again->stored, 0u);
        QCOMPARE(again->duplicates, 5u);
        QCOMPARE(openAlerts().first().count, 5);
    }

    void successAfterFailuresIsCritical() {
        BatchBuilder builder(m_nowNs);
        const char *ip = "192.0.2.50";
        auto result = ingest(*m_ingestor,
            builder.build({fail(ip, "oracle"), fail(ip, "oracle"), fail(ip, "oracle"), fail(ip, "oracle"),
                              fail(ip, "oracle"), success(ip, "oracle")},
                20'000'000'000)); // 20 s apart: too slow for ssh_brute_force
        QVERIFY(result.ok());
        const QList<storage::AlertRecord> alerts = openAlerts();
        QCOMPARE(alerts.size(), 1);
        QCOMPARE(alerts.first().ruleId, u"brute_force_attack"_s);
        QCOMPARE(alerts.first().severity, u"critical"_s);
        QCOMPARE(alerts.first().scoreBand, u"critical"_s);
        QCOMPARE(alerts.first().group[u"User"_s].toString(), u"oracle"_s);
    }

    void eventsOutsideTheTimeBoundsAreRefusedAndCounted() {
        const std::int64_t now = QDateTime::currentMSecsSinceEpoch() * 1'000'000;
        BatchBuilder old(now - std::int64_t(8) * 24 * 3600 * 1'000'000'000);
        BatchBuilder future(now + std::int64_t(2) * 24 * 3600 * 1'000'000'000);
        QCOMPARE(ingest(*m_ingestor, old.build({fail("1.2.3.4")}))->rejected, 1u);
        QCOMPARE(ingest(*m_ingestor, future.build({fail("1.2.3.4")}))->rejected, 1u);
        v1::EventBatch untyped;
        untyped.add_events()->set_timestamp_unix_nanos(now);
        QCOMPARE(ingest(*m_ingestor, untyped)->rejected, 1u);
        QCOMPARE(m_ingestor->counters().rejectedByReason.at("too_old"), 1u);
        QCOMPARE(m_ingestor->counters().rejectedByReason.at("in_future"), 1u);
        QCOMPARE(m_ingestor->counters().rejectedByReason.at("missing_event_type"), 1u);
    }

    // Importing history (old logs, .evtx files) needs a longer limit: configured, not fixed.
    void maxAgeIsConfigurable() {
        const std::int64_t now = QDateTime::currentMSecsSinceEpoch() * 1'000'000;
        Ingestor historical(*m_db, *m_engine, *m_alerts, std::chrono::hours(24 * 3650));
        BatchBuilder yearOld(now - std::int64_t(365) * 24 * 3600 * 1'000'000'000);
        const auto result = ingest(historical, yearOld.build({fail("1.2.3.4")}));
        QVERIFY(result.ok());
        QCOMPARE(result->rejected, 0u);
        QCOMPARE(result->stored, 1u);
    }

    // Queued batches of several nodes stored together, then analysed batch by batch: one alert
    // from what the batches hold together; a refusal counted once; each result in its place.
    void aGroupIsStoredTogetherThenAnalysed() {
        enroll(u"node_2"_s);
        BatchBuilder first(m_nowNs);
        BatchBuilder second(m_nowNs + 10'000'000'000);
        const char *attacker = "203.0.113.20";
        wire::IncomingBatch a = decoded(first.build({fail(attacker), fail(attacker), fail(attacker), fail(attacker)}));
        a.events.events()[0].timestampNs = 1; // 1970: too old
        wire::IncomingBatch b = decoded(second.build({fail(attacker), fail(attacker)}));
        const IngestItem group[] = {{u"node_1"_s, &a}, {u"node_2"_s, &b}};
        const auto results = m_ingestor->ingest(group);
        QCOMPARE(results.size(), std::size_t(2));
        QVERIFY(results[0] && results[1]);
        QCOMPARE(results[0]->stored, 3u);
        QCOMPARE(results[0]->rejected, 1u);
        QCOMPARE(results[1]->stored, 2u);
        QCOMPARE(results[1]->rejected, 0u);
        QCOMPARE(m_ingestor->counters().batches, quint64(2));
        QCOMPARE(m_ingestor->counters().stored, quint64(5));
        QCOMPARE(m_ingestor->counters().rejectedByReason.at("too_old"), quint64(1));
        const QList<storage::AlertRecord> alerts = openAlerts();
        QCOMPARE(alerts.size(), 1);
        QCOMPARE(alerts.first().count, 5);
        QCOMPARE(m_published.count(u"alert.created"_s), 1);
        QCOMPARE(count(u"SELECT last_acked_batch FROM nodes WHERE id = 'node_2'"_s), 1);
    }

    // A group that cannot be stored together is stored batch by batch: the batch at fault fails,
    // and so does its node's later batch (a node's stored batches stay a prefix of what it
    // sent), while the others are stored, analysed once and their refusals counted once.
    void aFailedGroupIsStoredBatchByBatch() {
        enroll(u"node_2"_s);
        QSqlQuery trigger(m_db->handle());
        QVERIFY(trigger.exec(u"CREATE TEMP TRIGGER poison BEFORE INSERT ON events WHEN NEW.raw = 'poison' "
                             u"BEGIN SELECT RAISE(ABORT, 'poisoned event (injected)'); END"_s));
        BatchBuilder first(m_nowNs);
        BatchBuilder second(m_nowNs + 10'000'000'000);
        const char *attacker = "203.0.113.21";
        wire::IncomingBatch a1 = decoded(first.build({fail(attacker), fail(attacker), fail(attacker), fail(attacker)}));
        a1.events.events()[0].timestampNs = 1; // 1970: too old
        wire::IncomingBatch b1 = decoded(second.build({fail(attacker), fail(attacker)}));
        b1.events.setField(b1.events.events()[1], field::Raw, "poison");
        wire::IncomingBatch b2 = decoded(second.build({fail(attacker)}));
        wire::IncomingBatch a2 = decoded(first.build({fail(attacker), fail(attacker)}));
        const IngestItem group[] = {{u"node_1"_s, &a1}, {u"node_2"_s, &b1}, {u"node_2"_s, &b2}, {u"node_1"_s, &a2}};
        const auto results = m_ingestor->ingest(group);
        QCOMPARE(results.size(), std::size_t(4));
        QVERIFY(results[0]);
        QCOMPARE(results[0]->stored, 3u);
        QCOMPARE(results[0]->rejected, 1u);
        QVERIFY(!results[1]);
        QVERIFY2(results[1].error().message.find("poisoned") != std::string::npos, results[1].error().message.c_str());
        QVERIFY(!results[2]);
        QVERIFY2(
            results[2].error().message.find("earlier batch") != std::string::npos, results[2].error().message.c_str());
        QVERIFY(results[3]);
        QCOMPARE(results[3]->stored, 2u);

        QCOMPARE(count(u"SELECT COUNT(*) FROM events WHERE node_id = 'node_1'"_s), 5);
        QCOMPARE(count(u"SELECT COUNT(*) FROM events WHERE node_id = 'node_2'"_s), 0);
        QCOMPARE(count(u"SELECT last_acked_batch FROM nodes WHERE id = 'node_1'"_s), 2);
        QCOMPARE(count(u"SELECT last_acked_batch FROM nodes WHERE id = 'node_2'"_s), 0);
        QCOMPARE(m_ingestor->counters().batches, quint64(2));
        QCOMPARE(m_ingestor->counters().stored, quint64(5));
        QCOMPARE(m_ingestor->counters().rejectedByReason.at("too_old"), quint64(1)); // not again on the retry
        // Correlation saw the stored events once: the failed attempt was not analysed.
        const QList<storage::AlertRecord> alerts = openAlerts();
        QCOMPARE(alerts.size(), 1);
        QCOMPARE(alerts.first().count, 5);
    }
};

QTEST_GUILESS_MAIN(TestIngestAlerts)
#include "tst_ingestalerts.moc"
