// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace vanopticon::analysis::sigma {

// An IPv4 or IPv6 network ("10.0.0.0/8", "fe80::/10"; a bare address is a /32 or /128).
class Cidr {
public:
    static Result<Cidr> parse(std::string_view text);

    // True when `address` (text, IPv4 or IPv6; an IPv4-mapped IPv6 address counts as IPv4) lies
    // in the network; anything that is not an address is false.
    bool contains(std::string_view address) const;

    std::string toString() const;
    friend bool operator==(const Cidr &, const Cidr &) = default;

private:
    std::array<std::uint8_t, 16> m_network {};
    std::uint8_t m_prefix = 0;
    bool m_v6 = false;
};

} // namespace vanopticon::analysis::sigma
