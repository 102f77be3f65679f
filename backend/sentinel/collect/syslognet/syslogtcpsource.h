// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/source.h"
#include "sentinel/collect/syslognet/syslogframer.h"
#include "sentinel/collect/syslognet/syslognetconfig.h"
#include "sentinel/collect/syslognet/syslognetparser.h"
#include "sentinel/collect/syslognet/syslogpeertable.h"
#include "sentinel/parse/syslogcontext.h"

#include <QPointer>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace vanopticon::sentinel {

// `type: syslog_tcp`: syslog over TCP (RFC 6587, octet counting or LF framing, decided per
// connection) or over TLS (RFC 5425). Each connection has its own framer; connections beyond
// max_connections are closed on arrival, one silent for idle_timeout is closed, and a TLS
// handshake not done within kTlsHandshakeTimeout (or idle_timeout, if shorter) is given up. Pausing stops accepting and
// reading: each socket holds at most kReadBufferBytes, after which TCP flow control makes the senders wait — nothing is
// lost.
class SyslogTcpSource : public Source {
    Q_OBJECT
public:
    static constexpr qint64 kReadBufferBytes = 256 * 1024;
    // A peer that connects but never finishes the handshake holds a connection slot this long.
    static constexpr std::chrono::milliseconds kTlsHandshakeTimeout {10'000};

    SyslogTcpSource(SyslogTcpConfig config, SyslogContext context, QObject *parent = nullptr);
    ~SyslogTcpSource() override;

    // The first start() listens (a failure is logged and shown in status() and lastError()); after
    // stop() it resumes accepting and reading.
    void start() override;
    void stop() override;
    QJsonObject status() const override;

    bool isListening() const;
    // The port listened on: the system's choice when the configuration says 0.
    std::uint16_t port() const;
    const std::string &lastError() const { return m_lastError; }
    // Why the latest failed TLS handshake failed, with the peer's address ("" when none failed).
    const std::string &lastTlsError() const { return m_lastTlsError; }
    std::size_t connectionCount() const { return m_connections.size(); }
    const SyslogNetParser &parser() const { return m_parser; }
    const SyslogPeerTable &peers() const { return m_peers; }

    // Clocks: the wall clock (UTC ns) dates events without a timestamp, the steady one (ms) measures
    // idleness. Tests set both and call closeIdleConnections() themselves.
    void setClock(std::function<std::int64_t()> nowNs, std::function<std::int64_t()> steadyMs);
    // Closes the connections silent for idle_timeout; a timer calls it while the source runs.
    void closeIdleConnections();

private:
    class Server;
    struct Connection {
        QPointer<QTcpSocket> socket;
        SyslogFramer framer;
        SyslogPeerCounters *peer = nullptr;
        SyslogFramerStats counted; // the framer's figures already added to the totals
        std::int64_t lastActivityMs = 0;
        bool encrypted = false;
    };

    void accept(qintptr descriptor);
    void readFrom(QTcpSocket *socket);
    void read(Connection &connection, Delivery &delivery);
    void closeConnection(QTcpSocket *socket);
    void account(Connection &connection);
    void onMessage(Connection &connection, std::string_view message, EventBatch &batch);

    SyslogTcpConfig m_config;
    SyslogNetParser m_parser;
    SyslogPeerTable m_peers;
    std::unique_ptr<Server> m_server;
    QSslConfiguration m_ssl;
    std::unordered_map<QTcpSocket *, std::unique_ptr<Connection>> m_connections;
    std::function<std::int64_t()> m_nowNs;
    std::function<std::int64_t()> m_steadyMs;
    QTimer m_idleTimer;
    std::vector<char> m_readBuffer;
    std::string m_lastError;
    std::string m_lastTlsError;
    bool m_paused = false;

    std::uint64_t m_accepted = 0;
    std::uint64_t m_rejected = 0;
    std::uint64_t m_idleClosed = 0;
    std::uint64_t m_tlsFailures = 0;
    std::uint64_t m_oversized = 0;
    std::uint64_t m_badLengthPrefixes = 0;
    std::uint64_t m_truncatedAtClose = 0;
};

} // namespace vanopticon::sentinel
