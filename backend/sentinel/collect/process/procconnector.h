// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/process/processinfo.h"
#include "shared/core/result.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace vanopticon::sentinel {

// One event of the kernel's process connector, decoded.
struct ProcEvent {
    enum class Kind : std::uint8_t { Fork, Exec, Exit, Other };
    Kind kind = Kind::Other;
    std::uint64_t timestampNs = 0; // CLOCK_MONOTONIC
    Pid pid = 0; // the thread (fork: the child)
    Pid tgid = 0; // its process (thread group)
    Pid parentPid = 0; // fork: the parent thread
    Pid parentTgid = 0; // fork: the parent process
    std::uint32_t exitCode = 0; // exit: a wait status (see WIFEXITED)
};

struct ProcConnectorDecodeStats {
    std::uint64_t messages = 0;
    std::uint64_t malformed = 0;
    std::uint64_t foreign = 0; // netlink messages for another connector
};

// Decodes one netlink datagram of the proc connector (one or more nlmsghdr + cn_msg + proc_event)
// into `out`. Every length is checked against the datagram; what does not fit is counted.
void decodeProcConnectorDatagram(
    std::span<const std::byte> datagram, std::vector<ProcEvent> &out, ProcConnectorDecodeStats &stats);

// The kernel's process events connector (NETLINK_CONNECTOR, CN_IDX_PROC): fork, exec and exit of
// every process as they happen. Needs CAP_NET_ADMIN and the host's network namespace.
class ProcConnector {
public:
    ProcConnector() = default;
    ProcConnector(ProcConnector &&other) noexcept;
    ProcConnector &operator=(ProcConnector &&other) noexcept;
    ProcConnector(const ProcConnector &) = delete;
    ProcConnector &operator=(const ProcConnector &) = delete;
    ~ProcConnector();

    // Opens a non-blocking socket, subscribes, and waits (briefly) for the kernel to accept.
    static Result<ProcConnector> open(std::size_t receiveBufferBytes);
    // Whether this process may use the connector: root or CAP_NET_ADMIN.
    static bool privileged();

    int fd() const { return m_fd; }

    enum class ReadStatus : std::uint8_t { Read, Empty, Overrun, Failed };
    // Reads one datagram if one is waiting. Overrun: the socket's buffer overflowed and events
    // were lost (the caller resynchronizes from /proc).
    ReadStatus read(std::vector<ProcEvent> &out, ProcConnectorDecodeStats &stats, std::string &error);

private:
    explicit ProcConnector(int fd)
        : m_fd(fd) { }
    void close();

    int m_fd = -1;
    std::vector<std::byte> m_buffer;
};

} // namespace vanopticon::sentinel
