// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/security/sudo.h"

#include "sentinel/parse/security/securitytext.h"

#include <algorithm>
#include <array>

namespace vanopticon::sentinel {

namespace {

using namespace securitytext;

constexpr std::string_view kUserSeparator = " : ";
constexpr std::string_view kSeparator = " ; ";
constexpr std::string_view kCommandKey = "COMMAND=";
constexpr std::size_t kMaxReasonBytes = 256;

// The keys before COMMAND=, in the order sudo writes them.
enum Key : std::size_t { Host, Tty, Chroot, Pwd, User, Group, Tsid, Env, KeyCount };
constexpr std::array<std::string_view, KeyCount> kKeys
    = {"HOST=", "TTY=", "CHROOT=", "PWD=", "USER=", "GROUP=", "TSID=", "ENV="};

std::size_t keyAt(std::string_view segment) {
    for (std::size_t i = 0; i < KeyCount; ++i) {
        if (segment.starts_with(kKeys[i]))
            return i;
    }
    return KeyCount;
}

bool startsWithKey(std::string_view segment) {
    return segment.starts_with(kCommandKey) || keyAt(segment) != KeyCount;
}

// The reason sudo gave for refusing, or empty when the text is not one of them.
std::string_view failureReason(std::string_view text) {
    if (text.find("incorrect password attempt") != std::string_view::npos)
        return "incorrect_password";
    if (text.starts_with("user NOT in sudoers"))
        return "not_in_sudoers";
    if (text.starts_with("user NOT authorized on host"))
        return "not_authorized_on_host";
    if (text.starts_with("command not allowed"))
        return "command_not_allowed";
    if (text.starts_with("a password is required"))
        return "password_required";
    if (text.starts_with("user not allowed to"))
        return "not_allowed";
    return {};
}

} // namespace

SecurityMatch parseSudoMessage(std::string_view message, SecurityEvent &out) {
    out = SecurityEvent {};
    // sudo pads the user name to eight columns: "    alice : TTY=…".
    const std::string_view text = trimLeft(message);
    const std::size_t userEnd = text.find(kUserSeparator);
    if (userEnd == std::string_view::npos)
        return SecurityMatch::NotSecurity;
    const std::string_view user = text.substr(0, userEnd);
    std::string_view rest = text.substr(userEnd + kUserSeparator.size());
    if (!startsWithKey(rest) && rest.find(kSeparator) == std::string_view::npos)
        return SecurityMatch::NotSecurity; // "alice : unable to resolve host …" and other notices

    std::string_view reason;
    if (!startsWithKey(rest)) {
        const std::size_t end = rest.find(kSeparator);
        const std::string_view reasonText = rest.substr(0, end);
        reason = failureReason(reasonText);
        if (reason.empty() || reasonText.size() > kMaxReasonBytes)
            return SecurityMatch::NotSecurity; // another of sudo's complaints, not a refusal
        rest.remove_prefix(end + kSeparator.size());
    }
    if (!isName(user))
        return SecurityMatch::Malformed;

    std::array<std::string_view, KeyCount> values {};
    std::array<bool, KeyCount> seen {};
    std::size_t lastKey = 0;
    bool ambiguous = false;
    bool haveCommand = false;
    std::string_view command;
    while (!rest.empty()) {
        if (rest.starts_with(kCommandKey)) {
            command = rest.substr(kCommandKey.size());
            haveCommand = true;
            break;
        }
        const std::size_t end = rest.find(kSeparator);
        const std::string_view segment = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + kSeparator.size());
        const std::size_t key = keyAt(segment);
        if (key == KeyCount || seen[key] || key < lastKey) {
            ambiguous = true;
            continue;
        }
        seen[key] = true;
        lastKey = key;
        values[key] = segment.substr(kKeys[key].size());
    }
    // Arguments that spell sudo's own keys are as suspect as such a directory name.
    for (const std::string_view key : {" ; USER=", " ; PWD=", " ; TTY=", " ; COMMAND="}) {
        if (command.find(key) != std::string_view::npos)
            ambiguous = true;
    }
    if (!haveCommand || (!seen[User] && !ambiguous))
        return SecurityMatch::Malformed;

    const SecurityFields &ids = SecurityFields::get();
    out.service = "sudo";
    if (reason.empty()) {
        out.eventType = "sudo_command";
        out.category = "process";
        out.severity = Severity::Info;
    } else {
        out.eventType = "sudo_failed";
        out.category = "authentication";
        out.severity = Severity::Low;
        out.reason = reason;
    }
    out.set(field::User, user);
    if (seen[User]) {
        out.set(ids.targetUserName, values[User]);
        out.set(ids.sudoUser, values[User]);
    }
    out.set(field::CommandLine, command);
    out.set(ids.sudoCommand, command);
    if (command.starts_with('/'))
        out.set(field::Image, command.substr(0, command.find(' ')));
    if (seen[Pwd]) {
        out.set(field::CurrentDirectory, values[Pwd]);
        out.set(ids.sudoPwd, values[Pwd]);
    }
    if (seen[Tty]) {
        out.set(ids.terminal, values[Tty]);
        out.set(ids.sudoTty, values[Tty]);
    }
    if (seen[Group])
        out.set(ids.sudoGroup, values[Group]);
    if (ambiguous) {
        out.set(ids.anomaly, "ambiguous_fields");
        out.severity = std::max(out.severity, Severity::Medium);
    }
    return SecurityMatch::Security;
}

} // namespace vanopticon::sentinel
