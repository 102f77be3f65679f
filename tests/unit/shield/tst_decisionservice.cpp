// SPDX-License-Identifier: Apache-2.0
// The shield's decision flow on a real database: alert → pending decision → approve / deny →
// signed command to the node → result, with the bus notifications and audit records.
#include "shared/bus/eventbus.h"
#include "shared/wire/domains.h"
#include "shield/decide/decisionservice.h"
#include "shield/policy/policyloader.h"
#include "storage/auditlog.h"
#include "storage/database.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace vanopticon;
using namespace vanopticon::shield;
using namespace Qt::StringLiterals;

class TestDecisionService : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<storage::Database> m_db;
    std::unique_ptr<storage::AuditLog> m_audit;
    EventBus m_bus;
    crypto::SigningKey m_key = crypto::SigningKey::generate();
    std::unique_ptr<PolicyEngine> m_policies;
    std::unique_ptr<CommandSigner> m_signer;
    std::unique_ptr<DecisionService> m_service;
    QList<std::pair<QString, v1::SignedCommand>> m_sent;
    bool m_nodeOnline = true;
    QStringList m_published;

    storage::AlertRecord storeAlert(const QString &sourceIp) {
        storage::AlertRecord alert;
        alert.dedupKey = u"ssh_brute_force|"_s + sourceIp;
        alert.ruleId = u"ssh_brute_force"_s;
        alert.title = u"SSH brute force"_s;
        alert.severity = u"high"_s;
        alert.status = u"open"_s;
        alert.score = 70;
        alert.scoreBand = u"high"_s;
        alert.explanation = u"…"_s;
        alert.count = 6;
        alert.nodeId = u"node_1"_s;
        alert.host = u"web-01"_s;
        alert.group = QJsonObject {{u"SourceIp"_s, sourceIp}};
        storage::AlertRepository alerts(*m_db);
        alert.id = *alerts.insert(alert);
        return alert;
    }

    qint64 pendingDecisionFor(const QString &sourceIp) {
        m_service->onAlert(storeAlert(sourceIp));
        storage::DecisionRepository decisions(*m_db);
        auto pending = decisions.list(u"pending"_s, 10);
        for (const auto &d : *pending) {
            if (d.target == sourceIp)
                return d.id;
        }
        return 0;
    }

