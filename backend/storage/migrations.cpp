// SPDX-License-Identifier: Apache-2.0
#include "storage/migrations.h"

#include "storage/database.h"

#include <QDateTime>
#include <QSqlQuery>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace vanopticon::storage {

namespace {

struct Migration {
    int version;
    const char *description;
    QStringList statements;
};

// Append-only: a released migration is never edited; changes come as a new version.
// Times are Unix milliseconds (UTC) except events.timestamp_ns.
const QList<Migration> &migrations() {
    static const QList<Migration> list = {
        {1, "users, sessions, nodes, enrollment tokens, events, alerts, decisions, audit log",
            {
                uR"(CREATE TABLE users (
                 id INTEGER PRIMARY KEY,
                 username TEXT NOT NULL UNIQUE,
                 password_hash TEXT NOT NULL,
                 role TEXT NOT NULL,
                 created_at INTEGER NOT NULL))"_s,
                uR"(CREATE TABLE sessions (
                 token_hash TEXT PRIMARY KEY,
                 user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                 created_at INTEGER NOT NULL,
                 expires_at INTEGER NOT NULL))"_s,
                uR"(CREATE TABLE enrollment_tokens (
                 token_hash TEXT PRIMARY KEY,
                 description TEXT NOT NULL DEFAULT '',
                 created_by TEXT NOT NULL,
                 created_at INTEGER NOT NULL,
                 expires_at INTEGER NOT NULL,
                 used_at INTEGER,
                 used_by_node TEXT))"_s,
                uR"(CREATE TABLE nodes (
                 id TEXT PRIMARY KEY,
                 hostname TEXT NOT NULL,
                 public_key BLOB NOT NULL,
                 enrolled_at INTEGER NOT NULL,
                 last_seen_at INTEGER,
                 last_heartbeat_at INTEGER,
                 address TEXT,
                 version TEXT,
                 last_acked_batch INTEGER NOT NULL DEFAULT 0,
                 events_received INTEGER NOT NULL DEFAULT 0))"_s,
                uR"(CREATE TABLE events (
                 id INTEGER PRIMARY KEY,
                 node_id TEXT NOT NULL REFERENCES nodes(id),
                 sequence INTEGER NOT NULL,
                 timestamp_ns INTEGER NOT NULL,
                 received_at INTEGER NOT NULL,
                 event_type TEXT NOT NULL,
                 severity INTEGER NOT NULL,
                 host TEXT NOT NULL DEFAULT '',
                 message TEXT NOT NULL DEFAULT '',
                 raw TEXT NOT NULL DEFAULT '',
                 fields TEXT NOT NULL DEFAULT '{}',
                 UNIQUE (node_id, sequence)))"_s,
                u"CREATE INDEX events_by_time ON events (timestamp_ns)"_s,
                uR"(CREATE TABLE alerts (
                 id INTEGER PRIMARY KEY,
                 dedup_key TEXT NOT NULL,
                 rule_id TEXT NOT NULL,
                 title TEXT NOT NULL,
                 description TEXT NOT NULL DEFAULT '',
                 severity TEXT NOT NULL,
                 status TEXT NOT NULL,
                 score INTEGER NOT NULL,
                 score_band TEXT NOT NULL,
                 confidence REAL NOT NULL,
                 explanation TEXT NOT NULL,
                 count INTEGER NOT NULL,
                 first_seen INTEGER NOT NULL,
                 last_seen INTEGER NOT NULL,
                 created_at INTEGER NOT NULL,
                 updated_at INTEGER NOT NULL,
                 node_id TEXT NOT NULL DEFAULT '',
                 host TEXT NOT NULL DEFAULT '',
                 group_json TEXT NOT NULL DEFAULT '{}'))"_s,
                u"CREATE UNIQUE INDEX alerts_open_by_dedup_key ON alerts (dedup_key) WHERE status = 'open'"_s,
                u"CREATE INDEX alerts_by_last_seen ON alerts (last_seen)"_s,
                uR"(CREATE TABLE alert_evidence (
                 alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
                 event_id INTEGER NOT NULL REFERENCES events(id),
                 PRIMARY KEY (alert_id, event_id)))"_s,
                uR"(CREATE TABLE decisions (
                 id INTEGER PRIMARY KEY,
                 alert_id INTEGER NOT NULL REFERENCES alerts(id),
                 policy TEXT NOT NULL,
                 action TEXT NOT NULL,
                 target TEXT NOT NULL,
                 parameters TEXT NOT NULL,
                 risk TEXT NOT NULL,
                 rationale TEXT NOT NULL,
                 status TEXT NOT NULL,
                 node_id TEXT NOT NULL,
                 requested_at INTEGER NOT NULL,
                 decided_at INTEGER,
                 decided_by TEXT,
                 reason TEXT,
                 command_id TEXT UNIQUE,
                 result_status TEXT,
                 result_detail TEXT,
                 completed_at INTEGER,
                 active_until INTEGER))"_s,
                u"CREATE INDEX decisions_by_status ON decisions (status)"_s,
                u"CREATE INDEX decisions_by_alert ON decisions (alert_id)"_s,
                u"CREATE INDEX decisions_by_target ON decisions (action, target)"_s,
                uR"(CREATE TABLE audit_log (
                 id INTEGER PRIMARY KEY,
                 timestamp INTEGER NOT NULL,
                 actor TEXT NOT NULL,
                 action TEXT NOT NULL,
                 resource TEXT NOT NULL,
                 outcome TEXT NOT NULL,
                 details TEXT NOT NULL,
                 previous_hash TEXT NOT NULL,
                 hash TEXT NOT NULL))"_s,
            }},
    };
    return list;
}

Result<int> currentVersion(QSqlDatabase &db) {
    QSqlQuery query(db);
    if (!query.exec(u"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                    u"description TEXT NOT NULL, applied_at INTEGER NOT NULL)"_s))
        return sqlError(u"creating schema_migrations"_s, query);
    if (!query.exec(u"SELECT COALESCE(MAX(version), 0) FROM schema_migrations"_s) || !query.next())
        return sqlError(u"reading the schema version"_s, query);
    return query.value(0).toInt();
}

} // namespace

int latestSchemaVersion() {
    return migrations().constLast().version;
}

Result<int> applyMigrations(QSqlDatabase &db) {
    auto version = currentVersion(db);
    if (!version)
        return version;
    if (*version > latestSchemaVersion())
        return makeError("the database has schema version " + std::to_string(*version)
            + ", newer than this release understands (" + std::to_string(latestSchemaVersion())
            + "); refusing to open it");
    for (const Migration &migration : migrations()) {
        if (migration.version <= *version)
            continue;
        if (!db.transaction())
            return makeError("cannot begin the migration transaction");
        QSqlQuery query(db);
        for (const QString &statement : migration.statements) {
            if (!query.exec(statement)) {
                Error error = sqlError(u"migration "_s + QString::number(migration.version), query);
                db.rollback();
                return error;
            }
        }
        query.prepare(u"INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)"_s);
        query.addBindValue(migration.version);
        query.addBindValue(QString::fromUtf8(migration.description));
        query.addBindValue(QDateTime::currentMSecsSinceEpoch());
        if (!query.exec() || !db.commit()) {
            Error error = sqlError(u"recording migration "_s + QString::number(migration.version), query);
            db.rollback();
            return error;
        }
        *version = migration.version;
    }
    return *version;
}

} // namespace vanopticon::storage
