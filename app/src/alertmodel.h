// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QtQmlIntegration>

#include <vector>

namespace vanopticon::console {

// The live alert feed: newest first by last_seen, as GET /alerts lists them. The live stream's
// alert.created inserts a row at its place (normally the top); alert.updated changes the row in
// place and moves it to where its new last_seen belongs (the top, for a new occurrence). An
// update older (by updated_at) than the row it would replace is ignored.
class AlertModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role {
        AlertIdRole = Qt::UserRole,
        RuleIdRole,
        TitleRole,
        SeverityRole,
        ScoreRole,
        ScoreBandRole,
        CountRole,
        FirstSeenRole,
        LastSeenRole,
        HostRole,
        SourceIpRole,
        StatusRole,
        ActionSummaryRole,
    };
    Q_ENUM(Role)

    // The feed keeps this many alerts; older ones fall off the bottom.
    static constexpr int kMaxRows = 2000;

    explicit AlertModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return static_cast<int>(m_rows.size()); }

    // Replaces every row with the `items` of a GET /alerts answer. Returns how many items were
    // malformed (no integer id) and dropped.
    Q_INVOKABLE int replaceAll(const QJsonArray &items);
    // alert.created and alert.updated; both accept an alert the model has or has not seen (the
    // stream and a refetch can deliver either order). False when the alert is malformed.
    Q_INVOKABLE bool applyCreated(const QJsonObject &alert);
    Q_INVOKABLE bool applyUpdated(const QJsonObject &alert);
    Q_INVOKABLE void clear();
    // Row of an alert, -1 when absent.
    Q_INVOKABLE int rowOf(qint64 alertId) const;

Q_SIGNALS:
    void countChanged();

private:
    struct Row {
        qint64 id = 0;
        QString ruleId;
        QString title;
        QString severity;
        int score = 0;
        QString scoreBand;
        qint64 count = 0;
        QDateTime firstSeen;
        QDateTime lastSeen;
        QString host;
        QString sourceIp;
        QString status;
        QString actionSummary;
        QDateTime updatedAt; // to recognise a stale update replayed after a refetch
    };

    static std::optional<Row> parse(const QJsonObject &alert);
    bool upsert(const QJsonObject &alert);
    // Where a row seen last at lastSeen belongs, ignoring the row at `skip` (newest first; among
    // equal times the most recent arrival first).
    int sortedRow(const QDateTime &lastSeen, int skip) const;

    std::vector<Row> m_rows;
};

} // namespace vanopticon::console
