// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/threatintel/indicator.h"

#include "sentinel/enrich/geoip/ipkey.h"

#include <algorithm>
#include <memory>

namespace vanopticon::sentinel {

namespace {

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
        text.remove_suffix(1);
    return text;
}

} // namespace

std::string_view toString(IndicatorKind kind) {
    switch (kind) {
    case IndicatorKind::Ip:
        return "ip";
    case IndicatorKind::Domain:
        return "domain";
    case IndicatorKind::Hash:
        return "hash";
    case IndicatorKind::Url:
        return "url";
    }
    return "unknown";
}

std::optional<std::string_view> normalizeDomain(std::string_view text, DomainBuffer &buffer) {
    if (!text.empty() && text.back() == '.')
        text.remove_suffix(1); // the root label: "evil.example." is "evil.example"
    if (text.empty() || text.size() > buffer.size())
        return std::nullopt;
    std::size_t labelLength = 0;
    bool dot = false;
    bool letter = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = lower(text[i]);
        if (c == '.') {
            if (labelLength == 0)
                return std::nullopt; // empty label
            labelLength = 0;
            dot = true;
        } else if ((c >= 'a' && c <= 'z') || c == '-' || c == '_') {
            letter = letter || c != '-';
            if (++labelLength > 63)
                return std::nullopt;
        } else if (c >= '0' && c <= '9') {
            if (++labelLength > 63)
                return std::nullopt;
        } else {
            return std::nullopt; // IDNs arrive as punycode; anything else is not a DNS name
        }
        buffer[i] = c;
    }
    // A name needs two labels, and one letter somewhere so that "1.2.3.4" is never a domain.
    if (labelLength == 0 || !dot || !letter)
        return std::nullopt;
    return std::string_view(buffer.data(), text.size());
}

std::optional<std::string_view> normalizeHash(std::string_view text, HashBuffer &buffer) {
    if (text.size() != 32 && text.size() != 40 && text.size() != 64 && text.size() != 128)
        return std::nullopt;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!isHex(text[i]))
            return std::nullopt;
        buffer[i] = lower(text[i]);
    }
    return std::string_view(buffer.data(), text.size());
}

std::optional<std::string_view> normalizeUrl(std::string_view text, UrlBuffer &buffer) {
    const std::size_t scheme = text.find("://");
    if (scheme == std::string_view::npos || scheme == 0 || text.size() > buffer.size())
        return std::nullopt;
    std::size_t authorityEnd = text.find_first_of("/?#", scheme + 3);
    if (authorityEnd == std::string_view::npos)
        authorityEnd = text.size();
    if (authorityEnd == scheme + 3)
        return std::nullopt; // no host
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return std::nullopt; // URLs have no spaces or control characters
        buffer[i] = i < authorityEnd ? lower(c) : c; // scheme and host are case-insensitive, the rest is not
    }
    std::size_t length = text.size();
    if (length == authorityEnd + 1 && text[authorityEnd] == '/')
        length = authorityEnd; // "https://example.org/" is "https://example.org"
    return std::string_view(buffer.data(), length);
}

std::optional<Indicator> ipIndicator(std::string_view text) {
    text = trim(text);
    const std::optional<IpPrefix> prefix = parseIpPrefix(text);
    if (!prefix)
        return std::nullopt;
    std::string value = prefix->key.toString();
    const bool v4 = prefix->key.isV4() && prefix->prefix >= 96;
    const int familyPrefix = v4 ? prefix->prefix - 96 : prefix->prefix;
    if (familyPrefix != (v4 ? 32 : 128))
        value += "/" + std::to_string(familyPrefix);
    return Indicator {IndicatorKind::Ip, std::move(value), false};
}

std::optional<Indicator> domainIndicator(std::string_view text, bool includeSubdomains) {
    DomainBuffer buffer;
    const auto normalized = normalizeDomain(trim(text), buffer);
    if (!normalized)
        return std::nullopt;
    return Indicator {IndicatorKind::Domain, std::string(*normalized), includeSubdomains};
}

std::optional<Indicator> hashIndicator(std::string_view text) {
    HashBuffer buffer;
    const auto normalized = normalizeHash(trim(text), buffer);
    if (!normalized)
        return std::nullopt;
    return Indicator {IndicatorKind::Hash, std::string(*normalized), false};
}

std::optional<Indicator> urlIndicator(std::string_view text) {
    auto buffer = std::make_unique<UrlBuffer>();
    const auto normalized = normalizeUrl(trim(text), *buffer);
    if (!normalized)
        return std::nullopt;
    return Indicator {IndicatorKind::Url, std::string(*normalized), false};
}

std::optional<Indicator> classifyIndicator(std::string_view text) {
    if (auto ip = ipIndicator(text))
        return ip;
    if (auto hash = hashIndicator(text))
        return hash;
    if (auto url = urlIndicator(text))
        return url;
    return domainIndicator(text, true);
}

} // namespace vanopticon::sentinel
