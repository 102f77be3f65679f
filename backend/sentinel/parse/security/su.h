// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/security/securityevent.h"

#include <string_view>

namespace vanopticon::sentinel {

// su's own lines → su_success / su_failed, with User (who ran su), TargetUserName (whom they
// became) and Terminal:
//   util-linux (Debian 10 and later, RHEL): "(to root) alice on pts/0",
//     "FAILED SU (to root) alice on pts/0", runuser's "FAILED RUNUSER (to …) … on …";
//   shadow-utils su: "Successful su for root by alice", "FAILED su for root by alice",
//     "+ pts/0 alice:root", "- pts/0 alice:root".
// pam_unix messages are not read here (see parseSecurityMessage()).
SecurityMatch parseSuMessage(std::string_view message, SecurityEvent &out);

} // namespace vanopticon::sentinel
