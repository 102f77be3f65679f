// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

enum class IndicatorKind : std::uint8_t { Ip, Domain, Hash, Url };

std::string_view toString(IndicatorKind kind);

// One observable value from a feed, in the normalised form the IOC set stores and events are
// compared in: canonical address or CIDR text ("10.0.0.0/8"), lower-case domain without a
// trailing dot, lower-case hex hash, URL with lower-case scheme and host.
struct Indicator {
    IndicatorKind kind = IndicatorKind::Ip;
    std::string value;
    // Domains only: also match names under it ("evil.example" matches "a.evil.example"). True for
    // domain lists and STIX/MISP domains; false for MISP `hostname`, which names one host.
    bool includeSubdomains = false;

    bool operator==(const Indicator &) const = default;
};

// Each returns nullopt when the text is not of that kind.
std::optional<Indicator> ipIndicator(std::string_view text); // address or CIDR block
std::optional<Indicator> domainIndicator(std::string_view text, bool includeSubdomains);
std::optional<Indicator> hashIndicator(std::string_view text); // MD5, SHA-1, SHA-256 or SHA-512 in hex
std::optional<Indicator> urlIndicator(std::string_view text);
// For plain lists: address or CIDR, then hash, then URL, then domain.
std::optional<Indicator> classifyIndicator(std::string_view text);

// Longest values worth comparing; longer event values cannot match anything in the set.
inline constexpr std::size_t kMaxDomainLength = 253;
inline constexpr std::size_t kMaxHashLength = 128;
inline constexpr std::size_t kMaxUrlLength = 2048;

// The same normalisations for values from events, written into a caller's buffer so that the
// hot path does not allocate. nullopt when the value cannot be of that kind.
using DomainBuffer = std::array<char, kMaxDomainLength>;
using HashBuffer = std::array<char, kMaxHashLength>;
using UrlBuffer = std::array<char, kMaxUrlLength>;
std::optional<std::string_view> normalizeDomain(std::string_view text, DomainBuffer &buffer);
std::optional<std::string_view> normalizeHash(std::string_view text, HashBuffer &buffer);
std::optional<std::string_view> normalizeUrl(std::string_view text, UrlBuffer &buffer);

} // namespace vanopticon::sentinel
