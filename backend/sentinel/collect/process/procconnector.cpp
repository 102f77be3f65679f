// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/process/procconnector.h"

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vanopticon::sentinel {

namespace {

constexpr std::size_t kBufferBytes = 64 * 1024; // many events fit; the kernel sends one per datagram today
constexpr int kSubscribeTimeoutMs = 1000;

// The proc_event header and union offsets, from the kernel's own structures.
constexpr std::size_t kWhatOffset = offsetof(proc_event, what);
constexpr std::size_t kTimestampOffset = offsetof(proc_event, timestamp_ns);
constexpr std::size_t kDataOffset = offsetof(proc_event, event_data);
// The union's members are nested, unnamed types in C++.
using ForkEvent = decltype(proc_event::event_data.fork);
using ExecEvent = decltype(proc_event::event_data.exec);
using ExitEvent = decltype(proc_event::event_data.exit);

template<typename T> T load(std::span<const std::byte> bytes, std::size_t offset) {
    T value {};
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
}

std::string errorText(std::string_view what, int error) {
    return std::string(what) + ": " + std::strerror(error);
}

void decodeProcEvent(std::span<const std::byte> data, std::vector<ProcEvent> &out, ProcConnectorDecodeStats &stats) {
    if (data.size() < kDataOffset) {
        ++stats.malformed;
        return;
    }
    const auto what = load<std::uint32_t>(data, kWhatOffset);
    ProcEvent event;
    event.timestampNs = load<std::uint64_t>(data, kTimestampOffset);
    const std::span<const std::byte> body = data.subspan(kDataOffset);
    switch (what) {
    case proc_event::PROC_EVENT_FORK:
        if (body.size() < sizeof(ForkEvent)) {
            ++stats.malformed;
            return;
        }
        event.kind = ProcEvent::Kind::Fork;
        event.parentPid = load<Pid>(body, offsetof(ForkEvent, parent_pid));
        event.parentTgid = load<Pid>(body, offsetof(ForkEvent, parent_tgid));
        event.pid = load<Pid>(body, offsetof(ForkEvent, child_pid));
        event.tgid = load<Pid>(body, offsetof(ForkEvent, child_tgid));
        break;
    case proc_event::PROC_EVENT_EXEC:
        if (body.size() < sizeof(ExecEvent)) {
            ++stats.malformed;
            return;
        }
        event.kind = ProcEvent::Kind::Exec;
        event.pid = load<Pid>(body, offsetof(ExecEvent, process_pid));
        event.tgid = load<Pid>(body, offsetof(ExecEvent, process_tgid));
        break;
    case proc_event::PROC_EVENT_EXIT:
        // Older kernels end the exit record after exit_signal (no parent ids): accept that size.
        if (body.size() < offsetof(ExitEvent, parent_pid)) {
            ++stats.malformed;
            return;
        }
        event.kind = ProcEvent::Kind::Exit;
        event.pid = load<Pid>(body, offsetof(ExitEvent, process_pid));
        event.tgid = load<Pid>(body, offsetof(ExitEvent, process_tgid));
        event.exitCode = load<std::uint32_t>(body, offsetof(ExitEvent, exit_code));
        break;
    default:
        event.kind = ProcEvent::Kind::Other; // uid/gid/sid/ptrace/comm/coredump and acks
        break;
    }
    out.push_back(event);
}

} // namespace

void decodeProcConnectorDatagram(
    std::span<const std::byte> datagram, std::vector<ProcEvent> &out, ProcConnectorDecodeStats &stats) {
    if (datagram.size() < sizeof(nlmsghdr)) {
        ++stats.malformed;
        return;
    }
    std::size_t offset = 0;
    // What is left after the last message, shorter than a header, is alignment padding.
    while (datagram.size() - offset >= sizeof(nlmsghdr)) {
        const auto header = load<nlmsghdr>(datagram, offset);
        if (header.nlmsg_len < NLMSG_HDRLEN || header.nlmsg_len > datagram.size() - offset) {
            ++stats.malformed;
            return;
        }
        ++stats.messages;
        const std::span<const std::byte> payload
            = datagram.subspan(offset + NLMSG_HDRLEN, header.nlmsg_len - NLMSG_HDRLEN);
        if (header.nlmsg_type == NLMSG_ERROR || header.nlmsg_type == NLMSG_NOOP || header.nlmsg_type == NLMSG_OVERRUN) {
            // Not events; an overrun is also reported by the socket (ENOBUFS).
        } else if (payload.size() < sizeof(cn_msg)) {
            ++stats.malformed;
        } else {
            const auto message = load<cn_msg>(payload, 0);
            if (message.id.idx != CN_IDX_PROC || message.id.val != CN_VAL_PROC)
                ++stats.foreign;
            else if (message.len > payload.size() - sizeof(cn_msg))
                ++stats.malformed;
            else
                decodeProcEvent(payload.subspan(sizeof(cn_msg), message.len), out, stats);
        }
        offset += std::min<std::size_t>(NLMSG_ALIGN(header.nlmsg_len), datagram.size() - offset);
    }
}

ProcConnector::ProcConnector(ProcConnector &&other) noexcept
    : m_fd(std::exchange(other.m_fd, -1))
    , m_buffer(std::move(other.m_buffer)) {
}

ProcConnector &ProcConnector::operator=(ProcConnector &&other) noexcept {
    if (this != &other) {
        close();
        m_fd = std::exchange(other.m_fd, -1);
        m_buffer = std::move(other.m_buffer);
    }
    return *this;
}

ProcConnector::~ProcConnector() {
    close();
}

namespace {

bool sendControl(int fd, proc_cn_mcast_op operation) {
    // nlmsghdr, then cn_msg (which ends in a flexible array), then the operation.
    constexpr std::size_t kCnOffset = NLMSG_HDRLEN;
    constexpr std::size_t kOperationOffset = kCnOffset + sizeof(cn_msg);
    constexpr std::size_t kLength = kOperationOffset + sizeof(proc_cn_mcast_op);
    std::array<std::byte, NLMSG_ALIGN(kLength)> request {};
    nlmsghdr header {};
    header.nlmsg_len = kLength;
    header.nlmsg_type = NLMSG_DONE;
    header.nlmsg_pid = 0;
    cn_msg message {};
    message.id.idx = CN_IDX_PROC;
    message.id.val = CN_VAL_PROC;
    message.len = sizeof(proc_cn_mcast_op);
    std::memcpy(request.data(), &header, sizeof header);
    std::memcpy(request.data() + kCnOffset, &message, sizeof message);
    std::memcpy(request.data() + kOperationOffset, &operation, sizeof operation);
    return ::send(fd, request.data(), kLength, 0) == ssize_t(kLength);
}

} // namespace

void ProcConnector::close() {
    if (m_fd < 0)
        return;
    // The kernel counts listeners; it stops producing events when none is left.
    sendControl(m_fd, PROC_CN_MCAST_IGNORE);
    ::close(m_fd);
    m_fd = -1;
}

bool ProcConnector::privileged() {
    if (::geteuid() == 0)
        return true;
    // CAP_NET_ADMIN (12) in the effective set, as /proc/self/status shows it.
    std::FILE *status = std::fopen("/proc/self/status", "re");
    if (status == nullptr)
        return false;
    char line[256];
    bool capable = false;
    while (std::fgets(line, sizeof line, status) != nullptr) {
        if (std::strncmp(line, "CapEff:", 7) == 0) {
            const unsigned long long mask = std::strtoull(line + 7, nullptr, 16);
            capable = (mask >> 12) & 1u;
            break;
        }
    }
    std::fclose(status);
    return capable;
}

Result<ProcConnector> ProcConnector::open(std::size_t receiveBufferBytes) {
    const int fd = ::socket(PF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
    if (fd < 0)
        return makeError(errorText("cannot open a NETLINK_CONNECTOR socket", errno));
    ProcConnector connector(fd);
    connector.m_buffer.resize(kBufferBytes);
    // A burst of fork/exec (a build, a shell loop) must not overflow the default 200 KB buffer.
    const int size = int(std::min<std::size_t>(receiveBufferBytes, 1u << 30));
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);

    sockaddr_nl address {};
    address.nl_family = AF_NETLINK;
    address.nl_groups = CN_IDX_PROC;
    address.nl_pid = 0; // let the kernel pick a unique port id
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0)
        return makeError(errorText("cannot bind to the proc connector", errno));
    if (!sendControl(fd, PROC_CN_MCAST_LISTEN)) {
        const int error = errno;
        // Outside the host's network namespace the connector does not exist: ECONNREFUSED.
        return makeError(errorText("cannot subscribe to process events", error)
            + (error == ECONNREFUSED ? " (no proc connector: another network namespace, or a kernel "
                                       "without CONFIG_PROC_EVENTS)"
                                     : ""));
    }
    // The kernel answers the subscription with an acknowledgement (PROC_EVENT_NONE, err 0).
    // Any event proves the subscription works; silence within the timeout is taken as a failure.
    pollfd wait {fd, POLLIN, 0};
    if (::poll(&wait, 1, kSubscribeTimeoutMs) <= 0)
        return makeError("the proc connector did not acknowledge the subscription within 1s");
    return connector;
}

ProcConnector::ReadStatus ProcConnector::read(
    std::vector<ProcEvent> &out, ProcConnectorDecodeStats &stats, std::string &error) {
    sockaddr_nl from {};
    socklen_t fromLength = sizeof from;
    const ssize_t n
        = ::recvfrom(m_fd, m_buffer.data(), m_buffer.size(), 0, reinterpret_cast<sockaddr *>(&from), &fromLength);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return ReadStatus::Empty;
        if (errno == ENOBUFS)
            return ReadStatus::Overrun;
        error = errorText("reading process events", errno);
        return ReadStatus::Failed;
    }
    // Only the kernel (port id 0) speaks for the connector.
    if (fromLength != sizeof from || from.nl_pid != 0) {
        ++stats.foreign;
        return ReadStatus::Read;
    }
    decodeProcConnectorDatagram(std::span(m_buffer.data(), std::size_t(n)), out, stats);
    return ReadStatus::Read;
}

} // namespace vanopticon::sentinel
