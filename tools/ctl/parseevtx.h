// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

namespace vanopticon::ctl {

// vanopticonctl parse --format evtx FILE…
// Imports Windows Event Log files (libevtx) and prints one event per record as JSON, with the
// field names SigmaHQ's Windows rules use; records that cannot be read are reported on stderr
// with file, record number and reason. Exit status 0 when every record was imported, 1 otherwise.
int printEvtxFiles(const QStringList &files);

} // namespace vanopticon::ctl
