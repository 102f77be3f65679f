// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/config/section.h"
#include "shared/core/result.h"

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace vanopticon::sentinel {

enum class ProcessMonitorMethod : std::uint8_t {
    Auto, // the proc connector when privileged and available, /proc polling otherwise
    Netlink, // the proc connector or nothing (an operator who asks for it wants to know)
    Proc, // /proc polling
};

const char *processMonitorMethodName(ProcessMonitorMethod method);

// One `type: process_monitor` entry of collector.sources.
struct ProcessMonitorConfig {
    ProcessMonitorMethod method = ProcessMonitorMethod::Auto;
    std::chrono::milliseconds pollInterval {1000};
    std::size_t maxCommandLineBytes = 8192; // of each CommandLine kept and reported
    std::size_t maxProcesses = 32768; // processes remembered (for their exit and as parents)
    std::size_t receiveBufferBytes = 4u << 20; // the netlink socket's (bursts of fork/exec)
};

inline constexpr std::chrono::milliseconds kMinProcessPollInterval {10};
inline constexpr std::chrono::milliseconds kMaxProcessPollInterval {3'600'000};

// Reads one entry:
//   - type: process_monitor
//     method: auto              # optional: auto (default) | netlink | proc
//     poll_interval: 1s         # optional, proc method: 10ms to 1h
//     max_command_line: 8KB     # optional, 256 bytes to 1MB
//     max_processes: 32768      # optional, 1024 to 4194304
//     receive_buffer: 4MB       # optional, netlink method: 64KB to 256MB
// Unknown settings and bad values are refused with file:line.
Result<ProcessMonitorConfig> parseProcessMonitorConfig(const config::Section &entry);

} // namespace vanopticon::sentinel
