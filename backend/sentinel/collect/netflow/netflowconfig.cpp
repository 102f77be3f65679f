// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/netflow/netflowconfig.h"

#include "sentinel/respond/ipaddress.h"

#include <charconv>

namespace vanopticon::sentinel {

namespace {

struct Listen {
    std::string address;
    std::uint16_t port = 0;
};

// "192.0.2.1:2055" or "[2001:db8::1]:2055"; host names are not accepted (no lookup at start).
Result<Listen> parseListen(const std::string &text) {
    std::string_view address;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return makeError("expected [IPv6]:port, got '" + text + "'");
        address = std::string_view(text).substr(1, close - 1);
        port = std::string_view(text).substr(close + 2);
    } else {
        const std::size_t colon = text.rfind(':');
        if (colon == std::string::npos || text.find(':') != colon)
            return makeError("expected IPv4:port or [IPv6]:port, got '" + text + "'");
        address = std::string_view(text).substr(0, colon);
        port = std::string_view(text).substr(colon + 1);
    }
    auto ip = IpAddress::parse(address);
    if (!ip)
        return makeError("'" + std::string(address) + "' is not an IP address");
    if (ip->isV4() && text.front() == '[')
        return makeError("only IPv6 addresses are written in brackets, got '" + text + "'");
    unsigned number = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (port.empty() || error != std::errc() || end != port.data() + port.size() || number == 0 || number > 65535)
        return makeError("'" + std::string(port) + "' is not a port (1 to 65535)");
    return Listen {ip->toString(), static_cast<std::uint16_t>(number)};
}

Result<std::uint64_t> sizeSetting(const config::Section &section, std::string_view key, std::uint64_t fallback,
    std::uint64_t min, std::uint64_t max) {
    const config::Section value = section.child(key);
    if (value.node().IsNull())
        return fallback;
    auto text = value.scalar();
    if (!text)
        return text.error();
    auto size = config::parseSize(*text);
    if (!size)
        return value.error(size.error().message);
    if (*size < min || *size > max)
        return value.error(
            "must be between " + std::to_string(min >> 10) + "KB and " + std::to_string(max >> 20) + "MB");
    return *size;
}

} // namespace

std::string NetflowConfig::listen() const {
    const bool v6 = address.find(':') != std::string::npos;
    return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

Result<NetflowConfig> parseNetflowConfig(const config::Section &entry) {
    if (!entry.isMap())
        return entry.error("expected a mapping with type and listen");
    if (auto known
        = entry.allowOnly({"type", "listen", "max_templates", "pending_data", "max_exporters", "receive_buffer"});
        !known)
        return known.error();
    auto type = entry.requireString("type");
    if (!type)
        return type.error();
    if (*type != "netflow")
        return entry.child("type").error("expected type netflow, got '" + *type + "'");

    NetflowConfig config;
    auto listenText = entry.requireString("listen");
    if (!listenText)
        return listenText.error();
    auto listen = parseListen(*listenText);
    if (!listen)
        return entry.child("listen").error(listen.error().message);
    config.address = std::move(listen->address);
    config.port = listen->port;

    auto maxTemplates = entry.integer("max_templates", std::int64_t(config.limits.maxTemplates), 1, 1'000'000);
    if (!maxTemplates)
        return maxTemplates.error();
    config.limits.maxTemplates = static_cast<std::size_t>(*maxTemplates);

    auto maxExporters = entry.integer("max_exporters", std::int64_t(config.limits.maxExporters), 1, 100'000);
    if (!maxExporters)
        return maxExporters.error();
    config.limits.maxExporters = static_cast<std::size_t>(*maxExporters);

    const config::Section pending = entry.child("pending_data");
    if (!pending.node().IsNull()) {
        if (!pending.isMap())
            return pending.error("expected a mapping with max_packets, max_age and max_bytes");
        if (auto known = pending.allowOnly({"max_packets", "max_age", "max_bytes"}); !known)
            return known.error();
    }
    auto maxPackets = pending.integer("max_packets", std::int64_t(config.limits.pending.maxPackets), 0, 100'000);
    if (!maxPackets)
        return maxPackets.error();
    config.limits.pending.maxPackets = static_cast<std::size_t>(*maxPackets);
    auto maxAge = pending.duration("max_age", std::chrono::seconds(60));
    if (!maxAge)
        return maxAge.error();
    if (*maxAge < std::chrono::seconds(1) || *maxAge > std::chrono::hours(1))
        return pending.child("max_age").error("must be between 1s and 1h");
    config.limits.pending.maxAgeNs = std::chrono::nanoseconds(*maxAge).count();
    auto maxBytes = sizeSetting(pending, "max_bytes", config.limits.pending.maxBytes, 64ull << 10, 1ull << 30);
    if (!maxBytes)
        return maxBytes.error();
    config.limits.pending.maxBytes = static_cast<std::size_t>(*maxBytes);

    auto receiveBuffer = sizeSetting(entry, "receive_buffer", 0, 64ull << 10, 256ull << 20);
    if (!receiveBuffer)
        return receiveBuffer.error();
    config.receiveBufferBytes = *receiveBuffer;
    return config;
}

} // namespace vanopticon::sentinel
