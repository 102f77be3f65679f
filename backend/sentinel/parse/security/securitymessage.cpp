// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/security/securitymessage.h"

#include "sentinel/parse/security/pamunix.h"
#include "sentinel/parse/security/shadowutils.h"
#include "sentinel/parse/security/su.h"
#include "sentinel/parse/security/sudo.h"

namespace vanopticon::sentinel {

namespace {

bool isSudo(std::string_view appName) {
    return appName == "sudo";
}

bool isSu(std::string_view appName) {
    return appName == "su" || appName == "runuser";
}

SecurityMatch fromPam(std::string_view appName, const PamUnixMessage &pam, SecurityEvent &out) {
    const SecurityFields &ids = SecurityFields::get();
    out.service = appName;
    switch (pam.kind) {
    case PamUnixKind::SessionOpened:
        out.eventType = "session_opened";
        out.category = "authentication";
        out.set(ids.targetUserName, pam.user);
        if (!pam.userId.empty())
            out.set(ids.targetUserId, pam.userId);
        if (!pam.byUser.empty())
            out.set(field::User, pam.byUser);
        return SecurityMatch::Security;
    case PamUnixKind::SessionClosed:
        out.eventType = "session_closed";
        out.category = "authentication";
        out.set(ids.targetUserName, pam.user);
        return SecurityMatch::Security;
    case PamUnixKind::PasswordChanged:
        out.eventType = "password_changed";
        out.category = "iam";
        out.severity = Severity::Medium;
        out.set(ids.targetUserName, pam.user);
        return SecurityMatch::Security;
    case PamUnixKind::AuthFailure: {
        if (!isSudo(appName) && !isSu(appName))
            return SecurityMatch::NotSecurity;
        out.category = "authentication";
        out.severity = Severity::Low;
        out.reason = "auth_failure";
        // logname and ruser name who is asking; user= is the account they authenticate as: the
        // target for su, themselves for sudo.
        const std::string_view asking = !pam.ruser.empty() ? pam.ruser : pam.logname;
        if (isSudo(appName)) {
            out.eventType = "sudo_failed";
            out.set(field::User, !pam.user.empty() ? pam.user : asking);
        } else {
            out.eventType = "su_failed";
            if (!asking.empty())
                out.set(field::User, asking);
            if (!pam.user.empty())
                out.set(ids.targetUserName, pam.user);
        }
        if (!pam.tty.empty())
            out.set(ids.terminal, pam.tty);
        return SecurityMatch::Security;
    }
    }
    return SecurityMatch::NotSecurity;
}

} // namespace

bool isSecurityAppName(std::string_view appName) {
    return isSudo(appName) || isSu(appName) || isShadowUtilsAppName(appName);
}

SecurityMatch parseSecurityMessage(std::string_view appName, std::string_view message, SecurityEvent &out) {
    out = SecurityEvent {};
    if (!isSecurityAppName(appName))
        return SecurityMatch::NotSecurity;
    if (message.starts_with("pam_unix(")) {
        PamUnixMessage pam;
        const SecurityMatch match = parsePamUnix(message, pam);
        if (match != SecurityMatch::Security)
            return match;
        return fromPam(appName, pam, out);
    }
    if (isSudo(appName))
        return parseSudoMessage(message, out);
    if (isSu(appName)) {
        const SecurityMatch match = parseSuMessage(message, out);
        if (match == SecurityMatch::Security)
            out.service = appName;
        return match;
    }
    return parseShadowUtilsMessage(appName, message, out);
}

} // namespace vanopticon::sentinel
