// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/geoip/ipkey.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace vanopticon::sentinel {

namespace {

constexpr std::array<std::uint8_t, 12> kMappedPrefix {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::optional<IpKey> parseV4(std::string_view text) noexcept {
    IpKey key;
    std::copy(kMappedPrefix.begin(), kMappedPrefix.end(), key.bytes.begin());
    std::size_t pos = 0;
    for (int octet = 0; octet < 4; ++octet) {
        if (octet > 0) {
            if (pos >= text.size() || text[pos] != '.')
                return std::nullopt;
            ++pos;
        }
        const std::size_t start = pos;
        unsigned value = 0;
        while (pos < text.size() && pos - start < 4 && text[pos] >= '0' && text[pos] <= '9')
            value = value * 10 + static_cast<unsigned>(text[pos++] - '0');
        const std::size_t digits = pos - start;
        // "010" is octal to some parsers and decimal to others: refuse it like inet_pton does.
        if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && text[start] == '0'))
            return std::nullopt;
        key.bytes[12 + static_cast<std::size_t>(octet)] = static_cast<std::uint8_t>(value);
    }
    if (pos != text.size())
        return std::nullopt;
    return key;
}

std::optional<IpKey> parseV6(std::string_view text) noexcept {
    // inet_pton needs a C string; the longest IPv6 text is INET6_ADDRSTRLEN - 1 characters.
    if (text.size() >= INET6_ADDRSTRLEN)
        return std::nullopt;
    for (char c : text) {
        const bool ok
            = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
        if (!ok)
            return std::nullopt; // also refuses NUL, '%' scope ids and brackets
    }
    char buffer[INET6_ADDRSTRLEN];
    std::memcpy(buffer, text.data(), text.size());
    buffer[text.size()] = '\0';
    IpKey key;
    if (::inet_pton(AF_INET6, buffer, key.bytes.data()) != 1)
        return std::nullopt;
    return key;
}

bool prefixMatches(const IpKey &key, const std::array<std::uint8_t, 16> &network, int prefix) noexcept {
    // Byte by byte, without building the masked key: most addresses differ in the first byte.
    const auto whole = static_cast<std::size_t>(prefix / 8);
    for (std::size_t i = 0; i < whole; ++i) {
        if (key.bytes[i] != network[i])
            return false;
    }
    const int rest = prefix % 8;
    return rest == 0 || ((key.bytes[whole] ^ network[whole]) & (0xff << (8 - rest)) & 0xff) == 0;
}

struct ReservedV6 {
    std::array<std::uint8_t, 16> network;
    int prefix;
};

// IANA IPv6 special-purpose registry entries that are never globally routed (IPv4-mapped
// addresses never reach this table: they are checked as IPv4).
constexpr ReservedV6 kReservedV6[] = {
    {{}, 128}, // :: unspecified
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128}, // ::1 loopback
    {{0x01, 0x00}, 64}, // 100::/64 discard-only
    {{0x20, 0x01, 0x00, 0x02}, 48}, // 2001:2::/48 benchmarking
    {{0x20, 0x01, 0x00, 0x10}, 28}, // 2001:10::/28 ORCHID
    {{0x20, 0x01, 0x00, 0x20}, 28}, // 2001:20::/28 ORCHIDv2
    {{0x20, 0x01, 0x0d, 0xb8}, 32}, // 2001:db8::/32 documentation
    {{0xfc}, 7}, // fc00::/7 unique local
    {{0xfe, 0x80}, 10}, // fe80::/10 link-local
    {{0xfe, 0xc0}, 10}, // fec0::/10 site-local (deprecated)
    {{0xff}, 8}, // ff00::/8 multicast
};

