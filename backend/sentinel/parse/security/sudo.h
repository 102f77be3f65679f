// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/security/securityevent.h"

#include <string_view>

namespace vanopticon::sentinel {

// sudo's own log line (sudoers' eventlog, as written to syslog):
//   "<user> : [<reason>[ : <error>] ; ][HOST=h ; ]TTY=t ; [CHROOT=c ; ]PWD=d ; USER=u ; [GROUP=g ; ]
//    [TSID=s ; ][ENV=e ; ]COMMAND=<command line>"
// → sudo_command (no reason), or sudo_failed for the reasons sudo gives when it refuses:
// "N incorrect password attempt(s)", "user NOT in sudoers", "user NOT authorized on host",
// "command not allowed", "a password is required", "user not allowed to …". Fields: User (who ran
// sudo), TargetUserName (USER), CurrentDirectory (PWD), CommandLine (COMMAND), Image (the
// command's first word when it is a path), Terminal (TTY), and TTY, PWD, USER, GROUP, COMMAND
// under sudo's names. pam_unix messages are not read here (see parseSecurityMessage()).
//
// PWD and COMMAND are chosen by the user and can contain " ; USER=root ; ", so such a line reads two
// ways. It is read left to right, each key in sudo's order at most once, the first COMMAND= taking
// the rest (so CommandLine hides nothing that was typed). A line that does not read one way only
// (a key out of order or twice, an unknown segment, sudo's keys inside COMMAND) still gives its
// event, with "anomaly" = "ambiguous_fields" and at least medium severity: someone wrote sudo's
// syntax into a directory name or an argument, and its fields are not to be trusted.
SecurityMatch parseSudoMessage(std::string_view message, SecurityEvent &out);

} // namespace vanopticon::sentinel
