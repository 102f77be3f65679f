// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QtQmlIntegration>
#include <QVariantMap>

#include <vector>

namespace vanopticon::console {

// Shield decisions waiting for a human, oldest first: the queue the approval prompt works
// through. approval.requested adds a decision, approval.decided (or an approve/deny answer)
// removes it. `current` is the head of the queue, the one the prompt shows.
class ApprovalModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    // The head of the queue as {decisionId, alertId, policy, action, target, risk, rationale,
    // requestedAt, submitting}; empty when nothing is pending.
    Q_PROPERTY(QVariantMap current READ current NOTIFY currentChanged)
    // The head's decision id, -1 when nothing is pending; changes only when the head does. A
    // double for QML (which has no 64-bit integer); ids are JSON numbers, exact up to 2^53.
    Q_PROPERTY(double currentId READ currentIdNumber NOTIFY currentIdChanged)
public:
    enum Role {
        DecisionIdRole = Qt::UserRole,
        AlertIdRole,
        PolicyRole,
        ActionRole,
        TargetRole,
        RiskRole,
        RationaleRole,
        RequestedAtRole,
        SubmittingRole, // an approve/deny for it is on its way to the server
    };
    Q_ENUM(Role)

    static constexpr int kMaxRows = 1000;

    explicit ApprovalModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return static_cast<int>(m_rows.size()); }
    QVariantMap current() const;
    qint64 currentId() const { return m_rows.empty() ? -1 : m_rows.front().decisionId; }
    double currentIdNumber() const { return static_cast<double>(currentId()); }

    // Replaces every row with the pending decisions among the `items` of GET /approvals; returns
    // how many items were malformed. A decision being submitted stays marked as such.
    Q_INVOKABLE int replaceAll(const QJsonArray &items);
    // approval.requested: adds the decision if it is pending (a decision that is already decided
    // by the time it arrives is removed instead). False when malformed.
    Q_INVOKABLE bool applyRequested(const QJsonObject &decision);
    // approval.decided, or the decision returned by approve/deny: no longer pending.
    Q_INVOKABLE bool applyDecided(const QJsonObject &decision);
    Q_INVOKABLE bool remove(qint64 decisionId);
    Q_INVOKABLE void setSubmitting(qint64 decisionId, bool submitting);
    Q_INVOKABLE bool isSubmitting(qint64 decisionId) const;
    Q_INVOKABLE void clear();
    Q_INVOKABLE int rowOf(qint64 decisionId) const;

Q_SIGNALS:
    void countChanged();
    void currentChanged();
    void currentIdChanged();

private:
    struct Row {
        qint64 decisionId = 0;
        qint64 alertId = -1;
        QString policy;
        QString action;
        QString target;
        QString risk;
        QString rationale;
        QDateTime requestedAt;
        bool submitting = false;
    };

    static std::optional<Row> parse(const QJsonObject &decision);
    static bool isPending(const QJsonObject &decision);
    static bool before(const Row &a, const Row &b);
    void removeRow(int row);
    // Emits currentChanged / currentIdChanged when a change touched the head of the queue.
    void headMayHaveChanged();

    std::vector<Row> m_rows;
    QVariantMap m_head;
    qint64 m_headId = -1;
};

} // namespace vanopticon::console
