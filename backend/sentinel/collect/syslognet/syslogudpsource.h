// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/source.h"
#include "sentinel/collect/syslognet/syslognetconfig.h"
#include "sentinel/collect/syslognet/syslognetparser.h"
#include "sentinel/collect/syslognet/syslogpeertable.h"
#include "sentinel/parse/syslogcontext.h"

#include <QSocketNotifier>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace vanopticon::sentinel {

// `type: syslog_udp`: one datagram is one message (RFC 5426). A UDP sender cannot be told to
// wait, so this source cannot pause: while the pipeline is paused it keeps reading — else the
// socket buffer overflows and the kernel drops datagrams uncounted — and drops and counts what
// it reads. Datagrams longer than max_message_size are dropped and counted. Reads a bounded
// number of datagrams per event-loop turn (recvmmsg, no allocation per datagram) so a flood
// cannot starve the sentinel's other work.
class SyslogUdpSource : public Source {
    Q_OBJECT
public:
    static constexpr std::size_t kMaxDatagramsPerTurn = 1024;

    SyslogUdpSource(SyslogUdpConfig config, SyslogContext context, QObject *parent = nullptr);
    ~SyslogUdpSource() override;

    // Binds (a failure is logged and shown in status() and lastError()); stop() closes the socket.
    void start() override;
    void stop() override;
    bool canPause() const override { return false; }
    QJsonObject status() const override;

    bool isListening() const { return m_fd >= 0; }
    // The port bound: the system's choice when the configuration says 0.
    std::uint16_t port() const { return m_boundPort; }
    const std::string &lastError() const { return m_lastError; }
    const SyslogNetParser &parser() const { return m_parser; }
    const SyslogPeerTable &peers() const { return m_peers; }
    // The wall clock (UTC ns) events without a timestamp are dated with; tests fix it.
    void setClock(std::function<std::int64_t()> nowNs) { m_nowNs = std::move(nowNs); }

private:
    void readDatagrams();
    void closeSocket();

    SyslogUdpConfig m_config;
    SyslogNetParser m_parser;
    SyslogPeerTable m_peers;
    std::function<std::int64_t()> m_nowNs;
    int m_fd = -1;
    std::uint16_t m_boundPort = 0;
    std::unique_ptr<QSocketNotifier> m_notifier;
    std::vector<char> m_buffers; // one slot of maxMessageBytes + 1 per datagram of a recvmmsg
    std::string m_lastError;
    std::uint64_t m_oversized = 0;
    std::uint64_t m_droppedWhilePaused = 0;
    std::uint64_t m_receiveErrors = 0;
};

} // namespace vanopticon::sentinel
