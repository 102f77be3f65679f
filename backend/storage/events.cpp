// SPDX-License-Identifier: Apache-2.0
#include "storage/events.h"

#include "shared/core/jsonwriter.h"
#include "storage/json.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace vanopticon::storage {

namespace {

// An event as its row stores it: four fields in columns of their own, the rest as one JSON object.
struct RowText {
    std::string_view eventType;
    std::string_view host;
    std::string_view message;
    std::string_view raw;
    std::string_view fields; // in the caller's scratch
};

// A field's name as JSON, with the colon after it, from `cache` (by FieldId): escaped once, as a
// name never changes once interned.
std::string_view fieldKey(std::vector<std::string> &cache, FieldId id) {
    if (id >= cache.size())
        cache.resize(std::size_t(id) + 1);
    std::string &key = cache[id];
    if (key.empty()) {
        appendJsonString(key, FieldRegistry::instance().name(id));
        key += ':';
    }
    return key;
}

// One pass over the event's fields (this runs for every stored event).
RowText rowText(const Event &event, std::string &scratch, std::vector<std::string> &keyCache) {
    RowText row;
    scratch.clear();
    scratch += '{';
    for (const Field &f : event.fields()) {
        switch (f.id) {
        case field::EventType:
            row.eventType = f.value;
            continue;
        case field::Host:
            row.host = f.value;
            continue;
        case field::Message:
            row.message = f.value;
            continue;
        case field::Raw:
            row.raw = f.value;
            continue;
        default:
            break;
        }
        if (scratch.size() > 1)
            scratch += ',';
        scratch += fieldKey(keyCache, f.id);
        appendJsonString(scratch, f.value);
    }
    scratch += '}';
    row.fields = scratch;
    return row;
}

} // namespace

EventRepository::EventRepository(Database &db)
    : m_db(db) {
}

Result<StoredBatch> EventRepository::insertBatch(const QString &nodeId, const EventBatch &batch, qint64 receivedAt) {
    // A batch delivered twice (at-least-once delivery) is stored once. Only that conflict is
    // ignored: any other constraint failure is an error, never a silent drop.
    auto prepared = preparedOnce(m_insert, m_db,
        "INSERT INTO events (node_id, sequence, timestamp_ns, received_at, event_type, severity, host, message, "
        "raw, fields) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (node_id, sequence) DO NOTHING");
    if (!prepared)
        return prepared.error();
    StoredBatch result;
    result.eventIds.reserve(batch.size());
    const std::string node = nodeId.toStdString();
    std::string fields;
    NativeStatement &insert = **prepared;
    for (const Event &event : batch.events()) {
        const RowText row = rowText(event, fields, m_fieldKeys);
        insert.bind(1, node);
        insert.bind(2, static_cast<std::int64_t>(event.sequence));
        insert.bind(3, event.timestampNs);
        insert.bind(4, std::int64_t {receivedAt});
        insert.bind(5, row.eventType);
        insert.bind(6, static_cast<std::int64_t>(event.severity));
        insert.bind(7, row.host);
        insert.bind(8, row.message);
        insert.bind(9, row.raw);
        insert.bind(10, row.fields);
        auto changed = insert.execute();
        if (!changed)
            return changed.error();
        if (*changed == 1) {
            result.eventIds.push_back(static_cast<std::uint64_t>(insert.lastInsertId()));
            ++result.stored;
        } else {
            result.eventIds.push_back(0);
            ++result.duplicates;
        }
    }
    return result;
}

Result<QJsonArray> EventRepository::evidence(const QList<qint64> &eventIds) {
    QJsonArray items;
    QSqlQuery query(m_db.handle());
    query.prepare(u"SELECT id, timestamp_ns, event_type, message, fields, host FROM events WHERE id = ?"_s);
    for (qint64 id : eventIds) {
        query.bindValue(0, id);
        if (!query.exec())
            return sqlError(u"reading evidence"_s, query);
        if (!query.next())
            continue;
        QJsonObject fields = QJsonDocument::fromJson(query.value(4).toString().toUtf8()).object();
        if (const QString host = query.value(5).toString(); !host.isEmpty())
            fields.insert(u"host"_s, host);
        items.append(QJsonObject {
            {u"event_id"_s, query.value(0).toLongLong()},
            {u"timestamp"_s, isoTime(query.value(1).toLongLong() / 1'000'000)},
            {u"event_type"_s, query.value(2).toString()},
            {u"message"_s, query.value(3).toString()},
            {u"fields"_s, fields},
        });
    }
    return items;
}

Result<EventPage> EventRepository::page(const EventQuery &request) {
    QString sql = u"SELECT id, node_id, sequence, timestamp_ns, received_at, event_type, severity, host, message, "
                  u"raw, fields FROM events WHERE 1"_s;
    QVariantList values;
    if (!request.nodeId.isEmpty()) {
        sql += u" AND node_id = ?"_s;
        values.append(request.nodeId);
    }
    if (request.sinceNs) {
        sql += u" AND timestamp_ns >= ?"_s;
        values.append(*request.sinceNs);
    }
    if (request.untilNs) {
        sql += u" AND timestamp_ns < ?"_s;
        values.append(*request.untilNs);
    }
    if (!request.text.isEmpty()) {
        // The text as it is: LIKE's wildcards in it are escaped.
        QString escaped = request.text;
        escaped.replace(u"\\"_s, u"\\\\"_s).replace(u"%"_s, u"\\%"_s).replace(u"_"_s, u"\\_"_s);
        sql += u" AND raw LIKE ? ESCAPE '\\'"_s;
        values.append(QString(u'%' + escaped + u'%'));
    }
    if (request.after) {
        sql += u" AND (timestamp_ns < ? OR (timestamp_ns = ? AND id < ?))"_s;
        values << request.after->first << request.after->first << request.after->second;
    }
    sql += u" ORDER BY timestamp_ns DESC, id DESC LIMIT ?"_s;
    values.append(request.limit + 1); // one more tells whether there is a next page
    QSqlQuery query(m_db.handle());
    query.prepare(sql);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec())
        return sqlError(u"reading events"_s, query);
    EventPage page;
    std::pair<qint64, qint64> last {0, 0};
    while (query.next()) {
        if (page.items.size() == request.limit) {
            page.next = last;
            break;
        }
        const qint64 timestampNs = query.value(3).toLongLong();
        last = {timestampNs, query.value(0).toLongLong()};
        page.items.append(QJsonObject {
            {u"event_id"_s, query.value(0).toLongLong()},
            {u"node_id"_s, query.value(1).toString()},
            {u"sequence"_s, query.value(2).toLongLong()},
            {u"timestamp"_s, isoTime(timestampNs / 1'000'000)},
            {u"received_at"_s, isoTime(query.value(4).toLongLong())},
            {u"event_type"_s, query.value(5).toString()},
            {u"severity"_s, query.value(6).toInt()},
            {u"host"_s, query.value(7).toString()},
            {u"message"_s, query.value(8).toString()},
            {u"raw"_s, query.value(9).toString()},
            {u"fields"_s, QJsonDocument::fromJson(query.value(10).toString().toUtf8()).object()},
        });
    }
    return page;
}

} // namespace vanopticon::storage
