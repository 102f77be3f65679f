// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

namespace vanopticon::ctl {

// vanopticonctl watch [--server URL] [--user NAME]
// Logs in (password from VANOPTICON_PASSWORD) and prints the server's live stream, one line
// per notification, until interrupted: the terminal view of what the console shows.
int watch(const QStringList &arguments);

} // namespace vanopticon::ctl
