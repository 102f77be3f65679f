// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "storage/database.h"

#include <QString>

#include <cstdint>
#include <optional>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace vanopticon::storage {

// A statement prepared with SQLite's own API on the connection QtSql opened, for the paths
// where QSqlQuery's per-value QVariant and UTF-16 round trips dominate: storing event batches
// and keeping their alerts up to date. Text given as a string_view is bound straight from the
// caller's memory (valid until execute() or next()); a QString is converted and copied.
class NativeStatement {
public:
    static Result<NativeStatement> prepare(Database &db, std::string_view sql);
    ~NativeStatement();
    NativeStatement(NativeStatement &&other) noexcept;
    NativeStatement &operator=(NativeStatement &&) = delete;
    NativeStatement(const NativeStatement &) = delete;

    // Parameters count from 1, as in SQL.
    void bind(int index, std::int64_t value);
    void bind(int index, double value);
    void bind(int index, std::string_view text); // empty text, never NULL
    void bind(int index, const QString &text); // a null QString too is bound as empty text
    // Runs an INSERT/UPDATE and resets for the next bindings; the rows it changed.
    Result<int> execute();
    std::int64_t lastInsertId() const;

    // Steps a statement that returns rows: true while a row is there to read, false once all
    // were read (the statement is then reset for the next bindings).
    Result<bool> next();
    void reset(); // rows not read are abandoned
    // The current row's columns, counting from 0. Text stays valid until the next step.
    std::int64_t int64At(int column) const;
    double doubleAt(int column) const;
    std::string_view textAt(int column) const;
    QString stringAt(int column) const;

private:
    NativeStatement(sqlite3 *db, sqlite3_stmt *statement)
        : m_db(db)
        , m_statement(statement) { }

    sqlite3 *m_db;
    sqlite3_stmt *m_statement;
};

// The statement in `slot`, prepared from `sql` on first use and kept there for the next: for the
// statements a repository runs for every event or alert.
Result<NativeStatement *> preparedOnce(std::optional<NativeStatement> &slot, Database &db, std::string_view sql);

} // namespace vanopticon::storage
