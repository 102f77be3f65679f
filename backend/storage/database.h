// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "storage/walcheckpointer.h"

#include <QSqlDatabase>
#include <QString>
#include <QtCore/qstringliteral.h>

#include <array>
#include <functional>
#include <memory>

struct sqlite3_stmt;

namespace vanopticon::storage {

// The daemon's one SQLite database (WAL) under its data directory. Opening it applies the
// versioned migrations. Lives on the thread that opened it (a QtSql rule).
class Database {
public:
    // A log that grew in a spike (a long reader held checkpoints back) is cut back to this
    // once it starts over; normally it stays near WalCheckpointer::kInlineBytes (16 MB).
    static constexpr qint64 kWalSizeLimitBytes = 32 << 20;
    static constexpr int kBusyTimeoutMs = 5000; // how long a statement waits for another's lock
    // Pages of a new database. Storing events costs about 40% less CPU in SQLite than with the
    // default 4 KB pages (fewer pages to fill, balance and log per event). A database keeps the
    // page size it was created with.
    static constexpr int kPageBytes = 16384;

    Database() = default;
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    Result<void> open(const QString &path);
    void close();

    QSqlDatabase &handle() { return m_db; }
    // The connection under QtSql's SQLite driver, for SQLite's own API; null if it is not SQLite.
    sqlite3 *nativeHandle();
    // The write-ahead log's checkpoints, made on a thread of their own; null for a database
    // without a log (in memory).
    const WalCheckpointer *checkpointer() const { return m_checkpointer.get(); }
    int schemaVersion() const { return m_schemaVersion; }

    // Runs `work` in a transaction: committed when it returns ok, rolled back otherwise.
    Result<void> transaction(const std::function<Result<void>()> &work);

private:
    // BEGIN, COMMIT and ROLLBACK, each prepared once: QSqlDatabase::transaction() and commit()
    // build a query and parse the statement anew each time, and ingestion commits twice a batch.
    enum Control { Begin, Commit, Rollback };
    Result<void> control(Control statement);

    QSqlDatabase m_db;
    std::array<sqlite3_stmt *, 3> m_control {}; // by Control; finalized before the connection closes
    QString m_connectionName;
    std::unique_ptr<WalCheckpointer> m_checkpointer; // stopped before the connection closes
    int m_schemaVersion = 0;
};

// "what failed: driver message" from a failed query, for errors returned to callers.
Error sqlError(const QString &what, const class QSqlQuery &query);
// Binds as '' rather than NULL: a default-constructed QString is null, and NULL would break
// NOT NULL columns that mean "empty".
inline QString nonNull(const QString &text) {
    return text.isNull() ? QStringLiteral("") : text;
}
inline Error qtError(const QString &message) {
    return makeError(message.toStdString());
}

} // namespace vanopticon::storage
