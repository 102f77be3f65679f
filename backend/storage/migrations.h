// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"

#include <QSqlDatabase>

namespace vanopticon::storage {

// Brings the schema up to the newest version, one migration per transaction, recording each
// in schema_migrations. Returns the version reached. A database from a newer release is refused.
Result<int> applyMigrations(QSqlDatabase &db);
int latestSchemaVersion();

} // namespace vanopticon::storage
