// SPDX-License-Identifier: Apache-2.0
#include "logging.h"

Q_LOGGING_CATEGORY(lcConsole, "vanopticon.console", QtInfoMsg)