bool isPublicV4(std::uint32_t a) noexcept {
    const auto in = [a](std::uint32_t network, int prefix) {
        const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t(0) << (32 - prefix);
        return (a & mask) == network;
    };
    return !(in(0x00000000, 8) // 0.0.0.0/8 "this network"
        || in(0x0a000000, 8) // 10.0.0.0/8
        || in(0x64400000, 10) // 100.64.0.0/10 CGNAT
        || in(0x7f000000, 8) // 127.0.0.0/8 loopback
        || in(0xa9fe0000, 16) // 169.254.0.0/16 link-local
        || in(0xac100000, 12) // 172.16.0.0/12
        || in(0xc0000000, 24) // 192.0.0.0/24 IETF protocol assignments
        || in(0xc0000200, 24) // 192.0.2.0/24 TEST-NET-1
        || in(0xc0586300, 24) // 192.88.99.0/24 6to4 relay anycast (deprecated)
        || in(0xc0a80000, 16) // 192.168.0.0/16
        || in(0xc6120000, 15) // 198.18.0.0/15 benchmarking
        || in(0xc6336400, 24) // 198.51.100.0/24 TEST-NET-2
        || in(0xcb007100, 24) // 203.0.113.0/24 TEST-NET-3
        || in(0xe0000000, 4) // 224.0.0.0/4 multicast
        || in(0xf0000000, 4)); // 240.0.0.0/4 reserved, and the broadcast address
}

} // namespace

IpKey IpKey::masked(int prefix) const {
    IpKey out = *this;
    prefix = std::clamp(prefix, 0, 128);
    auto byte = static_cast<std::size_t>(prefix / 8);
    if (prefix % 8 != 0) {
        out.bytes[byte] = static_cast<std::uint8_t>(out.bytes[byte] & (0xff << (8 - prefix % 8)));
        ++byte;
    }
    std::fill(out.bytes.begin() + static_cast<std::ptrdiff_t>(byte), out.bytes.end(), std::uint8_t(0));
    return out;
}

std::string IpKey::toString() const {
    char buffer[INET6_ADDRSTRLEN] = {};
    const char *text = isV4() ? ::inet_ntop(AF_INET, bytes.data() + 12, buffer, sizeof buffer)
                              : ::inet_ntop(AF_INET6, bytes.data(), buffer, sizeof buffer);
    return text != nullptr ? std::string(text) : std::string();
}

std::optional<IpKey> parseIpKey(std::string_view text) noexcept {
    if (text.empty() || text.size() > 45)
        return std::nullopt;
    // Dotted decimal has a '.' after at most three digits; IPv6 has a ':' or a hex letter by then.
    std::size_t digits = 0;
    while (digits < text.size() && digits < 4 && text[digits] >= '0' && text[digits] <= '9')
        ++digits;
    if (digits < text.size() && text[digits] == '.')
        return parseV4(text);
    return parseV6(text);
}

std::optional<IpPrefix> parseIpPrefix(std::string_view text) noexcept {
    const std::size_t slash = text.find('/');
    const std::optional<IpKey> address = parseIpKey(text.substr(0, slash));
    if (!address)
        return std::nullopt;
    const bool v4 = address->isV4() && text.substr(0, slash).find(':') == std::string_view::npos;
    int prefix = v4 ? 32 : 128;
    if (slash != std::string_view::npos) {
        const std::string_view digits = text.substr(slash + 1);
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
        if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || prefix < 0
            || prefix > (v4 ? 32 : 128))
            return std::nullopt;
    }
    const int keyPrefix = v4 ? IpKey::keyPrefix(true, prefix) : prefix;
    return IpPrefix {address->masked(keyPrefix), keyPrefix};
}

bool isPublicAddress(const IpKey &key) noexcept {
    if (key.isV4()) {
        const std::uint32_t a = (std::uint32_t(key.bytes[12]) << 24) | (std::uint32_t(key.bytes[13]) << 16)
            | (std::uint32_t(key.bytes[14]) << 8) | std::uint32_t(key.bytes[15]);
        return isPublicV4(a);
    }
    return std::none_of(std::begin(kReservedV6), std::end(kReservedV6),
        [&key](const ReservedV6 &r) { return prefixMatches(key, r.network, r.prefix); });
}

} // namespace vanopticon::sentinel
