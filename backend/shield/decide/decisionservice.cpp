// SPDX-License-Identifier: Apache-2.0
#include "shield/decide/decisionservice.h"

#include "shared/bus/eventbus.h"
#include "storage/auditlog.h"
#include "storage/database.h"
#include "storage/json.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace vanopticon::shield {

namespace {

QString qs(const std::string &s) {
    return QString::fromStdString(s);
}

QString humanDuration(std::chrono::seconds duration) {
    const qint64 s = duration.count();
    if (s % 86400 == 0)
        return QString::number(s / 86400) + u"d"_s;
    if (s % 3600 == 0)
        return QString::number(s / 3600) + u"h"_s;
    if (s % 60 == 0)
        return QString::number(s / 60) + u"m"_s;
    return QString::number(s) + u"s"_s;
}

QString statusOf(v1::CommandStatus status) {
    switch (status) {
    case v1::COMMAND_STATUS_EXECUTED:
        return u"executed"_s;
    case v1::COMMAND_STATUS_REFUSED:
        return u"refused"_s;
    case v1::COMMAND_STATUS_DRY_RUN:
        return u"dry_run"_s;
    default:
        return u"failed"_s;
    }
}

} // namespace

DecisionService::DecisionService(storage::Database &db, storage::AuditLog &audit, EventBus &bus,
    const PolicyEngine &policies, const CommandSigner &signer, SendCommand send)
    : m_db(db)
    , m_decisions(db)
    , m_audit(audit)
    , m_bus(bus)
    , m_policies(policies)
    , m_signer(signer)
    , m_send(std::move(send)) {
}

AlertFacts DecisionService::factsOf(const storage::AlertRecord &alert) {
    AlertFacts facts;
    facts.set("rule_id", alert.ruleId.toStdString());
    facts.set("title", alert.title.toStdString());
    facts.set("severity", alert.severity.toStdString());
    facts.set("score", std::to_string(alert.score));
    facts.set("score_band", alert.scoreBand.toStdString());
    facts.set("host", alert.host.toStdString());
    facts.set("node_id", alert.nodeId.toStdString());
    facts.set("count", std::to_string(alert.count));
    facts.set("status", alert.status.toStdString());
    for (auto it = alert.group.constBegin(); it != alert.group.constEnd(); ++it)
        facts.set(it.key().toStdString(), it.value().toString().toStdString());
    return facts;
}

QString DecisionService::riskOf(const ActionSpec &action) {
    // A time-limited block lapses by itself; longer than a day it starts to hurt if wrong.
    if (action.type == "ip_block")
        return action.duration > std::chrono::hours(24) ? u"high"_s : u"medium"_s;
    return u"high"_s;
}

