// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

namespace vanopticon::ctl {

// vanopticonctl parse --format netflow FILE…
// Each FILE is one exported datagram (a UDP payload: NetFlow v1/v5/v9 or IPFIX), decoded in the
// order given as if from one exporter, so templates from earlier files apply to later ones and
// data that came before its template is held until it arrives. Prints one network_connection
// event per flow as JSON; refused datagrams are reported on stderr. Exit status 0 when every
// datagram was accepted, 1 otherwise.
int printNetflowFiles(const QStringList &files);

} // namespace vanopticon::ctl
