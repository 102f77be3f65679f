// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

namespace vanopticon::ctl {

// vanopticonctl parse [--format auto|rfc3164|rfc5424|json|cef|leef|keyvalue|auditd|netflow|evtx] FILE…
// Log formats: parses each line of the files with the sentinel's parsers (auto, the default,
// recognises each line's format) and prints one normalized event per line as JSON on stdout;
// lines that do not parse are reported on stderr with file, line number and reason, and counted
// in a summary. NetFlow and EVTX files are binary: see parsenetflow.h and parseevtx.h.
// Exit status 0 when everything parsed, 1 otherwise; 2 for bad arguments.
int parseFiles(const QStringList &arguments);

} // namespace vanopticon::ctl
