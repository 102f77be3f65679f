// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/sshd.h"

#include <arpa/inet.h>
#include <array>
#include <cstring>
#include <netinet/in.h>

namespace vanopticon::sentinel {

namespace {

constexpr std::string_view kFailed = "Failed ";
constexpr std::string_view kAccepted = "Accepted ";
constexpr std::string_view kInvalidUser = "Invalid user ";
constexpr std::string_view kFor = " for ";
constexpr std::string_view kFrom = " from ";
constexpr std::string_view kPort = " port ";
constexpr std::string_view kInvalidUserPrefix = "invalid user ";
constexpr std::size_t kMaxMethodBytes = 64;
constexpr std::size_t kMaxInterfaceBytes = 15; // IFNAMSIZ - 1

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

bool isAlnum(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// inet_pton on a bounded stack copy: no allocation, and no trailing bytes after a NUL slip by.
// A link-local IPv6 address may carry a zone ("fe80::1%eth0").
bool isIpAddress(std::string_view text) {
    std::string_view address = text;
    if (const std::size_t percent = text.find('%'); percent != std::string_view::npos) {
        const std::string_view zone = text.substr(percent + 1);
        if (zone.empty() || zone.size() > kMaxInterfaceBytes)
            return false;
        for (char c : zone) {
            if (!isAlnum(c) && c != '.' && c != '_' && c != '-')
                return false;
        }
        address = text.substr(0, percent);
    }
    std::array<char, INET6_ADDRSTRLEN> buffer {};
    if (address.empty() || address.size() >= buffer.size() || address.find('\0') != std::string_view::npos)
        return false;
    std::memcpy(buffer.data(), address.data(), address.size());
    std::array<unsigned char, sizeof(in6_addr)> binary {};
    const bool v6 = address.find(':') != std::string_view::npos;
    if (!v6 && address.size() != text.size())
        return false; // zones belong to IPv6 only
    return ::inet_pton(v6 ? AF_INET6 : AF_INET, buffer.data(), binary.data()) == 1;
}

bool isPort(std::string_view text) {
    if (text.empty() || text.size() > 5)
        return false;
    unsigned value = 0;
    for (char c : text) {
        if (!isDigit(c))
            return false;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return value >= 1 && value <= 65535;
}

bool isMethodChar(char c) {
    return isAlnum(c) || c == '-' || c == '/' || c == '@' || c == '.' || c == '_';
}

// "<ip> port <port>" followed by the end, " ssh2" (optionally ": <key>") or " [preauth]".
// Without " port " (OpenSSH before 7.5 for "Invalid user"), the whole tail is the address.
bool readAddress(std::string_view tail, SshdAuth &out) {
    const std::size_t port = tail.find(kPort);
    if (port == std::string_view::npos) {
        if (!isIpAddress(tail))
            return false;
        out.sourceIp = tail;
        out.sourcePort = tail.substr(tail.size(), 0);
        return true;
    }
    const std::string_view ip = tail.substr(0, port);
    std::string_view rest = tail.substr(port + kPort.size());
    std::size_t digits = 0;
    while (digits < rest.size() && isDigit(rest[digits]))
        ++digits;
    const std::string_view portText = rest.substr(0, digits);
    rest.remove_prefix(digits);
    if (!isIpAddress(ip) || !isPort(portText))
        return false;
    const bool knownEnding
        = rest.empty() || rest == " [preauth]" || rest.starts_with(" ssh2") || rest.starts_with(" ssh1");
    if (!knownEnding)
        return false;
    out.sourceIp = ip;
    out.sourcePort = portText;
    return true;
}

// "<user> from <address>", the user being everything before the last " from ".
SshdMatch readUserAndAddress(std::string_view text, SshdAuth &out) {
    // An empty user name ("Invalid user  from …") leaves a text that begins with " from ".
    const std::size_t from = text.rfind(kFrom);
    if (from == std::string_view::npos)
        return SshdMatch::Malformed;
    out.user = text.substr(0, from);
    if (!readAddress(text.substr(from + kFrom.size()), out))
        return SshdMatch::Malformed;
    return SshdMatch::Auth;
}

} // namespace

bool isSshdAppName(std::string_view appName) {
    return appName == "sshd" || appName == "sshd-session";
}

SshdMatch parseSshdAuth(std::string_view message, SshdAuth &out) {
    out = SshdAuth {};
    if (message.starts_with(kInvalidUser)) {
        out.kind = SshdAuthKind::InvalidUser;
        out.invalidUser = true;
        return readUserAndAddress(message.substr(kInvalidUser.size()), out);
    }

    std::string_view rest;
    if (message.starts_with(kFailed)) {
        out.kind = SshdAuthKind::Failed;
        rest = message.substr(kFailed.size());
    } else if (message.starts_with(kAccepted)) {
        out.kind = SshdAuthKind::Accepted;
        rest = message.substr(kAccepted.size());
    } else {
        return SshdMatch::NotAuth;
    }

    // "<method> for …": anything else ("Failed to …") is another message.
    std::size_t methodEnd = 0;
    while (methodEnd < rest.size() && methodEnd <= kMaxMethodBytes && isMethodChar(rest[methodEnd]))
        ++methodEnd;
    if (methodEnd == 0 || methodEnd > kMaxMethodBytes || rest.substr(methodEnd, kFor.size()) != kFor)
        return SshdMatch::NotAuth;
    out.method = rest.substr(0, methodEnd);
    const SshdMatch match = readUserAndAddress(rest.substr(methodEnd + kFor.size()), out);
    if (match != SshdMatch::Auth)
        return match;
    if (out.kind == SshdAuthKind::Failed) {
        // "for invalid user  from …" (empty name) ends the user part before the prefix's space.
        if (out.user.starts_with(kInvalidUserPrefix)) {
            out.invalidUser = true;
            out.user.remove_prefix(kInvalidUserPrefix.size());
        } else if (out.user == kInvalidUserPrefix.substr(0, kInvalidUserPrefix.size() - 1)) {
            out.invalidUser = true;
            out.user = out.user.substr(out.user.size());
        }
    }
    return SshdMatch::Auth;
}

} // namespace vanopticon::sentinel
