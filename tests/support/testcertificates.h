// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

// Certificates for the TLS tests, made at test time with the openssl command line: a CA, a server
// certificate for 127.0.0.1 it signed, a client certificate it signed, and a self-signed client
// certificate it did not. EC P-256, valid for two days.
class TestCertificates {
public:
    bool create() {
        if (!m_dir.isValid())
            return fail(QStringLiteral("no temporary directory"));
        const QStringList ec = {QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
            QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes")};
        if (!write(QStringLiteral("server.ext"),
                "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
            || !write(QStringLiteral("client.ext"), "extendedKeyUsage=clientAuth\n"))
            return false;
        return openssl(QStringList {QStringLiteral("req"), QStringLiteral("-x509")} + ec
                   + QStringList {QStringLiteral("-keyout"), path(QStringLiteral("ca.key")), QStringLiteral("-out"),
                       path(QStringLiteral("ca.pem")), QStringLiteral("-days"), QStringLiteral("2"),
                       QStringLiteral("-subj"), QStringLiteral("/CN=Vanopticon test CA"), QStringLiteral("-addext"),
                       QStringLiteral("basicConstraints=critical,CA:TRUE"), QStringLiteral("-addext"),
                       QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")})
            && signedBy(QStringLiteral("server"), QStringLiteral("/CN=localhost"), ec)
            && signedBy(QStringLiteral("client"), QStringLiteral("/CN=web1.example"), ec)
            && openssl(QStringList {QStringLiteral("req"), QStringLiteral("-x509")} + ec
                + QStringList {QStringLiteral("-keyout"), path(QStringLiteral("rogue.key")), QStringLiteral("-out"),
                    path(QStringLiteral("rogue.pem")), QStringLiteral("-days"), QStringLiteral("2"),
                    QStringLiteral("-subj"), QStringLiteral("/CN=rogue.example")});
    }

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QByteArray read(const QString &name) const {
        QFile file(path(name));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }
    const QString &error() const { return m_error; }

private:
    bool fail(const QString &message) {
        m_error = message;
        return false;
    }

    bool write(const QString &name, const QByteArray &text) {
        QFile file(path(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
            return fail(QStringLiteral("cannot write ") + path(name));
        return true;
    }

    bool signedBy(const QString &name, const QString &subject, const QStringList &ec) {
        return openssl(QStringList {QStringLiteral("req")} + ec
                   + QStringList {QStringLiteral("-keyout"), path(QString(name + QStringLiteral(".key"))),
                       QStringLiteral("-out"), path(QString(name + QStringLiteral(".csr"))), QStringLiteral("-subj"),
                       subject})
            && openssl(QStringList {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                path(QString(name + QStringLiteral(".csr"))), QStringLiteral("-CA"), path(QStringLiteral("ca.pem")),
                QStringLiteral("-CAkey"), path(QStringLiteral("ca.key")), QStringLiteral("-CAcreateserial"),
                QStringLiteral("-out"), path(QString(name + QStringLiteral(".pem"))), QStringLiteral("-days"),
                QStringLiteral("2"), QStringLiteral("-extfile"), path(QString(name + QStringLiteral(".ext")))});
    }

    bool openssl(const QStringList &arguments) {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QStringLiteral("openssl"), arguments);
        if (!process.waitForFinished(30'000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
            return fail(QStringLiteral("openssl ") + arguments.join(u' ') + QStringLiteral(": ")
                + QString::fromLocal8Bit(process.readAll()) + process.errorString());
        return true;
    }

    QTemporaryDir m_dir;
    QString m_error;
};
