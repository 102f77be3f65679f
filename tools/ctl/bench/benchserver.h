// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

namespace vanopticon::ctl {

// vanopticonctl bench server [--events N] [--nodes K] [--batch B] [--seed S]
// The running server's ingestion ceiling: a real vanopticond on loopback, on its embedded
// defaults (shipped correlation and Sigma rules, the shield, SQLite), and K nodes in this process,
// each a real Transmitter holding a backlog of N/K generated auth.log / syslog events (parsed and
// framed before the clock starts) and sending it as fast as the server takes it, as after an
// outage. Prints one JSON object: events_per_second (stored, by wall clock), the server's CPU
// seconds over the run (all its threads) and per event, this process's CPU seconds (the nodes'
// side), Busy answers and transactions.
int benchServer(const QStringList &arguments);

} // namespace vanopticon::ctl
