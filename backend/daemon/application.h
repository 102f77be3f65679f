// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

namespace vanopticon::daemon {

// Parses the command line, starts the role it names and runs the event loop until SIGINT or
// SIGTERM. Returns the process exit status; errors are printed, never thrown.
int run(const QStringList &arguments);

} // namespace vanopticon::daemon