private Q_SLOTS:
    void init() {
        m_db = std::make_unique<storage::Database>();
        QVERIFY(m_db->open(m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + u".db"_s)).ok());
        m_audit = std::make_unique<storage::AuditLog>(*m_db);
        auto policies = loadPolicyDirectory(VANOPTICON_SOURCE_DIR "/resources/policies");
        QVERIFY(policies.ok());
        m_policies = std::make_unique<PolicyEngine>(std::move(*policies));
        m_signer = std::make_unique<CommandSigner>(m_key);
        m_sent.clear();
        m_published.clear();
        m_nodeOnline = true;
        m_service = std::make_unique<DecisionService>(
            *m_db, *m_audit, m_bus, *m_policies, *m_signer, [this](const QString &node, const v1::SignedCommand &c) {
                if (!m_nodeOnline)
                    return false;
                m_sent.append({node, c});
                return true;
            });
        disconnect(&m_bus, nullptr, this, nullptr);
        connect(&m_bus, &EventBus::published, this, [this](const Notification &n) { m_published.append(n.type); });
    }
    void cleanup() {
        m_service.reset();
        m_db.reset();
    }

    void alertCreatesOnePendingDecision() {
        const qint64 id = pendingDecisionFor(u"203.0.113.7"_s);
        QVERIFY(id > 0);
        QVERIFY(m_published.contains(u"approval.requested"_s));
        QVERIFY(m_sent.isEmpty()); // nothing happens before a human approves
        // The alert repeating (updated) must not ask again.
        storage::AlertRepository alerts(*m_db);
        m_service->onAlert(**alerts.findOpen(u"ssh_brute_force|203.0.113.7"_s));
        storage::DecisionRepository decisions(*m_db);
        QCOMPARE(decisions.list(QString(), 10)->size(), 1);
        QCOMPARE(m_service->counters().suppressed, quint64(1));
        const storage::DecisionRecord decision = **decisions.get(id);
        QCOMPARE(decision.risk, u"medium"_s);
        QCOMPARE(decision.parameters[u"duration_seconds"_s].toInt(), 3600);
        QVERIFY(decision.rationale.contains(u"block_bruteforce_source"));
        QVERIFY(decision.rationale.contains(u"203.0.113.7"));
    }

    void approvalSendsASignedCommandAndRecordsTheResult() {
        const qint64 id = pendingDecisionFor(u"203.0.113.7"_s);
        const auto outcome = m_service->decide(id, true, u"alice"_s, u"confirmed attack"_s);
        QCOMPARE(outcome.kind, storage::DecideOutcome::Kind::Decided);
        QCOMPARE(outcome.decision.status, u"dispatched"_s);
        QCOMPARE(m_sent.size(), 1);
        QCOMPARE(m_sent.first().first, u"node_1"_s);

        // What the node receives verifies with the server key and says what was approved.
        const v1::SignedCommand &command = m_sent.first().second;
        QVERIFY(
            crypto::verifySignature(m_key.publicKey(), wire::kCommandDomain, command.payload(), command.signature()));
        v1::CommandPayload payload;
        QVERIFY(payload.ParseFromString(command.payload()));
        QCOMPARE(payload.action(), std::string("ip_block"));
        QCOMPARE(payload.node_id(), std::string("node_1"));
        QCOMPARE(payload.ip_block().address(), std::string("203.0.113.7"));
        QCOMPARE(payload.ip_block().timeout_seconds(), 3600u);
        QCOMPARE(payload.nonce().size(), std::size_t(16));
        QVERIFY(payload.expires_at_unix_ms() > payload.issued_at_unix_ms());

        v1::CommandResult result;
        result.set_command_id(payload.command_id());
        result.set_status(v1::COMMAND_STATUS_EXECUTED);
        result.set_detail("added 203.0.113.7 to inet vanopticon blocked_ipv4 for 3600s");
        m_service->onCommandResult(u"node_1"_s, result);
        storage::DecisionRepository decisions(*m_db);
        const storage::DecisionRecord done = **decisions.get(id);
        QCOMPARE(done.status, u"executed"_s);
        QVERIFY(done.activeUntil > done.completedAt);
        QVERIFY(m_published.contains(u"command.result"_s));
        QVERIFY(m_published.contains(u"alert.updated"_s));

        // A second report for the same command (a replay the node refused) changes nothing.
        result.set_status(v1::COMMAND_STATUS_REFUSED);
        result.set_detail("replayed nonce");
        m_service->onCommandResult(u"node_1"_s, result);
        QCOMPARE((*decisions.get(id))->status, u"executed"_s);
        QCOMPARE(m_service->counters().unexpectedResults, quint64(1));

        auto audit = m_audit->list(20);
        const auto has = [&](const QString &action, const QString &actor) {
            return std::any_of(audit->begin(), audit->end(),
                [&](const storage::AuditRecord &r) { return r.action == action && r.actor == actor; });
        };
        QVERIFY(has(u"approval.approve"_s, u"alice"_s));
        QVERIFY(has(u"command.dispatch"_s, u"system"_s));
        QVERIFY(has(u"command.result"_s, u"node:node_1"_s));
        QVERIFY(!m_audit->verify()->firstBrokenId.has_value());
    }

    void denialSendsNothingAndIsAudited() {
        const qint64 id = pendingDecisionFor(u"198.51.100.23"_s);
        const auto outcome = m_service->decide(id, false, u"bob"_s, u"our scanner"_s);
        QCOMPARE(outcome.kind, storage::DecideOutcome::Kind::Decided);
        QCOMPARE(outcome.decision.status, u"denied"_s);
        QCOMPARE(outcome.decision.reason, u"our scanner"_s);
        QVERIFY(m_sent.isEmpty());
        QVERIFY(m_published.contains(u"approval.decided"_s));
        auto audit = m_audit->list(5);
        QVERIFY(std::any_of(audit->begin(), audit->end(), [](const storage::AuditRecord &r) {
            return r.action == u"approval.deny"_s && r.actor == u"bob"_s
                && r.details[u"reason"_s].toString() == u"our scanner"_s;
        }));
        // Deciding again is a conflict, not a second decision.
        QCOMPARE(m_service->decide(id, true, u"alice"_s, u"x"_s).kind, storage::DecideOutcome::Kind::NotPending);
        QCOMPARE(m_service->decide(9999, true, u"alice"_s, u"x"_s).kind, storage::DecideOutcome::Kind::NotFound);
        // A denied response is no longer in force: the source attacking again is proposed anew
        // (the service's search, prepared once, reads the decision's new status).
        storage::AlertRepository alerts(*m_db);
        m_service->onAlert(**alerts.findOpen(u"ssh_brute_force|198.51.100.23"_s));
        storage::DecisionRepository decisions(*m_db);
        const auto pending = decisions.list(u"pending"_s, 10);
        QVERIFY(pending.ok());
        QCOMPARE(pending->size(), 1);
        QVERIFY(pending->first().id > id);
        QCOMPARE(pending->first().target, u"198.51.100.23"_s);
        QCOMPARE(m_service->counters().proposed, quint64(2));
    }

    void offlineNodeFailsTheDecisionVisibly() {
        const qint64 id = pendingDecisionFor(u"203.0.113.50"_s);
        m_nodeOnline = false;
        m_service->decide(id, true, u"alice"_s, u"block it"_s);
        storage::DecisionRepository decisions(*m_db);
        const storage::DecisionRecord decision = **decisions.get(id);
        QCOMPARE(decision.status, u"failed"_s);
        QVERIFY(decision.resultDetail.contains(u"not connected"));
        QVERIFY(m_published.contains(u"command.result"_s));
    }

    void resultsFromAnotherNodeAreIgnored() {
        const qint64 id = pendingDecisionFor(u"203.0.113.60"_s);
        m_service->decide(id, true, u"alice"_s, u"block"_s);
        v1::CommandPayload payload;
        QVERIFY(payload.ParseFromString(m_sent.first().second.payload()));
        v1::CommandResult result;
        result.set_command_id(payload.command_id());
        result.set_status(v1::COMMAND_STATUS_EXECUTED);
        m_service->onCommandResult(u"node_other"_s, result);
        storage::DecisionRepository decisions(*m_db);
        QCOMPARE((*decisions.get(id))->status, u"dispatched"_s);
    }
};

QTEST_GUILESS_MAIN(TestDecisionService)
#include "tst_decisionservice.moc"
