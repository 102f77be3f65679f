// SPDX-License-Identifier: Apache-2.0
#include "shared/tls/tlsfiles.h"

#include <QFile>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace vanopticon::tls {

namespace {

constexpr qint64 kMaxPemFileBytes = 1024 * 1024;

// Whether `key` is the private half of `certificate`'s public key: a mismatch would fail every
// handshake, each with an error only the peer sees, so it is refused with the configuration.
bool keyMatchesCertificate(const QSslCertificate &certificate, const QSslKey &key) {
    const QByteArray certificatePem = certificate.toPem();
    const QByteArray keyPem = key.toPem();
    const std::unique_ptr<BIO, decltype(&BIO_free)> certificateBio(
        BIO_new_mem_buf(certificatePem.constData(), int(certificatePem.size())), BIO_free);
    const std::unique_ptr<BIO, decltype(&BIO_free)> keyBio(
        BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())), BIO_free);
    if (!certificateBio || !keyBio)
        return false;
    const std::unique_ptr<X509, decltype(&X509_free)> x509(
        PEM_read_bio_X509(certificateBio.get(), nullptr, nullptr, nullptr), X509_free);
    const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> privateKey(
        PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    const bool matches = x509 && privateKey && X509_check_private_key(x509.get(), privateKey.get()) == 1;
    ERR_clear_error(); // the thread's OpenSSL error queue is Qt's too
    return matches;
}

} // namespace

Result<QByteArray> readPemFile(const config::Section &block, std::string_view key, std::string &path) {
    auto text = block.requireString(key);
    if (!text)
        return text.error();
    const config::Section setting = block.child(key);
    if (text->empty() || text->front() != '/')
        return setting.error("expected an absolute path, got '" + *text + "'");
    QFile file(QString::fromStdString(*text));
    if (!file.open(QIODevice::ReadOnly))
        return setting.error("cannot read " + *text + ": " + file.errorString().toStdString());
    if (file.size() > kMaxPemFileBytes)
        return setting.error(*text + " is larger than 1 MB: not a PEM file");
    path = std::move(*text);
    return file.readAll();
}

Result<QList<QSslCertificate>> readCertificates(const config::Section &block, std::string_view key, std::string &path) {
    auto pem = readPemFile(block, key, path);
    if (!pem)
        return pem.error();
    QList<QSslCertificate> certificates = QSslCertificate::fromData(*pem, QSsl::Pem);
    if (certificates.isEmpty())
        return block.child(key).error("no PEM certificate in " + path);
    return certificates;
}

Result<TlsIdentity> readTlsIdentity(const config::Section &block) {
    TlsIdentity identity;
    auto chain = readCertificates(block, "certificate", identity.certificatePath);
    if (!chain)
        return chain.error();
    identity.certificateChain = std::move(*chain);
    auto key = readPemFile(block, "private_key", identity.privateKeyPath);
    if (!key)
        return key.error();
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        identity.privateKey = QSslKey(*key, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!identity.privateKey.isNull())
            break;
    }
    if (identity.privateKey.isNull())
        return block.child("private_key")
            .error("no unencrypted RSA, EC or DSA private key in PEM form in " + identity.privateKeyPath);
    if (!keyMatchesCertificate(identity.certificateChain.front(), identity.privateKey))
        return block.child("private_key")
            .error("the key in " + identity.privateKeyPath + " is not the one of the certificate in "
                + identity.certificatePath);
    return identity;
}

} // namespace vanopticon::tls
