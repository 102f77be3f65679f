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

void NativeStatement::bind(int index, double value) {
    sqlite3_bind_double(m_statement, index, value);
}

void NativeStatement::bind(int index, const QString &text) {
    const QByteArray utf8 = text.toUtf8();
    sqlite3_bind_text(m_statement, index, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
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

Result<bool> NativeStatement::next() {
    const int status = sqlite3_step(m_statement);
    if (status == SQLITE_ROW)
        return true;
    sqlite3_reset(m_statement);
    if (status != SQLITE_DONE)
        return makeError(std::string("reading: ") + sqlite3_errmsg(m_db));
    return false;
}

void NativeStatement::reset() {
    sqlite3_reset(m_statement);
}

std::int64_t NativeStatement::int64At(int column) const {
    return sqlite3_column_int64(m_statement, column);
}

double NativeStatement::doubleAt(int column) const {
    return sqlite3_column_double(m_statement, column);
}

std::string_view NativeStatement::textAt(int column) const {
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    if (text == nullptr)
        return {};
    return std::string_view(text, std::size_t(sqlite3_column_bytes(m_statement, column)));
}

QString NativeStatement::stringAt(int column) const {
    const std::string_view text = textAt(column);
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

Result<NativeStatement *> preparedOnce(std::optional<NativeStatement> &slot, Database &db, std::string_view sql) {
    if (!slot) {
        auto statement = NativeStatement::prepare(db, sql);
        if (!statement)
            return statement.error();
        slot.emplace(std::move(*statement));
    }
    return &*slot;
}

} // namespace vanopticon::storage
