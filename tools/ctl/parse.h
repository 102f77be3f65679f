// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

namespace vanopticon::ctl {

// vanopticonctl parse [--format F] FILE…
// Parses each line of the files with the sentinel's parsers and prints one normalized event per
// line as JSON on stdout; lines that do not parse are reported on stderr with file, line number
// and reason, and counted in a summary. Exit status 0 when everything parsed, 1 otherwise.
int parseFiles(const QStringList &arguments);

} // namespace vanopticon::ctl
