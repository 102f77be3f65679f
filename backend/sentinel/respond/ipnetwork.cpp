// SPDX-License-Identifier: Apache-2.0
#include "sentinel/respond/ipnetwork.h"

#include <charconv>

namespace vanopticon::sentinel {

namespace {

// Whether the first `bits` bits of a and b are equal.
bool samePrefix(const std::array<std::uint8_t, 16> &a, const std::array<std::uint8_t, 16> &b, int bits) {
    std::size_t i = 0;
    for (; bits >= 8; bits -= 8, ++i) {
        if (a[i] != b[i])
            return false;
    }
    if (bits == 0)
        return true;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - bits));
    return (a[i] & mask) == (b[i] & mask);
}

} // namespace

Result<IpNetwork> IpNetwork::parse(std::string_view text) {
    const std::size_t slash = text.find('/');
    auto address = IpAddress::parse(text.substr(0, slash));
    if (!address)
        return makeError("'" + std::string(text) + "' is not a network (examples: 10.0.0.0/8, fd00::/8)");
    int prefix = address->bitCount();
    if (slash != std::string_view::npos) {
        const std::string_view digits = text.substr(slash + 1);
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
        if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || prefix < 0
            || prefix > address->bitCount())
            return makeError("'" + std::string(text) + "' has an invalid prefix length (0 to "
                + std::to_string(address->bitCount()) + ")");
    }
    // Compare the address with itself truncated to the prefix: any difference is a host bit.
    std::array<std::uint8_t, 16> truncated {};
    for (int bit = 0; bit < prefix; ++bit) {
        const auto byte = static_cast<std::size_t>(bit / 8);
        const auto mask = static_cast<std::uint8_t>(0x80 >> (bit % 8));
        truncated[byte] = static_cast<std::uint8_t>(truncated[byte] | (address->bytes()[byte] & mask));
    }
    if (!samePrefix(truncated, address->bytes(), address->bitCount())) {
        const IpNetwork meant(IpAddress::fromBytes(address->family(), truncated), prefix);
        return makeError(
            "'" + std::string(text) + "' has host bits set after the prefix (did you mean " + meant.toString() + "?)");
    }
    return IpNetwork(*address, prefix);
}

bool IpNetwork::contains(const IpAddress &address) const {
    return address.family() == m_address.family() && samePrefix(address.bytes(), m_address.bytes(), m_prefixLength);
}

std::string IpNetwork::toString() const {
    return m_address.toString() + "/" + std::to_string(m_prefixLength);
}

} // namespace vanopticon::sentinel
