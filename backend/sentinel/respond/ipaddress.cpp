// SPDX-License-Identifier: Apache-2.0
#include "sentinel/respond/ipaddress.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace vanopticon::sentinel {

Result<IpAddress> IpAddress::parse(std::string_view text) {
    // The longest IPv6 text ("ffff:…:255.255.255.255") is INET6_ADDRSTRLEN - 1 characters.
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN)
        return makeError("not an IPv4 or IPv6 address");
    // inet_pton reads a C string: an embedded NUL would hide whatever follows it.
    if (text.find('\0') != std::string_view::npos)
        return makeError("not an IPv4 or IPv6 address");
    char buffer[INET6_ADDRSTRLEN] = {};
    std::memcpy(buffer, text.data(), text.size());

    std::array<std::uint8_t, 16> bytes {};
    const bool v6 = text.find(':') != std::string_view::npos;
    if (::inet_pton(v6 ? AF_INET6 : AF_INET, buffer, bytes.data()) != 1)
        return makeError("not an IPv4 or IPv6 address");
    return fromBytes(v6 ? Family::V6 : Family::V4, bytes);
}

IpAddress IpAddress::fromBytes(Family family, const std::array<std::uint8_t, 16> &bytes) {
    std::array<std::uint8_t, 16> copy = bytes;
    if (family == Family::V4)
        std::fill(copy.begin() + 4, copy.end(), std::uint8_t(0)); // so that == ignores unused bytes
    return IpAddress(family, copy);
}

std::string IpAddress::toString() const {
    char buffer[INET6_ADDRSTRLEN] = {};
    const char *text = ::inet_ntop(isV4() ? AF_INET : AF_INET6, m_bytes.data(), buffer, sizeof buffer);
    assert(text != nullptr); // the buffer is large enough for every address of either family
    return text != nullptr ? std::string(text) : std::string();
}

IpAddress IpAddress::unmapped() const {
    static constexpr std::array<std::uint8_t, 12> kMappedPrefix {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (isV4() || !std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), m_bytes.begin()))
        return *this;
    std::array<std::uint8_t, 16> v4 {};
    std::copy(m_bytes.begin() + 12, m_bytes.end(), v4.begin());
    return fromBytes(Family::V4, v4);
}

bool IpAddress::isUnspecified() const {
    return std::all_of(m_bytes.begin(), m_bytes.begin() + static_cast<std::ptrdiff_t>(byteCount()),
        [](std::uint8_t b) { return b == 0; });
}

bool IpAddress::isMulticast() const {
    return isV4() ? (m_bytes[0] & 0xf0) == 0xe0 : m_bytes[0] == 0xff;
}

bool IpAddress::isBroadcast() const {
    return isV4() && m_bytes[0] == 0xff && m_bytes[1] == 0xff && m_bytes[2] == 0xff && m_bytes[3] == 0xff;
}

} // namespace vanopticon::sentinel
