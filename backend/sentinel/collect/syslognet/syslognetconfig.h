// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/syslognet/syslognetparser.h"
#include "shared/config/section.h"
#include "shared/core/result.h"
#include "shared/tls/servertls.h"

#include <QHostAddress>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace vanopticon::sentinel {

// Bounds of the settings. RFC 5426 4.1: a receiver must take messages of 480 bytes; a UDP
// datagram carries at most 65,507.
inline constexpr std::size_t kMinSyslogMessageBytes = 480;
inline constexpr std::size_t kMaxSyslogUdpMessageBytes = 65'507;
inline constexpr std::size_t kMaxSyslogTcpMessageBytes = 16 * 1024 * 1024;
inline constexpr std::size_t kDefaultSyslogMessageBytes = 64 * 1024;

// `listen: 0.0.0.0:514` or `[::]:514`: an address (not a name: what to bind to must not depend
// on DNS) and a port (0: one the system picks).
struct SyslogListenAddress {
    QHostAddress address;
    std::uint16_t port = 0;

    // "0.0.0.0:514", "[::1]:6514".
    std::string toString() const;
};

// The certificate, key and trust of a TLS receiver, read and checked when the configuration is.
using SyslogTlsConfig = tls::ServerTlsConfig;

// One `type: syslog_udp` entry of collector.sources:
//   - type: syslog_udp
//     listen: 0.0.0.0:514
//     format: auto              # optional: auto (default) | rfc5424 | rfc3164
//     max_message_size: 64KB    # optional: 480 B to 65507 B; longer datagrams are dropped and counted
//     receive_buffer: 4MB       # optional: the socket's receive buffer (the system's default otherwise)
struct SyslogUdpConfig {
    SyslogListenAddress listen;
    SyslogNetFormat format = SyslogNetFormat::Auto;
    std::size_t maxMessageBytes = kDefaultSyslogMessageBytes;
    std::size_t receiveBufferBytes = 0; // 0: the system's default
};

// One `type: syslog_tcp` entry of collector.sources:
//   - type: syslog_tcp
//     listen: 0.0.0.0:6514
//     format: auto              # optional: auto (default) | rfc5424 | rfc3164
//     max_message_size: 64KB    # optional: 480 B to 16 MB; longer messages are skipped and counted
//     max_connections: 256      # optional: 1 to 65536; more are closed at once and counted
//     idle_timeout: 5m          # optional: 1s to 1d; a connection silent this long is closed
//     tls:                      # optional: TLS (RFC 5425) instead of plain TCP
//       certificate: /etc/vanopticon/syslog.pem   # PEM, the server's first, then its chain
//       private_key: /etc/vanopticon/syslog.key   # PEM, unencrypted
//       ca: /etc/vanopticon/clients-ca.pem        # optional: CAs client certificates are checked against
//       require_client_certificate: false         # optional: true needs `ca`
struct SyslogTcpConfig {
    SyslogListenAddress listen;
    SyslogNetFormat format = SyslogNetFormat::Auto;
    std::size_t maxMessageBytes = kDefaultSyslogMessageBytes;
    std::size_t maxConnections = 256;
    std::chrono::milliseconds idleTimeout {5 * 60 * 1000};
    std::optional<SyslogTlsConfig> tls;
};

// Unknown settings and bad values are refused with file:line; TLS files are read and checked here.
Result<SyslogUdpConfig> parseSyslogUdpConfig(const config::Section &entry);
Result<SyslogTcpConfig> parseSyslogTcpConfig(const config::Section &entry);

} // namespace vanopticon::sentinel
