// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

// An IPv4 or IPv6 address held in binary. Text from a peer is parsed once (inet_pton) and
// only ever re-formatted from the binary form (inet_ntop), so nothing a peer wrote is spliced
// into a firewall command.
class IpAddress {
public:
    enum class Family : std::uint8_t { V4, V6 };

    // Accepts exactly what inet_pton accepts (dotted quad, RFC 4291 text); no scope ids,
    // no embedded NULs, no surrounding spaces.
    static Result<IpAddress> parse(std::string_view text);
    // Bytes in network order; only the first 4 count for IPv4.
    static IpAddress fromBytes(Family family, const std::array<std::uint8_t, 16> &bytes);

    Family family() const { return m_family; }
    bool isV4() const { return m_family == Family::V4; }
    // Network byte order; 4 significant bytes for IPv4, 16 for IPv6.
    const std::array<std::uint8_t, 16> &bytes() const { return m_bytes; }
    std::size_t byteCount() const { return isV4() ? 4 : 16; }
    int bitCount() const { return isV4() ? 32 : 128; }

    // The canonical text (inet_ntop).
    std::string toString() const;

    // "::ffff:192.0.2.1" → 192.0.2.1: the kernel sees such a peer as IPv4, so that is what a
    // block must name. Other addresses are returned unchanged.
    IpAddress unmapped() const;
    bool isUnspecified() const;
    bool isMulticast() const;
    bool isBroadcast() const;

    bool operator==(const IpAddress &) const = default;

private:
    IpAddress(Family family, const std::array<std::uint8_t, 16> &bytes)
        : m_family(family)
        , m_bytes(bytes) { }

    Family m_family;
    std::array<std::uint8_t, 16> m_bytes;
};

} // namespace vanopticon::sentinel
