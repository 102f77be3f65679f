// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/security/pamunix.h"

#include "sentinel/parse/security/securitytext.h"

namespace vanopticon::sentinel {

namespace {

using namespace securitytext;

constexpr std::string_view kPrefix = "pam_unix(";
constexpr std::string_view kOpened = "session opened for user ";
constexpr std::string_view kClosed = "session closed for user ";
constexpr std::string_view kFailure = "authentication failure; ";
constexpr std::string_view kChanged = "password changed for ";
constexpr std::size_t kMaxServiceBytes = 64;

// "name(uid=N)" or "name"; the name may be empty ("(uid=0)") only where `allowEmptyName`.
bool readAccount(std::string_view text, bool allowEmptyName, std::string_view &name, std::string_view &id) {
    name = text;
    id = {};
    if (const std::size_t open = text.find("(uid="); open != std::string_view::npos) {
        if (!text.ends_with(')'))
            return false;
        name = text.substr(0, open);
        id = text.substr(open + 5, text.size() - open - 6);
        if (!isId(id))
            return false;
    }
    return (allowEmptyName && name.empty()) || isName(name);
}

// "key=value" at the front of `text`, the value running to `next` (the next key, with its
// separating space) or to the end when `next` is empty.
bool readKey(std::string_view &text, std::string_view key, std::string_view next, std::string_view &value) {
    if (!text.starts_with(key))
        return false;
    text.remove_prefix(key.size());
    if (next.empty()) {
        value = text;
        text = {};
        return true;
    }
    const std::size_t end = text.find(next);
    if (end == std::string_view::npos)
        return false;
    value = text.substr(0, end);
    text.remove_prefix(end + 1); // keep the next key, drop the space before it
    return true;
}

} // namespace

SecurityMatch parsePamUnix(std::string_view message, PamUnixMessage &out) {
    out = PamUnixMessage {};
    if (!message.starts_with(kPrefix))
        return SecurityMatch::NotSecurity;
    const std::size_t close = message.find("): ");
    if (close == std::string_view::npos)
        return SecurityMatch::NotSecurity;
    const std::string_view header = message.substr(kPrefix.size(), close - kPrefix.size());
    const std::size_t colon = header.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > kMaxServiceBytes || !isTerminal(header))
        return SecurityMatch::NotSecurity;
    out.service = header.substr(0, colon);
    std::string_view text = message.substr(close + 3);

    if (text.starts_with(kOpened)) {
        out.kind = PamUnixKind::SessionOpened;
        text.remove_prefix(kOpened.size());
        // "root(uid=0) by alice(uid=1000)": names hold no spaces, so the first " by " divides them.
        const std::size_t by = text.find(" by ");
        if (by == std::string_view::npos)
            return SecurityMatch::Malformed;
        if (!readAccount(text.substr(0, by), false, out.user, out.userId)
            || !readAccount(text.substr(by + 4), true, out.byUser, out.byUserId))
            return SecurityMatch::Malformed;
        return SecurityMatch::Security;
    }
    if (text.starts_with(kClosed)) {
        out.kind = PamUnixKind::SessionClosed;
        out.user = text.substr(kClosed.size());
        return isName(out.user) ? SecurityMatch::Security : SecurityMatch::Malformed;
    }
    if (text.starts_with(kChanged)) {
        out.kind = PamUnixKind::PasswordChanged;
        out.user = text.substr(kChanged.size());
        return isName(out.user) ? SecurityMatch::Security : SecurityMatch::Malformed;
    }
    if (text.starts_with(kFailure)) {
        // Linux-PAM: "logname=%s uid=%d euid=%d tty=%s ruser=%s rhost=%s %s%s", the last two
        // being " user=" and the name when there is one (hence two spaces before "user=").
        out.kind = PamUnixKind::AuthFailure;
        text.remove_prefix(kFailure.size());
        std::string_view uid;
        std::string_view euid;
        if (!readKey(text, "logname=", " uid=", out.logname) || !readKey(text, "uid=", " euid=", uid)
            || !readKey(text, "euid=", " tty=", euid) || !readKey(text, "tty=", " ruser=", out.tty)
            || !readKey(text, "ruser=", " rhost=", out.ruser) || !isId(uid) || !isId(euid))
            return SecurityMatch::Malformed;
        if (!text.starts_with("rhost="))
            return SecurityMatch::Malformed;
        text.remove_prefix(6);
        if (const std::size_t user = text.find("  user="); user != std::string_view::npos) {
            out.rhost = text.substr(0, user);
            out.user = text.substr(user + 7);
            if (!isName(out.user))
                return SecurityMatch::Malformed;
        } else {
            out.rhost = text.ends_with(' ') ? text.substr(0, text.size() - 1) : text;
        }
        if ((!out.logname.empty() && !isName(out.logname)) || (!out.ruser.empty() && !isName(out.ruser)))
            return SecurityMatch::Malformed;
        return SecurityMatch::Security;
    }
    return SecurityMatch::NotSecurity;
}

} // namespace vanopticon::sentinel
