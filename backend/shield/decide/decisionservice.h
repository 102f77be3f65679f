// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shield/dispatch/commandsigner.h"
#include "shield/policy/policyengine.h"
#include "storage/alerts.h"
#include "storage/decisions.h"

#include "vanopticon/v1/channel.pb.h"

#include <QString>

#include <functional>

namespace vanopticon {
class EventBus;
}
namespace vanopticon::storage {
class Database;
class AuditLog;
} // namespace vanopticon::storage

namespace vanopticon::shield {

// Turns alerts into decisions and decisions into signed commands:
// alert → policies → proposals (deduplicated against actions already pending or in force) →
// pending decision (approval.requested) or automatic approval → signed command to the node →
// its result (command.result). Every step is audited.
class DecisionService {
public:
    using SendCommand = std::function<bool(const QString &nodeId, const v1::SignedCommand &command)>;

    DecisionService(storage::Database &db, storage::AuditLog &audit, EventBus &bus, const PolicyEngine &policies,
        const CommandSigner &signer, SendCommand send);

    // Called when an alert is created or updated.
    void onAlert(const storage::AlertRecord &alert);
    storage::DecideOutcome decide(qint64 decisionId, bool approve, const QString &by, const QString &reason);
    void onCommandResult(const QString &nodeId, const v1::CommandResult &result);

    struct Counters {
        quint64 proposed = 0;
        quint64 suppressed = 0; // already pending or in force
        quint64 dispatched = 0;
        quint64 results = 0;
        quint64 unexpectedResults = 0; // unknown command, wrong node, or already completed
    };
    const Counters &counters() const { return m_counters; }

    static AlertFacts factsOf(const storage::AlertRecord &alert);
    static QString riskOf(const ActionSpec &action);

private:
    void dispatch(storage::DecisionRecord decision);
    void finish(const storage::DecisionRecord &decision, const QString &status, const QString &detail);
    void publishAlertUpdate(qint64 alertId);

    storage::Database &m_db;
    storage::DecisionRepository m_decisions; // long-lived: it keeps the alert path's statements prepared
    storage::AuditLog &m_audit;
    EventBus &m_bus;
    const PolicyEngine &m_policies;
    const CommandSigner &m_signer;
    SendCommand m_send;
    Counters m_counters;
};

} // namespace vanopticon::shield
