// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/security/securityevent.h"

#include <cstdint>
#include <string_view>

namespace vanopticon::sentinel {

enum class PamUnixKind : std::uint8_t {
    SessionOpened, // "session opened for user root(uid=0) by alice(uid=1000)"
    SessionClosed, // "session closed for user root"
    AuthFailure, // "authentication failure; logname=… uid=… euid=… tty=… ruser=… rhost=…  user=…"
    PasswordChanged, // "password changed for bob"
};

// A pam_unix message, "pam_unix(<service>:<facility>): …". Views into the message.
struct PamUnixMessage {
    PamUnixKind kind = PamUnixKind::SessionOpened;
    std::string_view service; // the PAM service: su, su-l, sudo, sudo-i, passwd, chpasswd…
    std::string_view user; // session: the account; failure: "user="; password: whose
    std::string_view userId; // session opened: "(uid=N)", when logged (Linux-PAM 1.5 and later)
    std::string_view byUser; // session opened: who opened it; empty when unknown ("by (uid=0)")
    std::string_view byUserId;
    std::string_view logname; // auth failure
    std::string_view ruser; // auth failure
    std::string_view rhost; // auth failure
    std::string_view tty; // auth failure
};

// NotSecurity for other pam_unix messages and for text that is not pam_unix's; Malformed when a
// name or number in a known message does not read as one.
SecurityMatch parsePamUnix(std::string_view message, PamUnixMessage &out);

} // namespace vanopticon::sentinel
