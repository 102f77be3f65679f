// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

namespace vanopticon::ctl {

// vanopticonctl demo-attack --log FILE [--pace-ms N]
// Appends a short, realistic story to an auth log, as sshd writes it through rsyslog: an
// employee who mistypes and logs in, a scanner brute-forcing root and admin, and a slower
// attacker who guesses oracle's password. What a sentinel tailing the file turns into alerts.
int demoAttack(const QStringList &arguments);

} // namespace vanopticon::ctl
