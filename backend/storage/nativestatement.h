// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "storage/database.h"

#include <cstdint>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace vanopticon::storage {

// A statement prepared with SQLite's own API on the connection QtSql opened, for the one path
// where QSqlQuery's per-value QVariant and UTF-16 round trips dominate: storing event batches.
// Text is bound as UTF-8 straight from the caller's memory (valid until step()).
class NativeStatement {
public:
    static Result<NativeStatement> prepare(Database &db, std::string_view sql);
    ~NativeStatement();
    NativeStatement(NativeStatement &&other) noexcept;
    NativeStatement &operator=(NativeStatement &&) = delete;
    NativeStatement(const NativeStatement &) = delete;

    // Parameters count from 1, as in SQL.
    void bind(int index, std::int64_t value);
    void bind(int index, std::string_view text); // empty text, never NULL
    // Runs an INSERT/UPDATE and resets for the next bindings; the rows it changed.
    Result<int> execute();
    std::int64_t lastInsertId() const;

private:
    NativeStatement(sqlite3 *db, sqlite3_stmt *statement)
        : m_db(db)
        , m_statement(statement) { }

    sqlite3 *m_db;
    sqlite3_stmt *m_statement;
};

} // namespace vanopticon::storage
