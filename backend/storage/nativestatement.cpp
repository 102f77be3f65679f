// SPDX-License-Identifier: Apache-2.0
#include "storage/nativestatement.h"

#include <sqlite3.h>

#include <cstring>
#include <string>

namespace vanopticon::storage {

Result<NativeStatement> NativeStatement::prepare(Database &db, std::string_view sql) {
    sqlite3 *connection = db.nativeHandle();
    if (connection == nullptr)
        return makeError("the database connection is not SQLite's");
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v3(connection, sql.data(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &statement, nullptr)
        != SQLITE_OK)
        return makeError(std::string("preparing a statement: ") + sqlite3_errmsg(connection));
    return NativeStatement(connection, statement);
}

NativeStatement::~NativeStatement() {
    sqlite3_finalize(m_statement); // a no-op on null (moved from)
}

NativeStatement::NativeStatement(NativeStatement &&other) noexcept
    : m_db(other.m_db)
    , m_statement(other.m_statement) {
    other.m_statement = nullptr;
}

void NativeStatement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(m_statement, index, value);
}

void NativeStatement::bind(int index, std::string_view text) {
    sqlite3_bind_text(m_statement, index, text.empty() ? "" : text.data(), int(text.size()), SQLITE_STATIC);
}

Result<int> NativeStatement::execute() {
    const int status = sqlite3_step(m_statement);
    sqlite3_reset(m_statement);
    if (status != SQLITE_DONE)
        return makeError(std::string("storing: ") + sqlite3_errmsg(m_db));
    return sqlite3_changes(m_db);
}

std::int64_t NativeStatement::lastInsertId() const {
    return sqlite3_last_insert_rowid(m_db);
}

} // namespace vanopticon::storage
