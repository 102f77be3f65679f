// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/syslognet/syslognetconfig.h"

#include <charconv>
#include <memory>

namespace vanopticon::sentinel {

namespace {

Result<SyslogListenAddress> parseListen(const config::Section &entry) {
    auto text = entry.requireString("listen");
    if (!text)
        return text.error();
    const config::Section setting = entry.child("listen");
    const std::string_view listen = *text;
    const std::string expected = "expected address:port (e.g. 0.0.0.0:514 or [::]:514), got '" + *text + "'";

    std::string_view host;
    std::string_view port;
    if (listen.starts_with('[')) {
        const std::size_t close = listen.find("]:");
        if (close == std::string_view::npos)
            return setting.error(expected);
        host = listen.substr(1, close - 1);
        port = listen.substr(close + 2);
    } else {
        const std::size_t colon = listen.rfind(':');
        if (colon == std::string_view::npos)
            return setting.error(expected);
        host = listen.substr(0, colon);
        port = listen.substr(colon + 1);
        if (host.find(':') != std::string_view::npos)
            return setting.error("write an IPv6 address in brackets, e.g. [::]:514; got '" + *text + "'");
    }

    SyslogListenAddress address;
    if (!address.address.setAddress(QString::fromUtf8(host.data(), qsizetype(host.size())))
        || (listen.starts_with('[') != (address.address.protocol() == QAbstractSocket::IPv6Protocol)))
        return setting.error("'" + std::string(host) + "' is not an IP address (" + expected + ")");
    unsigned value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || error != std::errc() || end != port.data() + port.size() || value > 65535)
        return setting.error("'" + std::string(port) + "' is not a port (0 to 65535)");
    address.port = static_cast<std::uint16_t>(value);
    return address;
}

Result<SyslogNetFormat> parseFormat(const config::Section &entry) {
    auto text = entry.string("format", "auto");
    if (!text)
        return text.error();
    const auto format = parseSyslogNetFormat(*text);
    if (!format)
        return entry.child("format").error("expected auto, rfc5424 or rfc3164, got '" + *text + "'");
    return *format;
}

Result<std::uint64_t> parseSizeSetting(
    const config::Section &entry, std::string_view key, std::uint64_t fallback, std::uint64_t min, std::uint64_t max) {
    const config::Section setting = entry.child(key);
    if (setting.node().IsNull())
        return fallback;
    auto text = setting.scalar();
    if (!text)
        return text.error();
    auto size = config::parseSize(*text);
    if (!size)
        return setting.error(size.error().message);
    if (*size < min || *size > max)
        return setting.error("must be between " + std::to_string(min) + " and " + std::to_string(max) + " bytes");
    return *size;
}

Result<void> checkType(const config::Section &entry, const std::string &expected) {
    auto type = entry.requireString("type");
    if (!type)
        return type.error();
    if (*type != expected)
        return entry.child("type").error("expected type " + expected + ", got '" + *type + "'");
    return {};
}

} // namespace

std::string SyslogListenAddress::toString() const {
    const std::string host = address.toString().toStdString();
    const std::string portText = std::to_string(port);
    return address.protocol() == QAbstractSocket::IPv6Protocol ? "[" + host + "]:" + portText : host + ":" + portText;
}

Result<SyslogUdpConfig> parseSyslogUdpConfig(const config::Section &entry) {
    if (!entry.isMap())
        return entry.error("expected a mapping with type and listen");
    if (auto known = entry.allowOnly({"type", "listen", "format", "max_message_size", "receive_buffer"}); !known)
        return known.error();
    if (auto type = checkType(entry, "syslog_udp"); !type)
        return type.error();

    SyslogUdpConfig config;
    auto listen = parseListen(entry);
    if (!listen)
        return listen.error();
    config.listen = std::move(*listen);
    auto format = parseFormat(entry);
    if (!format)
        return format.error();
    config.format = *format;
    auto maxMessage = parseSizeSetting(
        entry, "max_message_size", kDefaultSyslogMessageBytes, kMinSyslogMessageBytes, kMaxSyslogUdpMessageBytes);
    if (!maxMessage)
        return maxMessage.error();
    config.maxMessageBytes = *maxMessage;
    auto receiveBuffer = parseSizeSetting(entry, "receive_buffer", 0, 4096, 1024ull * 1024 * 1024);
    if (!receiveBuffer)
        return receiveBuffer.error();
    config.receiveBufferBytes = *receiveBuffer;
    return config;
}

Result<SyslogTcpConfig> parseSyslogTcpConfig(const config::Section &entry) {
    if (!entry.isMap())
        return entry.error("expected a mapping with type and listen");
    if (auto known
        = entry.allowOnly({"type", "listen", "format", "max_message_size", "max_connections", "idle_timeout", "tls"});
        !known)
        return known.error();
    if (auto type = checkType(entry, "syslog_tcp"); !type)
        return type.error();

    SyslogTcpConfig config;
    auto listen = parseListen(entry);
    if (!listen)
        return listen.error();
    config.listen = std::move(*listen);
    auto format = parseFormat(entry);
    if (!format)
        return format.error();
    config.format = *format;
    auto maxMessage = parseSizeSetting(
        entry, "max_message_size", kDefaultSyslogMessageBytes, kMinSyslogMessageBytes, kMaxSyslogTcpMessageBytes);
    if (!maxMessage)
        return maxMessage.error();
    config.maxMessageBytes = *maxMessage;
    auto maxConnections = entry.integer("max_connections", std::int64_t(config.maxConnections), 1, 65536);
    if (!maxConnections)
        return maxConnections.error();
    config.maxConnections = static_cast<std::size_t>(*maxConnections);
    auto idle = entry.duration("idle_timeout", config.idleTimeout);
    if (!idle)
        return idle.error();
    if (*idle < std::chrono::seconds(1) || *idle > std::chrono::hours(24))
        return entry.child("idle_timeout").error("must be between 1s and 1d");
    config.idleTimeout = *idle;
    if (entry.has("tls")) {
        auto tls = tls::parseServerTls(entry.child("tls"));
        if (!tls)
            return tls.error();
        config.tls = std::move(*tls);
    }
    return config;
}

} // namespace vanopticon::sentinel
