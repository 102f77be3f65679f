// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/match/cidr.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <optional>

namespace vanopticon::analysis::sigma {

namespace {

// Long enough for any IPv6 text form ("ffff:…:255.255.255.255" is 45 characters).
constexpr std::size_t kMaxAddressText = 63;

struct Address {
    std::array<std::uint8_t, 16> bytes {};
    bool v6 = false;
};

std::optional<Address> parseAddress(std::string_view text) {
    // A zone ("fe80::1%eth0") names an interface, not part of the address.
    if (const auto percent = text.find('%'); percent != std::string_view::npos && text.find(':') < percent)
        text = text.substr(0, percent);
    if (text.empty() || text.size() > kMaxAddressText)
        return std::nullopt;
    char buffer[kMaxAddressText + 1];
    std::memcpy(buffer, text.data(), text.size());
    buffer[text.size()] = '\0';
    Address address;
    if (inet_pton(AF_INET, buffer, address.bytes.data()) == 1)
        return address;
    if (inet_pton(AF_INET6, buffer, address.bytes.data()) == 1) {
        address.v6 = true;
        return address;
    }
    return std::nullopt;
}

bool isV4Mapped(const std::array<std::uint8_t, 16> &bytes) {
    for (int i = 0; i < 10; ++i) {
        if (bytes[i] != 0)
            return false;
    }
    return bytes[10] == 0xFF && bytes[11] == 0xFF;
}

bool prefixEqual(const std::uint8_t *a, const std::uint8_t *b, unsigned prefix) {
    const unsigned whole = prefix / 8;
    if (std::memcmp(a, b, whole) != 0)
        return false;
    const unsigned rest = prefix % 8;
    if (rest == 0)
        return true;
    const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

} // namespace

Result<Cidr> Cidr::parse(std::string_view text) {
    const std::string_view original = text;
    std::optional<unsigned> prefix;
    if (const auto slash = text.find('/'); slash != std::string_view::npos) {
        const std::string_view digits = text.substr(slash + 1);
        unsigned value = 0;
        const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (digits.empty() || error != std::errc() || end != digits.data() + digits.size())
            return makeError("invalid network '" + std::string(original) + "': the prefix length is not a number");
        prefix = value;
        text = text.substr(0, slash);
    }
    if (text.find('%') != std::string_view::npos)
        return makeError("invalid network '" + std::string(original) + "': not an IPv4 or IPv6 address");
    const auto address = parseAddress(text);
    if (!address)
        return makeError("invalid network '" + std::string(original) + "': not an IPv4 or IPv6 address");
    const unsigned bits = address->v6 ? 128 : 32;
    if (prefix.value_or(bits) > bits) {
        return makeError(
            "invalid network '" + std::string(original) + "': the prefix length is more than " + std::to_string(bits));
    }
    Cidr cidr;
    cidr.m_network = address->bytes;
    cidr.m_prefix = static_cast<std::uint8_t>(prefix.value_or(bits));
    cidr.m_v6 = address->v6;
    // As pySigma (Python's ip_network): an address with host bits set is not a network, and
    // probably a mistake in the rule.
    std::array<std::uint8_t, 16> masked {};
    for (unsigned bit = 0; bit < cidr.m_prefix; ++bit) {
        const auto mask = static_cast<std::uint8_t>(0x80 >> (bit % 8));
        masked[bit / 8] |= static_cast<std::uint8_t>(cidr.m_network[bit / 8] & mask);
    }
    if (masked != cidr.m_network)
        return makeError("invalid network '" + std::string(original) + "': it has host bits set");
    return cidr;
}

bool Cidr::contains(std::string_view address) const {
    const auto parsed = parseAddress(address);
    if (!parsed)
        return false;
    if (!m_v6) {
        if (!parsed->v6)
            return prefixEqual(parsed->bytes.data(), m_network.data(), m_prefix);
        return isV4Mapped(parsed->bytes) && prefixEqual(parsed->bytes.data() + 12, m_network.data(), m_prefix);
    }
    if (parsed->v6)
        return prefixEqual(parsed->bytes.data(), m_network.data(), m_prefix);
    // An IPv4 address lies in an IPv6 network when its mapped form (::ffff:a.b.c.d) does.
    std::array<std::uint8_t, 16> mapped {};
    mapped[10] = 0xFF;
    mapped[11] = 0xFF;
    std::memcpy(mapped.data() + 12, parsed->bytes.data(), 4);
    return prefixEqual(mapped.data(), m_network.data(), m_prefix);
}

std::string Cidr::toString() const {
    char buffer[INET6_ADDRSTRLEN] = {};
    inet_ntop(m_v6 ? AF_INET6 : AF_INET, m_network.data(), buffer, sizeof buffer);
    return std::string(buffer) + "/" + std::to_string(m_prefix);
}

} // namespace vanopticon::analysis::sigma
