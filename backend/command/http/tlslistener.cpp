// SPDX-License-Identifier: Apache-2.0
#include "command/http/tlslistener.h"

#include <QSslSocket>

using namespace Qt::StringLiterals;

namespace vanopticon::command {

namespace {

constexpr char kEncryptedProperty[] = "vanopticon.tls_encrypted";
constexpr char kFailedProperty[] = "vanopticon.tls_failed";
constexpr char kPeerProperty[] = "vanopticon.tls_peer"; // kept: a closed socket forgets its peer
constexpr char kTlsHandshakeRecord = 0x16;

// Failed handshakes (scanners, plain HTTP on the TLS port, untrusted clients) are logged at most
// this often; every one is counted.
constexpr std::chrono::seconds kLogInterval {60};

} // namespace

TlsListener::TlsListener(const QSslConfiguration &configuration, QObject *parent)
    : QSslServer(parent) {
    setSslConfiguration(configuration);
    // A peer that opens a connection and never finishes the handshake holds a socket until then.
    setHandshakeTimeout(kHandshakeTimeoutMs);
    connect(this, &QSslServer::errorOccurred, this, [this](QSslSocket *socket, QAbstractSocket::SocketError error) {
        fail(socket,
            error == QAbstractSocket::SocketTimeoutError
                ? u"no TLS handshake within %1 s"_s.arg(handshakeTimeout() / 1000.0)
                : socket->errorString());
    });
}

void TlsListener::incomingConnection(qintptr descriptor) {
    const qsizetype before = children().size();
    QSslServer::incomingConnection(descriptor);
    // The base class made the connection's socket, our newest child (none if it failed).
    const QObjectList &now = children();
    if (now.size() > before) {
        if (auto *socket = qobject_cast<QSslSocket *>(now.constLast()))
            watch(socket);
    }
}

void TlsListener::watch(QSslSocket *socket) {
    socket->setProperty(kPeerProperty, socket->peerAddress().toString());
    // The socket is the context of both: QSslServer cuts the socket's connections to itself once
    // the handshake is done.
    connect(socket, &QSslSocket::encrypted, socket, [socket] { socket->setProperty(kEncryptedProperty, true); });
    // Queued: when the listener gives up a handshake it closes the socket before it reports the
    // error, and the error names the reason better. With the socket as context the call is
    // dropped if the socket is deleted first (it was then counted by its error).
    connect(
        socket, &QAbstractSocket::disconnected, socket,
        [this, socket] {
            if (socket->property(kEncryptedProperty).toBool())
                return;
            char first = 0;
            const bool notTls = socket->peek(&first, 1) == 1 && first != kTlsHandshakeRecord;
            fail(socket,
                notTls ? u"not a TLS connection (plain HTTP on the HTTPS port?)"_s
                       : u"closed before the TLS handshake finished"_s);
        },
        Qt::QueuedConnection);
}

void TlsListener::fail(QSslSocket *socket, const QString &reason) {
    // Once per connection: an error is followed by the disconnect that closes it.
    if (socket->property(kEncryptedProperty).toBool() || socket->property(kFailedProperty).toBool())
        return;
    socket->setProperty(kFailedProperty, true);
    ++m_failures;
    m_lastError = socket->property(kPeerProperty).toString() + u": "_s + reason;
    const auto now = std::chrono::steady_clock::now();
    if (m_failures == 1 || now - m_loggedAt >= kLogInterval) {
        qWarning("http: TLS handshake failed (%llu so far): %s", static_cast<unsigned long long>(m_failures),
            qPrintable(m_lastError));
        m_loggedAt = now;
    }
}

} // namespace vanopticon::command
