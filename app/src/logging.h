// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QLoggingCategory>

// The console's log category. Never log passwords or session tokens through it.
Q_DECLARE_LOGGING_CATEGORY(lcConsole)
