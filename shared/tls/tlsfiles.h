// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/config/section.h"
#include "shared/core/result.h"

#include <QList>
#include <QSslCertificate>
#include <QSslKey>

#include <string>
#include <string_view>

namespace vanopticon::tls {

// TLS material named by a configuration block, read and checked when the configuration is, so
// that a wrong path or a key that is not the certificate's stops the start with the setting's
// name instead of failing every handshake later.

// The PEM file at the absolute path in setting `key` of `block` (at most 1 MB); `path` gets it.
Result<QByteArray> readPemFile(const config::Section &block, std::string_view key, std::string &path);

// A certificate chain (the leaf first) and its private key.
struct TlsIdentity {
    std::string certificatePath;
    std::string privateKeyPath;
    QList<QSslCertificate> certificateChain;
    QSslKey privateKey;
};

// Settings `certificate` and `private_key` of `block`: unencrypted RSA, EC or DSA keys in PEM;
// the key must be the certificate's.
Result<TlsIdentity> readTlsIdentity(const config::Section &block);

// The certificates in the PEM file of setting `key` (at least one).
Result<QList<QSslCertificate>> readCertificates(const config::Section &block, std::string_view key, std::string &path);

} // namespace vanopticon::tls
