// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/security/securityevent.h"

#include <string_view>

namespace vanopticon::sentinel {

// The programs whose syslog messages parseSecurityMessage() reads: sudo, su, runuser, and the
// shadow-utils account tools (see isShadowUtilsAppName()).
bool isSecurityAppName(std::string_view appName);

// Reads a security event from a syslog message of one of those programs (the TAG's program name
// and the text after "tag[pid]: "). Only a program's own messages are believed: any program can
// write "session opened for user root". Typed:
//   sudo: its log line (see parseSudoMessage()), and pam_unix "authentication failure" → sudo_failed
//   su / runuser: its lines (see parseSuMessage()), and pam_unix "authentication failure" → su_failed
//   shadow-utils: see parseShadowUtilsMessage(); pam_unix "password changed for bob" (passwd,
//     chpasswd) → password_changed
//   any of them: pam_unix "session opened for user root(uid=0) by alice(uid=1000)" →
//     session_opened (TargetUserName root, TargetUserId 0, User alice), "session closed for user
//     root" → session_closed.
SecurityMatch parseSecurityMessage(std::string_view appName, std::string_view message, SecurityEvent &out);

} // namespace vanopticon::sentinel
