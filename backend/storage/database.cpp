// SPDX-License-Identifier: Apache-2.0
#include "storage/database.h"

#include "storage/migrations.h"

#include <QAtomicInteger>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>

#include <sqlite3.h>

#include <cstring>

using namespace Qt::StringLiterals;

namespace vanopticon::storage {

namespace {
QAtomicInteger<quint64> s_connectionCounter;

// SQLite keeps memory statistics by default, which takes a process-wide mutex on every
// allocation and free (several per stored event). Nothing here reads them (no heap limit is
// set). The setting only takes before SQLite initializes, that is before the first connection.
void stopSqliteMemoryStatistics() {
    static const int done = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    Q_UNUSED(done); // SQLITE_MISUSE when something opened a connection first: then it stays on
}

Result<void> exec(QSqlDatabase &db, const QString &statement) {
    QSqlQuery query(db);
    if (!query.exec(statement))
        return sqlError(statement, query);
    return {};
}
} // namespace

Error sqlError(const QString &what, const QSqlQuery &query) {
    return qtError(what + u": "_s + query.lastError().text());
}

Database::~Database() {
    close();
}

Result<void> Database::open(const QString &path) {
    stopSqliteMemoryStatistics();
    m_connectionName = u"vanopticon-"_s + QString::number(++s_connectionCounter);
    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    m_db.setDatabaseName(path);
    if (!m_db.open())
        return qtError(u"cannot open the database "_s + path + u": "_s + m_db.lastError().text());
    // The page size only takes on a new, empty database, and must come before WAL mode, which
    // writes the file's first page. WAL: readers never block the writer; NORMAL sync is durable
    // across process crashes and loses at most the last transactions on power loss, the usual
    // trade-off for WAL.
    for (const QString &pragma : {QString(u"PRAGMA page_size = "_s + QString::number(kPageBytes)),
             u"PRAGMA journal_mode = WAL"_s, u"PRAGMA synchronous = NORMAL"_s, u"PRAGMA foreign_keys = ON"_s,
             QString(u"PRAGMA busy_timeout = "_s + QString::number(kBusyTimeoutMs)),
             QString(u"PRAGMA journal_size_limit = "_s + QString::number(kWalSizeLimitBytes))}) {
        if (auto ok = exec(m_db, pragma); !ok)
            return ok;
    }
    auto version = applyMigrations(m_db);
    if (!version)
        return version.error();
    m_schemaVersion = *version;

    QSqlQuery mode(m_db);
    if (mode.exec(u"PRAGMA journal_mode"_s) && mode.next() && mode.value(0).toString() == u"wal"_s) {
        mode.finish();
        sqlite3 *native = nativeHandle();
        if (native == nullptr)
            return qtError(u"the database connection is not SQLite's"_s);
        auto checkpointer = WalCheckpointer::start(native, path.toStdString(), kBusyTimeoutMs);
        if (!checkpointer)
            return checkpointer.error();
        m_checkpointer = std::move(*checkpointer);
    }
    return {};
}

sqlite3 *Database::nativeHandle() {
    // QSqlDriver::handle() documents "sqlite3*" for the SQLite driver.
    const QVariant handle = m_db.isValid() ? m_db.driver()->handle() : QVariant();
    if (!handle.isValid() || std::strcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(handle.constData());
}

void Database::close() {
    if (m_connectionName.isEmpty())
        return;
    for (sqlite3_stmt *&statement : m_control) {
        sqlite3_finalize(statement);
        statement = nullptr;
    }
    m_checkpointer.reset();
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
    m_connectionName.clear();
}

Result<void> Database::control(Control which) {
    static constexpr const char *kStatements[] = {"BEGIN", "COMMIT", "ROLLBACK"};
    sqlite3 *native = nativeHandle();
    if (native == nullptr)
        return makeError("the database is not open");
    sqlite3_stmt *&statement = m_control[which];
    if (statement == nullptr
        && sqlite3_prepare_v3(native, kStatements[which], -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr)
            != SQLITE_OK) {
        return makeError(std::string(kStatements[which]) + ": " + sqlite3_errmsg(native));
    }
    const int status = sqlite3_step(statement);
    const std::string message = status == SQLITE_DONE ? std::string() : sqlite3_errmsg(native);
    sqlite3_reset(statement);
    if (status != SQLITE_DONE)
        return makeError(message);
    return {};
}

Result<void> Database::transaction(const std::function<Result<void>()> &work) {
    if (auto begun = control(Begin); !begun)
        return makeError("cannot begin a transaction: " + begun.error().message);
    Result<void> result = work();
    if (!result) {
        (void)control(Rollback);
        return result;
    }
    if (auto committed = control(Commit); !committed) {
        (void)control(Rollback); // a COMMIT that failed (busy, I/O) leaves the transaction open
        return makeError("commit failed: " + committed.error().message);
    }
    return {};
}

} // namespace vanopticon::storage
