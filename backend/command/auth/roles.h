// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

#include <optional>

namespace vanopticon::command {

enum class Role { Administrator, Analyst, Responder, Viewer, Auditor };

// What a route needs; each role is granted a fixed set (docs/API.md).
enum class Permission {
    Read, // nodes, alerts, approvals, the live stream
    DecideApprovals, // approve or deny a pending response
    ManageEnrollment, // create enrollment tokens
    ReadAudit,
};

QString toString(Role role);
std::optional<Role> parseRole(const QString &text);
bool allows(Role role, Permission permission);

// The authenticated caller of a request.
struct Principal {
    qint64 userId = 0;
    QString username;
    Role role = Role::Viewer;
};

} // namespace vanopticon::command