void DecisionService::onAlert(const storage::AlertRecord &alert) {
    const Evaluation evaluation = m_policies.evaluate(factsOf(alert));
    for (const std::string &problem : evaluation.problems)
        qWarning("shield: alert %lld: %s", alert.id, problem.c_str());

    const qint64 now = storage::nowMs();
    for (const Proposal &proposal : evaluation.proposals) {
        const QString action = qs(proposal.action.type);
        const QString target = qs(proposal.target);
        auto inForce = m_decisions.isInForce(action, target, now);
        if (!inForce) {
            qWarning("shield: %s", inForce.error().message.c_str());
            continue;
        }
        if (*inForce) {
            ++m_counters.suppressed; // the same response is already pending or in force
            continue;
        }
        storage::DecisionRecord decision;
        decision.alertId = alert.id;
        decision.policy = qs(proposal.policy->name);
        decision.action = action;
        decision.target = target;
        decision.parameters
            = QJsonObject {{u"address"_s, target}, {u"duration_seconds"_s, qint64(proposal.action.duration.count())}};
        decision.risk = riskOf(proposal.action);
        decision.rationale
            = u"Policy %1 (priority %2) matched alert %3 \"%4\" (severity %5, score %6, %7 events). "
              u"Proposed: %8 %9 on %10 for %11; it lapses by itself when the time is up."_s.arg(decision.policy,
                  QString::number(proposal.policy->priority), QString::number(alert.id), alert.title, alert.severity,
                  QString::number(alert.score), QString::number(alert.count), action, target,
                  alert.host.isEmpty() ? alert.nodeId : alert.host, humanDuration(proposal.action.duration));
        decision.nodeId = alert.nodeId;
        decision.requestedAt = now;
        if (proposal.policy->requireApproval) {
            decision.status = u"pending"_s;
        } else {
            decision.status = u"approved"_s;
            decision.decidedBy = u"system"_s;
            decision.reason = u"policy does not require approval"_s;
            decision.decidedAt = now;
        }
        auto id = m_decisions.insert(decision);
        if (!id) {
            qWarning("shield: %s", id.error().message.c_str());
            continue;
        }
        decision.id = *id;
        ++m_counters.proposed;
        (void)m_audit.append(u"system"_s, u"decision.propose"_s, u"decision/"_s + QString::number(decision.id),
            u"success"_s,
            QJsonObject {{u"policy"_s, decision.policy}, {u"action"_s, action}, {u"target"_s, target},
                {u"alert_id"_s, alert.id}, {u"requires_approval"_s, proposal.policy->requireApproval}});
        if (proposal.policy->requireApproval) {
            m_bus.publish(u"approval.requested"_s, storage::toJson(decision));
        } else {
            m_bus.publish(u"approval.decided"_s, storage::toJson(decision));
            dispatch(decision);
        }
        publishAlertUpdate(alert.id);
    }
}

storage::DecideOutcome DecisionService::decide(
    qint64 decisionId, bool approve, const QString &by, const QString &reason) {
    using Kind = storage::DecideOutcome::Kind;
    storage::DecisionRepository decisions(m_db);
    auto existing = decisions.get(decisionId);
    if (!existing)
        return {Kind::Failed, {}, QString::fromStdString(existing.error().message)};
    if (!existing->has_value())
        return {Kind::NotFound, {}, u"no such approval"_s};
    const QString status = approve ? u"approved"_s : u"denied"_s;
    auto changed = decisions.decide(decisionId, status, by, reason, storage::nowMs());
    if (!changed)
        return {Kind::Failed, {}, QString::fromStdString(changed.error().message)};
    if (!*changed)
        return {Kind::NotPending, **existing, u"this approval is already "_s + (*existing)->status};

    storage::DecisionRecord decision = *decisions.get(decisionId).value();
    (void)m_audit.append(by, approve ? u"approval.approve"_s : u"approval.deny"_s,
        u"decision/"_s + QString::number(decisionId), u"success"_s,
        QJsonObject {{u"reason"_s, reason}, {u"action"_s, decision.action}, {u"target"_s, decision.target},
            {u"alert_id"_s, decision.alertId}});
    m_bus.publish(u"approval.decided"_s, storage::toJson(decision));
    if (approve)
        dispatch(decision);
    publishAlertUpdate(decision.alertId);
    auto current = decisions.get(decisionId);
    return {Kind::Decided, current && current->has_value() ? **current : decision, {}};
}

