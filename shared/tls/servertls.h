// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/config/section.h"
#include "shared/core/result.h"

#include <QList>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>

#include <string>

namespace vanopticon::tls {

// The `tls:` block of a listener (the server's, the sentinel's syslog receiver):
//   tls:
//     certificate: /etc/vanopticon/server.pem   # the listener's certificate first, then its chain
//     private_key: /etc/vanopticon/server.key   # unencrypted; must be the certificate's
//     ca: /etc/vanopticon/client-ca.pem         # optional: ask peers for a certificate from these CAs
//     require_client_certificate: false         # true (needs ca): refuse peers without one
// Files are read and checked when the configuration is, so a mistake stops the start with the
// setting's name instead of failing every handshake later.
struct ServerTlsConfig {
    std::string certificatePath;
    std::string privateKeyPath;
    std::string caPath; // empty: client certificates are not asked for
    bool requireClientCertificate = false;
    QList<QSslCertificate> certificateChain; // the listener's certificate first
    QSslKey privateKey;
    QList<QSslCertificate> caCertificates;

    // TLS 1.2 or later with this certificate and key; with CAs, client certificates are asked
    // for (and required when configured so) and checked against them only.
    QSslConfiguration sslConfiguration() const;
};

Result<ServerTlsConfig> parseServerTls(const config::Section &tls);

} // namespace vanopticon::tls
