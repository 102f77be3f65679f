// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/syslognet/syslogudpsource.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace vanopticon::sentinel {

namespace {

// Datagrams per recvmmsg call.
constexpr std::size_t kBatch = 16;

std::string systemError(const std::string &what) {
    return what + ": " + std::strerror(errno);
}

// The configured address as a sockaddr for bind().
socklen_t toSockaddr(const SyslogListenAddress &listen, sockaddr_storage &out) {
    out = {};
    bool isV4 = false;
    const quint32 v4 = listen.address.toIPv4Address(&isV4);
    if (isV4 && listen.address.protocol() == QAbstractSocket::IPv4Protocol) {
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_port = htons(listen.port);
        address.sin_addr.s_addr = htonl(v4);
        std::memcpy(&out, &address, sizeof address);
        return sizeof address;
    }
    sockaddr_in6 address {};
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(listen.port);
    const Q_IPV6ADDR v6 = listen.address.toIPv6Address();
    std::memcpy(&address.sin6_addr, v6.c, 16);
    std::memcpy(&out, &address, sizeof address);
    return sizeof address;
}

std::uint16_t boundPort(int fd) {
    sockaddr_storage address {};
    socklen_t length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0)
        return 0;
    if (address.ss_family == AF_INET)
        return ntohs(reinterpret_cast<const sockaddr_in &>(address).sin_port);
    return ntohs(reinterpret_cast<const sockaddr_in6 &>(address).sin6_port);
}

} // namespace

SyslogUdpSource::SyslogUdpSource(SyslogUdpConfig config, SyslogContext context, QObject *parent)
    : Source("syslog_udp:" + config.listen.toString(), parent)
    , m_config(std::move(config))
    , m_parser(m_config.format, context.nowNs, context.utcOffsetSeconds)
    , m_nowNs(systemNowNs) {
}

SyslogUdpSource::~SyslogUdpSource() {
    closeSocket();
}

void SyslogUdpSource::start() {
    if (m_fd >= 0)
        return;
    sockaddr_storage address {};
    const socklen_t length = toSockaddr(m_config.listen, address);
    const int fd = ::socket(address.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        m_lastError = systemError("cannot open a UDP socket");
        qWarning("%s: %s", name().c_str(), m_lastError.c_str());
        return;
    }
    if (m_config.receiveBufferBytes > 0) {
        const int size = static_cast<int>(m_config.receiveBufferBytes);
        if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) != 0)
            qWarning("%s: %s", name().c_str(), systemError("cannot set the receive buffer").c_str());
    }
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&address), length) != 0) {
        m_lastError = systemError("cannot listen on " + m_config.listen.toString());
        qWarning("%s: %s", name().c_str(), m_lastError.c_str());
        ::close(fd);
        return;
    }
    m_fd = fd;
    m_boundPort = boundPort(fd);
    m_lastError.clear();
    m_buffers.assign(kBatch * (m_config.maxMessageBytes + 1), '\0');
    m_notifier = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &SyslogUdpSource::readDatagrams);
}

void SyslogUdpSource::stop() {
    closeSocket();
}

void SyslogUdpSource::closeSocket() {
    m_notifier.reset();
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    m_buffers = {};
}

void SyslogUdpSource::readDatagrams() {
    const std::int64_t now = m_nowNs();
    m_parser.setClock(now, localUtcOffsetSeconds(now));
    const std::size_t slot = m_config.maxMessageBytes + 1;
    std::array<mmsghdr, kBatch> headers {};
    std::array<iovec, kBatch> vectors {};
    std::array<sockaddr_storage, kBatch> senders {};
    Delivery delivery;
    std::size_t read = 0;
    while (read < kMaxDatagramsPerTurn && m_fd >= 0) {
        for (std::size_t i = 0; i < kBatch; ++i) {
            vectors[i] = iovec {m_buffers.data() + i * slot, slot};
            headers[i] = mmsghdr {};
            headers[i].msg_hdr.msg_iov = &vectors[i];
            headers[i].msg_hdr.msg_iovlen = 1;
            headers[i].msg_hdr.msg_name = &senders[i];
            headers[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        }
        const int received = ::recvmmsg(m_fd, headers.data(), kBatch, MSG_DONTWAIT, nullptr);
        if (received < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                ++m_receiveErrors;
                m_lastError = systemError("receiving");
            }
            break;
        }
        for (int i = 0; i < received; ++i) {
            const mmsghdr &header = headers[static_cast<std::size_t>(i)];
            SyslogPeerCounters &peer = m_peers.peer(*reinterpret_cast<const sockaddr *>(&senders[std::size_t(i)]));
            peer.bytes += header.msg_len;
            // Every datagram counts in: in = out + dropped + errors.
            ++m_counters.in;
            ++peer.messages;
            if (header.msg_len > m_config.maxMessageBytes || (header.msg_hdr.msg_flags & MSG_TRUNC) != 0) {
                ++m_oversized;
                ++m_counters.dropped;
                ++peer.dropped;
                continue;
            }
            if (isBackedUp()) {
                ++m_droppedWhilePaused;
                ++m_counters.dropped;
                ++peer.dropped;
                continue;
            }
            const std::string_view message(m_buffers.data() + std::size_t(i) * slot, header.msg_len);
            if (!m_parser.parse(message, peer.address, delivery.events)) {
                ++m_counters.errors;
                ++peer.errors;
            }
        }
        read += static_cast<std::size_t>(received);
        if (static_cast<std::size_t>(received) < kBatch)
            break;
    }
    // More may be waiting: the notifier fires again on the next turn of the event loop.
    if (!delivery.events.empty())
        deliver(std::move(delivery));
}

QJsonObject SyslogUdpSource::status() const {
    QJsonObject status = Source::status();
    status.insert(u"listen"_s, QString::fromStdString(m_config.listen.toString()));
    status.insert(u"listening"_s, isListening());
    status.insert(u"port"_s, int(m_boundPort));
    status.insert(u"format"_s, QString::fromUtf8(toString(m_config.format).data()));
    status.insert(u"pipeline_paused"_s, isBackedUp());
    status.insert(u"oversized"_s, qint64(m_oversized));
    status.insert(u"dropped_while_paused"_s, qint64(m_droppedWhilePaused));
    status.insert(u"receive_errors"_s, qint64(m_receiveErrors));
    status.insert(u"parse_errors"_s, qint64(m_parser.stats().failed));
    status.insert(u"rfc5424"_s, qint64(m_parser.stats().rfc5424));
    status.insert(u"rfc3164"_s, qint64(m_parser.stats().rfc3164));
    status.insert(u"peers_seen"_s, qint64(m_peers.size()));
    status.insert(u"peers"_s, m_peers.busiest(20));
    status.insert(u"error"_s, QString::fromStdString(m_lastError));
    return status;
}

} // namespace vanopticon::sentinel
