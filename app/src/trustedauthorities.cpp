// SPDX-License-Identifier: Apache-2.0
#include "trustedauthorities.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>

using namespace Qt::StringLiterals;

namespace vanopticon::console {

namespace {
constexpr qint64 kMaxFileBytes = 1 << 20; // a bundle of a few hundred certificates
}

QString trustCertificateAuthorities(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return path + u": "_s + file.errorString();
    if (file.size() > kMaxFileBytes)
        return path + u": larger than 1 MB, not a CA bundle"_s;
    const QList<QSslCertificate> authorities = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
    if (authorities.isEmpty())
        return path + u": no PEM certificate in it"_s;
    for (const QSslCertificate &authority : authorities) {
        if (authority.isNull())
            return path + u": a certificate in it cannot be read"_s;
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.addCaCertificates(authorities);
    QSslConfiguration::setDefaultConfiguration(configuration);
    return {};
}

} // namespace vanopticon::console
