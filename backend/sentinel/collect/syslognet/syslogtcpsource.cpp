// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/syslognet/syslogtcpsource.h"

#include <QSslSocket>

#include <algorithm>
#include <chrono>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace vanopticon::sentinel {

namespace {

constexpr std::size_t kReadChunkBytes = 64 * 1024;

std::int64_t steadyNowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

// Takes each connection itself, before QTcpServer would queue it. Not QSslServer (6.4 has it):
// it hands a connection over only once its handshake is done, so the connection limit would
// apply after the TLS work, handshakes in progress would be neither counted nor limited, and
// its handshake timer could not be driven by the injected clock. Here plain and TLS
// connections take one path: counted and limited on arrival, then QSslSocket::
// startServerEncryption() with the configuration built from the `tls` settings.
class SyslogTcpSource::Server : public QTcpServer {
public:
    explicit Server(std::function<void(qintptr)> accept)
        : m_accept(std::move(accept)) { }

protected:
    void incomingConnection(qintptr descriptor) override { m_accept(descriptor); }

private:
    std::function<void(qintptr)> m_accept;
};

SyslogTcpSource::SyslogTcpSource(SyslogTcpConfig config, SyslogContext context, QObject *parent)
    : Source("syslog_tcp:" + config.listen.toString(), parent)
    , m_config(std::move(config))
    , m_parser(m_config.format, context.nowNs, context.utcOffsetSeconds)
    , m_server(std::make_unique<Server>([this](qintptr descriptor) { accept(descriptor); }))
    , m_nowNs(systemNowNs)
    , m_steadyMs(steadyNowMs)
    , m_readBuffer(kReadChunkBytes) {
    if (m_config.tls)
        m_ssl = m_config.tls->sslConfiguration();
    const std::chrono::milliseconds shortest
        = m_config.tls ? std::min(m_config.idleTimeout, kTlsHandshakeTimeout) : m_config.idleTimeout;
    const auto interval
        = std::clamp<std::chrono::milliseconds>(shortest / 4, std::chrono::milliseconds(250), std::chrono::seconds(30));
    m_idleTimer.setInterval(interval);
    connect(&m_idleTimer, &QTimer::timeout, this, &SyslogTcpSource::closeIdleConnections);
}

SyslogTcpSource::~SyslogTcpSource() {
    m_idleTimer.stop();
    m_server->close();
    // Sockets emit disconnected() as they go: not to a half-destroyed source.
    for (auto &[socket, connection] : m_connections) {
        if (connection->socket) {
            QObject::disconnect(socket, nullptr, this, nullptr);
            delete socket;
        }
    }
    m_connections.clear();
}

void SyslogTcpSource::setClock(std::function<std::int64_t()> nowNs, std::function<std::int64_t()> steadyMs) {
    m_nowNs = std::move(nowNs);
    m_steadyMs = std::move(steadyMs);
    const std::int64_t now = m_steadyMs();
    for (auto &[socket, connection] : m_connections)
        connection->lastActivityMs = now;
}

bool SyslogTcpSource::isListening() const {
    return m_server->isListening();
}

std::uint16_t SyslogTcpSource::port() const {
    return m_server->serverPort();
}

void SyslogTcpSource::start() {
    m_paused = false;
    if (!m_server->isListening()) {
        if (!m_server->listen(m_config.listen.address, m_config.listen.port)) {
            m_lastError
                = "cannot listen on " + m_config.listen.toString() + ": " + m_server->errorString().toStdString();
            qWarning("%s: %s", name().c_str(), m_lastError.c_str());
            return;
        }
        m_lastError.clear();
    } else {
        m_server->resumeAccepting();
    }
    m_idleTimer.start();
    // What arrived while paused waits in the sockets' buffers; silence while paused was ours.
    const std::int64_t now = m_steadyMs();
    for (auto &[socket, connection] : m_connections) {
        connection->lastActivityMs = now;
        QMetaObject::invokeMethod(
            this, [this, guard = QPointer<QTcpSocket>(socket)] { readFrom(guard); }, Qt::QueuedConnection);
    }
}

void SyslogTcpSource::stop() {
    m_paused = true;
    if (m_server->isListening())
        m_server->pauseAccepting();
    m_idleTimer.stop();
}

void SyslogTcpSource::accept(qintptr descriptor) {
    const int fd = static_cast<int>(descriptor);
    if (m_connections.size() >= m_config.maxConnections) {
        sockaddr_storage address {};
        socklen_t length = sizeof address;
        if (::getpeername(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
            ++m_peers.peer(*reinterpret_cast<const sockaddr *>(&address)).rejected;
        ::close(fd);
        ++m_rejected;
        return;
    }
    QTcpSocket *socket = m_config.tls ? new QSslSocket(this) : new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        qWarning("%s: cannot take a connection: %s", name().c_str(), qPrintable(socket->errorString()));
        ::close(fd);
        delete socket;
        return;
    }
    socket->setReadBufferSize(kReadBufferBytes);
    auto connection = std::make_unique<Connection>(Connection {
        socket, SyslogFramer(m_config.maxMessageBytes), &m_peers.peer(socket->peerAddress()), {}, m_steadyMs(), false});
    ++connection->peer->connections;
    ++m_accepted;

    // Closing is queued: a socket can report its end from inside a read, while its connection is in use.
    const QPointer<QTcpSocket> guard(socket);
    connect(socket, &QTcpSocket::readyRead, this, [this, guard] { readFrom(guard); });
    connect(
        socket, &QTcpSocket::disconnected, this, [this, guard] { closeConnection(guard); }, Qt::QueuedConnection);
    connect(
        socket, &QAbstractSocket::errorOccurred, this,
        [this, guard](QAbstractSocket::SocketError) {
            if (guard && guard->state() == QAbstractSocket::UnconnectedState)
                closeConnection(guard);
        },
        Qt::QueuedConnection);
    if (m_config.tls) {
        auto *tls = static_cast<QSslSocket *>(socket);
        tls->setSslConfiguration(m_ssl);
        connect(tls, &QSslSocket::encrypted, this, [this, guard] {
            if (const auto it = m_connections.find(guard); it != m_connections.end())
                it->second->encrypted = true;
        });
        // The operator's only clue to a bad certificate, key or client: kept for status().
        connect(tls, &QSslSocket::sslErrors, this, [this, guard](const QList<QSslError> &errors) {
            if (guard && !errors.isEmpty())
                m_lastTlsError
                    = guard->peerAddress().toString().toStdString() + ": " + errors.front().errorString().toStdString();
        });
        connect(tls, &QAbstractSocket::errorOccurred, this, [this, guard](QAbstractSocket::SocketError error) {
            if (guard && !static_cast<QSslSocket *>(guard.data())->isEncrypted()
                && error != QAbstractSocket::RemoteHostClosedError)
                m_lastTlsError
                    = guard->peerAddress().toString().toStdString() + ": " + guard->errorString().toStdString();
        });
        tls->startServerEncryption();
    }
    m_connections.emplace(socket, std::move(connection));
}

void SyslogTcpSource::readFrom(QTcpSocket *socket) {
    if (m_paused || socket == nullptr)
        return;
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    const std::int64_t now = m_nowNs();
    m_parser.setClock(now, localUtcOffsetSeconds(now));
    Delivery delivery;
    read(*it->second, delivery);
    if (!delivery.events.empty())
        deliver(std::move(delivery));
}

void SyslogTcpSource::read(Connection &connection, Delivery &delivery) {
    QTcpSocket *socket = connection.socket;
    // A TLS socket whose handshake failed is closed already: nothing of it is readable.
    if (socket == nullptr || !socket->isReadable())
        return;
    const SyslogFramer::Sink sink
        = [this, &connection, &delivery](std::string_view message) { onMessage(connection, message, delivery.events); };
    for (;;) {
        const qint64 n = socket->read(m_readBuffer.data(), qint64(m_readBuffer.size()));
        if (n <= 0)
            break;
        connection.lastActivityMs = m_steadyMs();
        connection.peer->bytes += std::uint64_t(n);
        connection.framer.feed(std::string_view(m_readBuffer.data(), std::size_t(n)), sink);
    }
    account(connection);
}

void SyslogTcpSource::onMessage(Connection &connection, std::string_view message, EventBatch &batch) {
    ++m_counters.in;
    ++connection.peer->messages;
    if (!m_parser.parse(message, connection.peer->address, batch)) {
        ++m_counters.errors;
        ++connection.peer->errors;
    }
}

void SyslogTcpSource::account(Connection &connection) {
    const SyslogFramerStats &now = connection.framer.stats();
    const SyslogFramerStats &before = connection.counted;
    const std::uint64_t oversized = now.oversized - before.oversized;
    const std::uint64_t badPrefixes = now.badLengthPrefixes - before.badLengthPrefixes;
    const std::uint64_t truncated = now.truncatedAtClose - before.truncatedAtClose;
    m_oversized += oversized;
    m_badLengthPrefixes += badPrefixes;
    m_truncatedAtClose += truncated;
    // What the framer could not hand on was received all the same: in = out + dropped + errors.
    m_counters.in += oversized + truncated + badPrefixes;
    m_counters.dropped += oversized + truncated;
    m_counters.errors += badPrefixes;
    connection.peer->messages += oversized + truncated + badPrefixes;
    connection.peer->dropped += oversized + truncated;
    connection.peer->errors += badPrefixes;
    connection.counted = now;
}

void SyslogTcpSource::closeConnection(QTcpSocket *socket) {
    const auto it = m_connections.find(socket);
    if (socket == nullptr || it == m_connections.end())
        return;
    const std::unique_ptr<Connection> connection = std::move(it->second);
    m_connections.erase(it);
    QObject::disconnect(socket, nullptr, this, nullptr);

    // What the peer sent before it went is delivered, paused or not: the socket is going away.
    const std::int64_t now = m_nowNs();
    m_parser.setClock(now, localUtcOffsetSeconds(now));
    Delivery delivery;
    read(*connection, delivery);
    connection->framer.finish(
        [this, &connection, &delivery](std::string_view message) { onMessage(*connection, message, delivery.events); });
    account(*connection);
    if (m_config.tls && !connection->encrypted) {
        ++m_tlsFailures;
        ++connection->peer->errors;
    }
    socket->abort();
    socket->deleteLater();
    if (!delivery.events.empty())
        deliver(std::move(delivery));
}

void SyslogTcpSource::closeIdleConnections() {
    if (m_paused)
        return;
    const std::int64_t now = m_steadyMs();
    const std::int64_t handshakeTimeout = std::min(kTlsHandshakeTimeout, m_config.idleTimeout).count();
    std::vector<QPointer<QTcpSocket>> idle;
    for (const auto &[socket, connection] : m_connections) {
        const bool handshaking = m_config.tls && !connection->encrypted;
        if (now - connection->lastActivityMs >= (handshaking ? handshakeTimeout : m_config.idleTimeout.count()))
            idle.emplace_back(socket);
    }
    for (const QPointer<QTcpSocket> &socket : idle) {
        const auto it = socket ? m_connections.find(socket) : m_connections.end();
        if (it == m_connections.end())
            continue;
        ++m_idleClosed;
        if (m_config.tls && !it->second->encrypted)
            m_lastTlsError = it->second->peer->address + ": no TLS handshake within "
                + std::to_string(handshakeTimeout / 1000) + " s";
        closeConnection(socket);
    }
}

QJsonObject SyslogTcpSource::status() const {
    QJsonObject status = Source::status();
    status.insert(u"listen"_s, QString::fromStdString(m_config.listen.toString()));
    status.insert(u"listening"_s, isListening());
    status.insert(u"port"_s, int(port()));
    status.insert(u"format"_s, QString::fromUtf8(toString(m_config.format).data()));
    status.insert(u"tls"_s, m_config.tls.has_value());
    status.insert(u"paused"_s, m_paused);
    status.insert(u"connections"_s, qint64(m_connections.size()));
    status.insert(u"max_connections"_s, qint64(m_config.maxConnections));
    status.insert(u"accepted"_s, qint64(m_accepted));
    status.insert(u"rejected"_s, qint64(m_rejected));
    status.insert(u"idle_closed"_s, qint64(m_idleClosed));
    status.insert(u"tls_failures"_s, qint64(m_tlsFailures));
    status.insert(u"last_tls_error"_s, QString::fromStdString(m_lastTlsError));
    status.insert(u"oversized"_s, qint64(m_oversized));
    status.insert(u"bad_length_prefixes"_s, qint64(m_badLengthPrefixes));
    status.insert(u"truncated_at_close"_s, qint64(m_truncatedAtClose));
    status.insert(u"parse_errors"_s, qint64(m_parser.stats().failed));
    status.insert(u"rfc5424"_s, qint64(m_parser.stats().rfc5424));
    status.insert(u"rfc3164"_s, qint64(m_parser.stats().rfc3164));
    status.insert(u"peers_seen"_s, qint64(m_peers.size()));
    status.insert(u"peers"_s, m_peers.busiest(20));
    status.insert(u"error"_s, QString::fromStdString(m_lastError));
    return status;
}

} // namespace vanopticon::sentinel
