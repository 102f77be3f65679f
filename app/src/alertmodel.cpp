// SPDX-License-Identifier: Apache-2.0
#include "alertmodel.h"

#include "jsonfields.h"

#include <QJsonValue>
#include <QSet>
#include <QStringList>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace vanopticon::console {

namespace {
constexpr int kMaxActionsSummarised = 8;

// "ip_block 203.0.113.7 (executed)", one per action, for a one-line view in the feed.
QString summariseActions(const QJsonValue &actions) {
    QStringList parts;
    const QJsonArray list = actions.toArray();
    for (const QJsonValue &value : list) {
        if (parts.size() == kMaxActionsSummarised) {
            parts.append(u"…"_s);
            break;
        }
        const QJsonObject action = value.toObject();
        const QString name = json::text(action, u"action", 64);
        if (name.isEmpty())
            continue;
        QString part = name;
        const QString target = json::text(action, u"target", 256);
        if (!target.isEmpty())
            part += u' ' + target;
        const QString status = json::text(action, u"status", 32);
        if (!status.isEmpty())
            part += u" ("_s + status + u')';
        parts.append(part);
    }
    return parts.join(u", "_s);
}
} // namespace

AlertModel::AlertModel(QObject *parent)
    : QAbstractListModel(parent) {
}

int AlertModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : count();
}

QVariant AlertModel::data(const QModelIndex &index, int role) const {
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const Row &row = m_rows[static_cast<std::size_t>(index.row())];
    switch (static_cast<Role>(role)) {
    case AlertIdRole:
        return row.id;
    case RuleIdRole:
        return row.ruleId;
    case TitleRole:
        return row.title;
    case SeverityRole:
        return row.severity;
    case ScoreRole:
        return row.score;
    case ScoreBandRole:
        return row.scoreBand;
    case CountRole:
        return row.count;
    case FirstSeenRole:
        return row.firstSeen;
    case LastSeenRole:
        return row.lastSeen;
    case HostRole:
        return row.host;
    case SourceIpRole:
        return row.sourceIp;
    case StatusRole:
        return row.status;
    case ActionSummaryRole:
        return row.actionSummary;
    }
    return {};
}

QHash<int, QByteArray> AlertModel::roleNames() const {
    return {
        {AlertIdRole, "alertId"},
        {RuleIdRole, "ruleId"},
        {TitleRole, "title"},
        {SeverityRole, "severity"},
        {ScoreRole, "score"},
        {ScoreBandRole, "scoreBand"},
        {CountRole, "count"},
        {FirstSeenRole, "firstSeen"},
        {LastSeenRole, "lastSeen"},
        {HostRole, "host"},
        {SourceIpRole, "sourceIp"},
        {StatusRole, "status"},
        {ActionSummaryRole, "actionSummary"},
    };
}

std::optional<AlertModel::Row> AlertModel::parse(const QJsonObject &alert) {
    const auto id = json::id(alert, u"id");
    if (!id)
        return std::nullopt;
    Row row;
    row.id = *id;
    row.ruleId = json::text(alert, u"rule_id", 256);
    row.title = json::text(alert, u"title", 512);
    row.severity = json::text(alert, u"severity", 32).toLower();
    const double score = alert.value(u"score").toDouble();
    row.score = std::isfinite(score) ? static_cast<int>(std::clamp(std::lround(score), 0L, 1000L)) : 0;
    row.scoreBand = json::text(alert, u"score_band", 32);
    row.count = std::max<qint64>(0, json::integer(alert, u"count"));
    row.firstSeen = json::timestamp(alert, u"first_seen");
    row.lastSeen = json::timestamp(alert, u"last_seen");
    row.host = json::text(alert, u"host", 256);
    row.sourceIp = json::text(alert.value(u"group").toObject(), u"SourceIp", 64);
    row.status = json::text(alert, u"status", 32);
    row.actionSummary = summariseActions(alert.value(u"actions"));
    row.updatedAt = json::timestamp(alert, u"updated_at");
    return row;
}

int AlertModel::replaceAll(const QJsonArray &items) {
    std::vector<Row> rows;
    rows.reserve(static_cast<std::size_t>(std::min<qsizetype>(items.size(), kMaxRows)));
    QSet<qint64> seen;
    int malformed = 0;
    for (const QJsonValue &item : items) {
        auto row = parse(item.toObject());
        if (!row) {
            ++malformed;
            continue;
        }
        if (!seen.contains(row->id)) {
            seen.insert(row->id);
            rows.push_back(std::move(*row));
        }
    }
    std::stable_sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) { return a.lastSeen > b.lastSeen; });
    if (rows.size() > static_cast<std::size_t>(kMaxRows))
        rows.resize(static_cast<std::size_t>(kMaxRows));

    const int before = count();
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    if (before != count())
        Q_EMIT countChanged();
    return malformed;
}

bool AlertModel::applyCreated(const QJsonObject &alert) {
    return upsert(alert);
}

bool AlertModel::applyUpdated(const QJsonObject &alert) {
    return upsert(alert);
}

bool AlertModel::upsert(const QJsonObject &alert) {
    auto parsed = parse(alert);
    if (!parsed)
        return false;
    const int existing = rowOf(parsed->id);
    if (existing < 0) {
        const int row = sortedRow(parsed->lastSeen, -1);
        if (row >= kMaxRows)
            return true; // older than everything the feed keeps
        beginInsertRows({}, row, row);
        m_rows.insert(m_rows.begin() + row, std::move(*parsed));
        endInsertRows();
        if (count() > kMaxRows) {
            beginRemoveRows({}, kMaxRows, count() - 1);
            m_rows.resize(static_cast<std::size_t>(kMaxRows));
            endRemoveRows();
        }
        Q_EMIT countChanged();
        return true;
    }

    const Row &old = m_rows[static_cast<std::size_t>(existing)];
    if (old.updatedAt.isValid() && parsed->updatedAt.isValid() && parsed->updatedAt < old.updatedAt)
        return true;
    const int target = sortedRow(parsed->lastSeen, existing);
    if (target != existing) {
        // Qt's destination is "before which row" in the model as it is before the move.
        beginMoveRows({}, existing, existing, {}, target > existing ? target + 1 : target);
        const auto from = m_rows.begin() + existing;
        const auto to = m_rows.begin() + target;
        if (target < existing)
            std::rotate(to, from, from + 1);
        else
            std::rotate(from, from + 1, to + 1);
        endMoveRows();
    }
    m_rows[static_cast<std::size_t>(target)] = std::move(*parsed);
    const QModelIndex changed = index(target);
    Q_EMIT dataChanged(changed, changed);
    return true;
}

int AlertModel::sortedRow(const QDateTime &lastSeen, int skip) const {
    int position = 0;
    for (int row = 0; row < count(); ++row) {
        if (row == skip)
            continue;
        if (m_rows[static_cast<std::size_t>(row)].lastSeen <= lastSeen)
            return position;
        ++position;
    }
    return position;
}

void AlertModel::clear() {
    if (m_rows.empty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
    Q_EMIT countChanged();
}

int AlertModel::rowOf(qint64 alertId) const {
    const auto it = std::find_if(m_rows.begin(), m_rows.end(), [&](const Row &row) { return row.id == alertId; });
    return it == m_rows.end() ? -1 : static_cast<int>(it - m_rows.begin());
}

} // namespace vanopticon::console
