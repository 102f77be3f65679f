// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string_view>

namespace vanopticon::sentinel {

enum class SshdAuthKind : std::uint8_t {
    Failed, // "Failed <method> for [invalid user ]<user> from <ip> port <port> ssh2"
    Accepted, // "Accepted <method> for <user> from <ip> port <port> ssh2[: <key>]"
    InvalidUser, // "Invalid user <user> from <ip>[ port <port>]"
};

// A login attempt sshd logged. Views into the message text.
struct SshdAuth {
    SshdAuthKind kind = SshdAuthKind::Failed;
    std::string_view method; // password, publickey, keyboard-interactive/pam, none…; empty for InvalidUser
    std::string_view user; // as sshd wrote it: bytes the client chose, possibly empty
    std::string_view sourceIp; // checked to be an IPv4 or IPv6 address
    std::string_view sourcePort; // 1 to 65535; empty when sshd did not log one
    bool invalidUser = false; // no such account
};

enum class SshdMatch : std::uint8_t {
    NotAuth, // some other sshd message
    Auth, // a login attempt, in `out`
    Malformed, // begins like a login attempt but does not read as one (bad address, bad port…)
};

// sshd's program names: "sshd", and "sshd-session" (OpenSSH 9.8 and later).
bool isSshdAppName(std::string_view appName);

// Reads a login attempt from the text of an sshd syslog message. The user name is chosen by the
// client and may contain anything, " from 1.2.3.4 port 1" included: the address is read from the
// right end, where sshd itself wrote it, and only the last " from " is considered.
SshdMatch parseSshdAuth(std::string_view message, SshdAuth &out);

} // namespace vanopticon::sentinel
