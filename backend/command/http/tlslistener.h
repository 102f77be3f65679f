// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QSslServer>
#include <QString>

#include <chrono>

namespace vanopticon::command {

// The HTTPS listener: QSslServer, which hands a connection on only once its handshake succeeded,
// plus an account of the ones that did not. QSslServer drops a connection whose first bytes are
// not a TLS ClientHello (plain HTTP on the TLS port) without a signal, so every accepted socket is
// watched until it is encrypted or gone; each failure is counted once and the latest kept.
class TlsListener : public QSslServer {
    Q_OBJECT
public:
    static constexpr int kHandshakeTimeoutMs = 10'000;

    TlsListener(const QSslConfiguration &configuration, QObject *parent = nullptr);

    quint64 handshakeFailures() const { return m_failures; }
    const QString &lastError() const { return m_lastError; } // "peer: reason"; empty: none yet

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void watch(QSslSocket *socket);
    void fail(QSslSocket *socket, const QString &reason);

    quint64 m_failures = 0;
    QString m_lastError;
    std::chrono::steady_clock::time_point m_loggedAt;
};

} // namespace vanopticon::command
