// SPDX-License-Identifier: Apache-2.0
#include "command/auth/roles.h"

using namespace Qt::StringLiterals;

namespace vanopticon::command {

QString toString(Role role) {
    switch (role) {
    case Role::Administrator:
        return u"administrator"_s;
    case Role::Analyst:
        return u"analyst"_s;
    case Role::Responder:
        return u"responder"_s;
    case Role::Viewer:
        return u"viewer"_s;
    case Role::Auditor:
        return u"auditor"_s;
    }
    return u"viewer"_s;
}

std::optional<Role> parseRole(const QString &text) {
    for (Role role : {Role::Administrator, Role::Analyst, Role::Responder, Role::Viewer, Role::Auditor}) {
        if (toString(role) == text)
            return role;
    }
    return std::nullopt;
}

bool allows(Role role, Permission permission) {
    switch (permission) {
    case Permission::Read:
        return true;
    case Permission::DecideApprovals:
        return role == Role::Administrator || role == Role::Analyst || role == Role::Responder;
    case Permission::ManageEnrollment:
        return role == Role::Administrator;
    case Permission::ReadAudit:
        return role == Role::Administrator || role == Role::Auditor;
    }
    return false;
}

} // namespace vanopticon::command
