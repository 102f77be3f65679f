// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

// An address in binary, the key of every enrichment cache and IOC set. IPv4 is held as its
// IPv4-mapped IPv6 form (::ffff:a.b.c.d), so "1.2.3.4" and "::ffff:1.2.3.4" are one host and
// one prefix arithmetic serves both families (an IPv4 /24 is a /120 here).
struct IpKey {
    std::array<std::uint8_t, 16> bytes {}; // network order

    bool isV4() const noexcept {
        return std::all_of(bytes.begin(), bytes.begin() + 10, [](std::uint8_t b) { return b == 0; })
            && bytes[10] == 0xff && bytes[11] == 0xff;
    }
    // Prefix length as written for the address's own family (IPv4: 0..32) ↔ on the key (96..128).
    static int keyPrefix(bool v4, int familyPrefix) { return v4 ? familyPrefix + 96 : familyPrefix; }
    // The key with every bit after `prefix` (0..128, key scale) cleared.
    IpKey masked(int prefix) const;
    // Canonical text: dotted quad for IPv4, RFC 5952 for IPv6.
    std::string toString() const;

    // Two word compares rather than the library memcmp call a defaulted == makes of it: keys are
    // compared on every cache and IOC probe.
    bool operator==(const IpKey &other) const noexcept {
        std::uint64_t a[2];
        std::uint64_t b[2];
        std::memcpy(a, bytes.data(), 16);
        std::memcpy(b, other.bytes.data(), 16);
        return ((a[0] ^ b[0]) | (a[1] ^ b[1])) == 0;
    }
};

struct IpKeyHash {
    std::size_t operator()(const IpKey &key) const noexcept {
        std::uint64_t high = 0;
        std::uint64_t low = 0;
        std::memcpy(&high, key.bytes.data(), 8);
        std::memcpy(&low, key.bytes.data() + 8, 8);
        // splitmix64 finaliser over both halves: cheap, and IPv4 keys differ only in `low`.
        std::uint64_t x = low ^ (high * 0x9e3779b97f4a7c15ull);
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
        return static_cast<std::size_t>(x ^ (x >> 31));
    }
};

// Parses an address from event or feed text without allocating: strict dotted decimal for IPv4
// (no leading zeros, no shorthand), inet_pton for IPv6. No brackets, ports, scope ids or spaces;
// anything else (hostnames, "ip:port") is nullopt.
std::optional<IpKey> parseIpKey(std::string_view text) noexcept;

// "address/prefix" or a bare address. Host bits after the prefix are cleared rather than
// refused: feeds write 1.2.3.4/24 meaning the /24. Returns the key (masked) and its key-scale
// prefix (96..128 for IPv4).
struct IpPrefix {
    IpKey key;
    int prefix = 128;
};
std::optional<IpPrefix> parseIpPrefix(std::string_view text) noexcept;

// False for addresses that are not on the public Internet: private (RFC 1918, ULA), loopback,
// link-local, CGNAT, documentation, benchmarking, multicast, reserved and unspecified ranges.
// No geolocation database has anything useful to say about them.
bool isPublicAddress(const IpKey &key) noexcept;

} // namespace vanopticon::sentinel
