// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/security/securityevent.h"

#include <string_view>

namespace vanopticon::sentinel {

// The account tools of shadow-utils, by program name: useradd, userdel, usermod, groupadd,
// groupdel, groupmod, passwd, chpasswd, chage, gpasswd, chfn, chsh.
bool isShadowUtilsAppName(std::string_view appName);

// Reads the account and group changes those programs log (shadow 4.x; names quoted 'so' since 4.2
// and `so' before) into user_created, user_deleted, user_modified, group_created, group_deleted,
// group_modified and password_changed events: TargetUserName, TargetUserId, GroupName, GroupId,
// HomeDirectory, Shell, Terminal, and for changes Change (what: uid, gid, name, home, shell,
// group_add, group_remove, lock, unlock, expiration, inactive, password_expiry, information,
// members) with OldValue / NewValue where logged. User is who made the change, where logged.
// Severity medium; high when the change makes an account privileged (UID or GID 0, membership of
// root, sudo, wheel or admin). Where a tool logs one change twice (/etc/group and /etc/gshadow,
// or a summary line), only one line is typed. pam_unix messages are not read here.
SecurityMatch parseShadowUtilsMessage(std::string_view appName, std::string_view message, SecurityEvent &out);

} // namespace vanopticon::sentinel
