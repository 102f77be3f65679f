// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/respond/ipaddress.h"

#include <string>
#include <string_view>

namespace vanopticon::sentinel {

// A CIDR block such as 127.0.0.0/8 or ::1/128.
class IpNetwork {
public:
    // "address/prefix", or a bare address (a single host). Host bits must be zero: in a list of
    // networks that must never be blocked, "10.1.2.3/8" is more likely a typo than a wish.
    static Result<IpNetwork> parse(std::string_view text);

    const IpAddress &address() const { return m_address; }
    int prefixLength() const { return m_prefixLength; }
    bool contains(const IpAddress &address) const;
    std::string toString() const;

private:
    IpNetwork(IpAddress address, int prefixLength)
        : m_address(address)
        , m_prefixLength(prefixLength) { }

    IpAddress m_address;
    int m_prefixLength;
};

} // namespace vanopticon::sentinel