void DecisionService::dispatch(storage::DecisionRecord decision) {
    storage::DecisionRepository decisions(m_db);
    const qint64 now = storage::nowMs();
    const auto duration = static_cast<std::uint32_t>(decision.parameters.value(u"duration_seconds"_s).toInteger());
    const PreparedCommand prepared
        = m_signer.ipBlock(decision.nodeId.toStdString(), decision.target.toStdString(), duration, now);
    const QString commandId = qs(prepared.commandId);
    if (auto marked = decisions.markDispatched(decision.id, commandId); !marked) {
        qWarning("shield: %s", marked.error().message.c_str());
        return;
    }
    decision.commandId = commandId;
    (void)m_audit.append(u"system"_s, u"command.dispatch"_s, u"decision/"_s + QString::number(decision.id),
        u"success"_s,
        QJsonObject {{u"command_id"_s, commandId}, {u"node_id"_s, decision.nodeId}, {u"action"_s, decision.action},
            {u"target"_s, decision.target}, {u"expires_at"_s, storage::isoTime(prepared.expiresAtMs)}});
    if (!m_send || !m_send(decision.nodeId, prepared.command)) {
        finish(decision, u"failed"_s, u"node "_s + decision.nodeId + u" is not connected"_s);
        return;
    }
    ++m_counters.dispatched;
}

void DecisionService::onCommandResult(const QString &nodeId, const v1::CommandResult &result) {
    ++m_counters.results;
    const QString commandId = qs(result.command_id()).left(64);
    storage::DecisionRepository decisions(m_db);
    auto found = decisions.findByCommand(commandId);
    const QString status = statusOf(result.status());
    const QString detail = qs(result.detail()).left(1000);
    if (!found || !found->has_value() || (*found)->nodeId != nodeId || (*found)->status != u"dispatched"_s) {
        // Unknown command, another node's, or a second report (e.g. a replay the node refused).
        ++m_counters.unexpectedResults;
        (void)m_audit.append(u"node:"_s + nodeId, u"command.result"_s, u"command/"_s + commandId,
            status == u"executed"_s ? u"success"_s : u"failure"_s,
            QJsonObject {{u"status"_s, status}, {u"detail"_s, detail},
                {u"note"_s, u"no dispatched command of this node has this id"_s}});
        m_bus.publish(u"command.result"_s,
            QJsonObject {{u"decision_id"_s, QJsonValue()}, {u"command_id"_s, commandId}, {u"node_id"_s, nodeId},
                {u"status"_s, status}, {u"detail"_s, detail}, {u"completed_at"_s, storage::isoTime(storage::nowMs())}});
        return;
    }
    finish(**found, status, detail);
}

void DecisionService::finish(const storage::DecisionRecord &decision, const QString &status, const QString &detail) {
    storage::DecisionRepository decisions(m_db);
    const qint64 now = storage::nowMs();
    const qint64 duration = decision.parameters.value(u"duration_seconds"_s).toInteger();
    const bool inForce = status == u"executed"_s || status == u"dry_run"_s;
    if (auto recorded = decisions.recordResult(decision.id, status, detail, now, inForce ? now + duration * 1000 : 0);
        !recorded)
        qWarning("shield: %s", recorded.error().message.c_str());
    (void)m_audit.append(u"node:"_s + decision.nodeId, u"command.result"_s,
        u"decision/"_s + QString::number(decision.id),
        status == u"executed"_s || status == u"dry_run"_s ? u"success"_s : u"failure"_s,
        QJsonObject {{u"command_id"_s, decision.commandId}, {u"status"_s, status}, {u"detail"_s, detail}});
    m_bus.publish(u"command.result"_s,
        QJsonObject {{u"decision_id"_s, decision.id}, {u"command_id"_s, decision.commandId},
            {u"node_id"_s, decision.nodeId}, {u"status"_s, status}, {u"detail"_s, detail},
            {u"completed_at"_s, storage::isoTime(now)}});
    publishAlertUpdate(decision.alertId);
}

void DecisionService::publishAlertUpdate(qint64 alertId) {
    storage::AlertRepository alerts(m_db);
    auto alert = alerts.get(alertId);
    auto list = m_decisions.listForAlert(alertId);
    if (!alert || !alert->has_value() || !list)
        return;
    QJsonArray actions;
    for (const storage::DecisionRecord &decision : *list)
        actions.append(storage::toActionJson(decision));
    m_bus.publish(u"alert.updated"_s, storage::toJson(**alert, actions));
}

} // namespace vanopticon::shield
