// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/netflow/netflowdecoder.h"
#include "shared/config/section.h"
#include "shared/core/result.h"

#include <cstdint>
#include <string>

namespace vanopticon::sentinel {

// One `type: netflow` entry of collector.sources.
struct NetflowConfig {
    std::string address = "0.0.0.0"; // an IP literal to bind to
    std::uint16_t port = 2055; // 0 (tests only): any free port
    NetflowLimits limits;
    std::uint64_t receiveBufferBytes = 0; // the socket's receive buffer; 0: the system's default

    // "0.0.0.0:2055", "[::]:2055".
    std::string listen() const;
};

// Reads one entry:
//   - type: netflow
//     listen: 0.0.0.0:2055          # required: IPv4 or [IPv6] literal and port
//     max_templates: 10000          # optional, 1 to 1000000
//     pending_data:                 # data that came before its template
//       max_packets: 1000           # optional, 0 (do not hold) to 100000
//       max_age: 60s                # optional, 1s to 1h
//       max_bytes: 8MB              # optional, 64KB to 1GB
//     max_exporters: 1000           # optional, exporters counted one by one (1 to 100000)
//     receive_buffer: 4MB           # optional, 64KB to 256MB (SO_RCVBUF)
// Unknown settings and bad values are refused with file:line.
Result<NetflowConfig> parseNetflowConfig(const config::Section &entry);

} // namespace vanopticon::sentinel
