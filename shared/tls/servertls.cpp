// SPDX-License-Identifier: Apache-2.0
#include "shared/tls/servertls.h"

#include "shared/tls/tlsfiles.h"

#include <QSslSocket>

namespace vanopticon::tls {

QSslConfiguration ServerTlsConfig::sslConfiguration() const {
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setProtocol(QSsl::TlsV1_2OrLater);
    ssl.setLocalCertificateChain(certificateChain);
    ssl.setPrivateKey(privateKey);
    if (caCertificates.isEmpty()) {
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    } else {
        ssl.setCaCertificates(caCertificates); // these only, not the system's
        ssl.setPeerVerifyMode(requireClientCertificate ? QSslSocket::VerifyPeer : QSslSocket::QueryPeer);
    }
    return ssl;
}

Result<ServerTlsConfig> parseServerTls(const config::Section &tls) {
    if (!tls.isMap())
        return tls.error("expected a mapping with certificate and private_key");
    if (auto known = tls.allowOnly({"certificate", "private_key", "ca", "require_client_certificate"}); !known)
        return known.error();
    if (!QSslSocket::supportsSsl())
        return tls.error("TLS is not available: Qt has no TLS backend here");

    ServerTlsConfig config;
    auto identity = readTlsIdentity(tls);
    if (!identity)
        return identity.error();
    config.certificatePath = std::move(identity->certificatePath);
    config.privateKeyPath = std::move(identity->privateKeyPath);
    config.certificateChain = std::move(identity->certificateChain);
    config.privateKey = std::move(identity->privateKey);

    if (tls.has("ca")) {
        auto ca = readCertificates(tls, "ca", config.caPath);
        if (!ca)
            return ca.error();
        config.caCertificates = std::move(*ca);
    }
    auto require = tls.boolean("require_client_certificate", false);
    if (!require)
        return require.error();
    if (*require && config.caCertificates.isEmpty())
        return tls.child("require_client_certificate")
            .error("client certificates can only be required with a `ca` to check them against");
    config.requireClientCertificate = *require;
    return config;
}

} // namespace vanopticon::tls
