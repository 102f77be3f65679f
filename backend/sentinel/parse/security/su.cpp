// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/security/su.h"

#include "sentinel/parse/security/securitytext.h"

namespace vanopticon::sentinel {

namespace {

using namespace securitytext;

SecurityMatch fill(
    bool success, std::string_view user, std::string_view target, std::string_view terminal, SecurityEvent &out) {
    // util-linux writes an empty name when it cannot tell who ran su.
    if ((!user.empty() && !isName(user)) || !isName(target) || (!terminal.empty() && !isTerminal(terminal)))
        return SecurityMatch::Malformed;
    out.eventType = success ? "su_success" : "su_failed";
    out.category = "authentication";
    out.service = "su";
    out.severity = success ? Severity::Info : Severity::Low;
    if (!success)
        out.reason = "auth_failure";
    const SecurityFields &ids = SecurityFields::get();
    if (!user.empty())
        out.set(field::User, user);
    out.set(ids.targetUserName, target);
    if (!terminal.empty())
        out.set(ids.terminal, terminal);
    return SecurityMatch::Security;
}

} // namespace

SecurityMatch parseSuMessage(std::string_view message, SecurityEvent &out) {
    out = SecurityEvent {};
    std::array<std::string_view, kMaxCaptures> captures;

    // util-linux: "%s(to %s) %s on %s". The target names an account (no ") "), the terminal is
    // the system's (no " on "): the user between them is read from both ends.
    std::string_view text = message;
    bool success = true;
    for (const std::string_view prefix : {"FAILED SU ", "FAILED RUNUSER "}) {
        if (text.starts_with(prefix)) {
            text.remove_prefix(prefix.size());
            success = false;
        }
    }
    if (text.starts_with("(to ")) {
        const std::size_t close = text.find(") ");
        const std::size_t on = text.rfind(" on ");
        if (close == std::string_view::npos || on == std::string_view::npos || on + 1 < close + 2)
            return SecurityMatch::Malformed;
        const std::string_view target = text.substr(4, close - 4);
        const std::string_view user = on + 1 == close + 2 ? std::string_view() : text.substr(close + 2, on - close - 2);
        return fill(success, user, target, text.substr(on + 4), out);
    }
    if (!success)
        return SecurityMatch::NotSecurity;

    if (match(message, "Successful su for % by %", captures))
        return fill(true, captures[1], captures[0], {}, out);
    if (match(message, "FAILED su for % by %", captures))
        return fill(false, captures[1], captures[0], {}, out);
    // shadow-utils' sulog line: "+ tty old:new" / "- tty old:new".
    if ((message.starts_with("+ ") || message.starts_with("- ")) && match(message.substr(2), "% %:%", captures))
        return fill(message[0] == '+', captures[1], captures[2], captures[0], out);
    return SecurityMatch::NotSecurity;
}

} // namespace vanopticon::sentinel
