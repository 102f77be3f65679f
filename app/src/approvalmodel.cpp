// SPDX-License-Identifier: Apache-2.0
#include "approvalmodel.h"

#include "jsonfields.h"

#include <QJsonValue>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace vanopticon::console {

ApprovalModel::ApprovalModel(QObject *parent)
    : QAbstractListModel(parent) {
}

int ApprovalModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : count();
}

QVariant ApprovalModel::data(const QModelIndex &index, int role) const {
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const Row &row = m_rows[static_cast<std::size_t>(index.row())];
    switch (static_cast<Role>(role)) {
    case DecisionIdRole:
        return row.decisionId;
    case AlertIdRole:
        return row.alertId;
    case PolicyRole:
        return row.policy;
    case ActionRole:
        return row.action;
    case TargetRole:
        return row.target;
    case RiskRole:
        return row.risk;
    case RationaleRole:
        return row.rationale;
    case RequestedAtRole:
        return row.requestedAt;
    case SubmittingRole:
        return row.submitting;
    }
    return {};
}

QHash<int, QByteArray> ApprovalModel::roleNames() const {
    return {
        {DecisionIdRole, "decisionId"},
        {AlertIdRole, "alertId"},
        {PolicyRole, "policy"},
        {ActionRole, "action"},
        {TargetRole, "target"},
        {RiskRole, "risk"},
        {RationaleRole, "rationale"},
        {RequestedAtRole, "requestedAt"},
        {SubmittingRole, "submitting"},
    };
}

QVariantMap ApprovalModel::current() const {
    if (m_rows.empty())
        return {};
    const Row &row = m_rows.front();
    return {
        {u"decisionId"_s, row.decisionId},
        {u"alertId"_s, row.alertId},
        {u"policy"_s, row.policy},
        {u"action"_s, row.action},
        {u"target"_s, row.target},
        {u"risk"_s, row.risk},
        {u"rationale"_s, row.rationale},
        {u"requestedAt"_s, row.requestedAt},
        {u"submitting"_s, row.submitting},
    };
}

std::optional<ApprovalModel::Row> ApprovalModel::parse(const QJsonObject &decision) {
    const auto id = json::id(decision, u"id");
    if (!id)
        return std::nullopt;
    Row row;
    row.decisionId = *id;
    row.alertId = json::id(decision, u"alert_id").value_or(-1);
    row.policy = json::text(decision, u"policy", 256);
    row.action = json::text(decision, u"action", 64);
    row.target = json::text(decision, u"target", 512);
    row.risk = json::text(decision, u"risk", 32);
    row.rationale = json::text(decision, u"rationale");
    row.requestedAt = json::timestamp(decision, u"requested_at");
    return row;
}

bool ApprovalModel::isPending(const QJsonObject &decision) {
    return decision.value(u"status").toString() == u"pending";
}

bool ApprovalModel::before(const Row &a, const Row &b) {
    if (a.requestedAt != b.requestedAt)
        return a.requestedAt < b.requestedAt;
    return a.decisionId < b.decisionId;
}

int ApprovalModel::replaceAll(const QJsonArray &items) {
    std::vector<Row> rows;
    QSet<qint64> seen;
    int malformed = 0;
    for (const QJsonValue &item : items) {
        const QJsonObject decision = item.toObject();
        auto row = parse(decision);
        if (!row) {
            ++malformed;
            continue;
        }
        if (!isPending(decision) || seen.contains(row->decisionId) || rows.size() >= std::size_t(kMaxRows))
            continue;
        seen.insert(row->decisionId);
        row->submitting = isSubmitting(row->decisionId);
        rows.push_back(std::move(*row));
    }
    std::sort(rows.begin(), rows.end(), before);

    const int countBefore = count();
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    if (countBefore != count())
        Q_EMIT countChanged();
    headMayHaveChanged();
    return malformed;
}

bool ApprovalModel::applyRequested(const QJsonObject &decision) {
    auto row = parse(decision);
    if (!row)
        return false;
    if (!isPending(decision)) {
        remove(row->decisionId);
        return true;
    }
    const int existing = rowOf(row->decisionId);
    if (existing >= 0) {
        // Already queued (a refetch and the stream both delivered it): refresh the text only;
        // the queue position stays so the prompt does not jump.
        Row &current = m_rows[static_cast<std::size_t>(existing)];
        row->submitting = current.submitting;
        row->requestedAt = current.requestedAt;
        current = std::move(*row);
        const QModelIndex changed = index(existing);
        Q_EMIT dataChanged(changed, changed);
        headMayHaveChanged();
        return true;
    }
    if (count() >= kMaxRows)
        return false;
    const auto position = std::upper_bound(m_rows.begin(), m_rows.end(), *row, before);
    const int at = static_cast<int>(position - m_rows.begin());
    beginInsertRows({}, at, at);
    m_rows.insert(position, std::move(*row));
    endInsertRows();
    Q_EMIT countChanged();
    headMayHaveChanged();
    return true;
}

bool ApprovalModel::applyDecided(const QJsonObject &decision) {
    const auto id = json::id(decision, u"id");
    if (!id)
        return false;
    remove(*id);
    return true;
}

bool ApprovalModel::remove(qint64 decisionId) {
    const int row = rowOf(decisionId);
    if (row < 0)
        return false;
    removeRow(row);
    return true;
}

void ApprovalModel::removeRow(int row) {
    beginRemoveRows({}, row, row);
    m_rows.erase(m_rows.begin() + row);
    endRemoveRows();
    Q_EMIT countChanged();
    headMayHaveChanged();
}

void ApprovalModel::setSubmitting(qint64 decisionId, bool submitting) {
    const int row = rowOf(decisionId);
    if (row < 0 || m_rows[static_cast<std::size_t>(row)].submitting == submitting)
        return;
    m_rows[static_cast<std::size_t>(row)].submitting = submitting;
    const QModelIndex changed = index(row);
    Q_EMIT dataChanged(changed, changed, {SubmittingRole});
    headMayHaveChanged();
}

bool ApprovalModel::isSubmitting(qint64 decisionId) const {
    const int row = rowOf(decisionId);
    return row >= 0 && m_rows[static_cast<std::size_t>(row)].submitting;
}

void ApprovalModel::clear() {
    if (m_rows.empty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
    Q_EMIT countChanged();
    headMayHaveChanged();
}

int ApprovalModel::rowOf(qint64 decisionId) const {
    const auto it
        = std::find_if(m_rows.begin(), m_rows.end(), [&](const Row &row) { return row.decisionId == decisionId; });
    return it == m_rows.end() ? -1 : static_cast<int>(it - m_rows.begin());
}

void ApprovalModel::headMayHaveChanged() {
    QVariantMap head = current();
    if (head != m_head) {
        m_head = std::move(head);
        Q_EMIT currentChanged();
    }
    if (currentId() != m_headId) {
        m_headId = currentId();
        Q_EMIT currentIdChanged();
    }
}

} // namespace vanopticon::console
