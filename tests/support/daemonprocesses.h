// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSslConfiguration>
#include <QSslError>
#include <QString>
#include <QTest>
#include <QTimer>
#include <QUrl>

#include <cstdio>
#include <memory>
#include <optional>
#include <utility>

// Real `vanopticond` processes on loopback for the integration tests: a server started with the
// repository's rules and policies on a port the system picks, its REST API, and sentinels that
// enroll with it. Helpers return what went wrong as text (empty on success) for QVERIFY2.
// Header-only: each integration test is one executable.
namespace vanopticon::testsupport {

// Stops a process started by a test: SIGTERM, then the wait; SIGKILL if it does not end. An
// empty string when it ended on its own with status 0.
inline QString stopProcess(QProcess &process, const QString &what) {
    if (process.state() == QProcess::NotRunning)
        return what + QStringLiteral(" was not running (exit code %1)").arg(process.exitCode());
    process.terminate();
    if (!process.waitForFinished(10000)) {
        process.kill();
        process.waitForFinished(5000);
        return what + QStringLiteral(" did not stop within 10 s of SIGTERM");
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return what
            + QStringLiteral(" stopped with status %1 (%2)")
                  .arg(process.exitCode())
                  .arg(process.exitStatus() == QProcess::NormalExit ? QStringLiteral("exited")
                                                                    : QStringLiteral("crashed"));
    return {};
}

class ServerProcess {
public:
    // `program` is the vanopticond executable; the server keeps its data (vanopticon.db) in
    // `dataDirectory`.
    ServerProcess(QString program, QString dataDirectory)
        : m_program(std::move(program))
        , m_dataDirectory(std::move(dataDirectory)) { }

    ~ServerProcess() {
        if (m_process.state() != QProcess::NotRunning)
            stopProcess(m_process, QStringLiteral("the server"));
    }

    ServerProcess(const ServerProcess &) = delete;
    ServerProcess &operator=(const ServerProcess &) = delete;

    // Writes its configuration next to the data directory, starts it and waits for "listening
    // on", then logs in as the administrator. `extraSettings`: further `server:` lines, indented;
    // `port`: 0 lets the system pick one (a restart can ask for the previous one again).
    QString start(const QString &extraSettings = {}, quint16 port = 0) {
        const QString config = m_dataDirectory + QStringLiteral(".yaml");
        QFile file(config);
        if (!file.open(QIODevice::WriteOnly))
            return QStringLiteral("cannot write ") + config;
        file.write(
            QStringLiteral("server:\n  listen: 127.0.0.1:%2\n  correlation_rules: %1/resources/rules/correlation\n"
                           "  policies: %1/resources/policies\n")
                .arg(QStringLiteral(VANOPTICON_SOURCE_DIR))
                .arg(port)
                .toUtf8()
            + extraSettings.toUtf8());
        file.close();
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("VANOPTICON_ADMIN_PASSWORD"), kAdminPassword);
        m_process.setProcessEnvironment(environment);
        m_process.setProcessChannelMode(QProcess::ForwardedOutputChannel); // stderr stays readable here
        // Started again: the banner is read below, not forwarded as the last run's output was.
        QObject::disconnect(&m_process, &QProcess::readyReadStandardError, nullptr, nullptr);
        m_process.start(m_program, {QStringLiteral("--config"), config, QStringLiteral("--data-dir"), m_dataDirectory});
        QString banner;
        const bool ended = QTest::qWaitFor(
            [&] {
                banner += QString::fromUtf8(m_process.readAllStandardError());
                return banner.contains(QStringLiteral("listening on")) || m_process.state() == QProcess::NotRunning;
            },
            15000);
        const QRegularExpressionMatch match
            = QRegularExpression(QStringLiteral("listening on (https?)://127.0.0.1:(\\d+)")).match(banner);
        if (!ended || !match.hasMatch())
            return QStringLiteral("the server did not start: ") + banner;
        m_banner = banner;
        m_scheme = match.captured(1);
        m_port = match.captured(2).toUShort();
        // From here on its diagnostics go to the test's own stderr.
        QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
            [this] { std::fputs(m_process.readAllStandardError().constData(), stderr); });

        const auto [status, body] = call("POST", QStringLiteral("/api/v1/auth/login"),
            QJsonObject {
                {QStringLiteral("username"), QStringLiteral("admin")}, {QStringLiteral("password"), kAdminPassword}});
        if (status != 200)
            return QStringLiteral("login as admin: HTTP %1").arg(status);
        m_token = body[QStringLiteral("token")].toString();
        return {};
    }

    // A one-time enrollment token, or an empty string (and `error` says why).
    QString enrollmentToken(const QString &description, QString &error) {
        const auto [status, body] = call("POST", QStringLiteral("/api/v1/enrollment-tokens"),
            QJsonObject {{QStringLiteral("description"), description}});
        if (status != 201) {
            error = QStringLiteral("creating an enrollment token: HTTP %1").arg(status);
            return {};
        }
        return body[QStringLiteral("token")].toString();
    }

    struct Reply {
        int status = 0; // 0 without an answer in 10 s
        QByteArray body;
        QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    };

    // For a server with `tls:`: how its API is called (the CAs to trust, a client certificate).
    void setClientTls(QSslConfiguration tls) { m_clientTls = std::move(tls); }
    // Certificate errors its API calls let through (a certificate that does not name 127.0.0.1).
    void setIgnoredSslErrors(QList<QSslError> errors) { m_ignoredSslErrors = std::move(errors); }

    // One HTTP call, as the administrator unless `anonymous`.
    Reply request(const QByteArray &verb, const QString &path, const QJsonObject &body = {}, bool anonymous = false) {
        QNetworkRequest request(QUrl(QStringLiteral("%1://127.0.0.1:%2%3").arg(m_scheme).arg(m_port).arg(path)));
        if (m_clientTls)
            request.setSslConfiguration(*m_clientTls);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        if (!anonymous && !m_token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + m_token.toLatin1());
        std::unique_ptr<QNetworkReply> reply(
            m_nam.sendCustomRequest(request, verb, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson()));
        if (!m_ignoredSslErrors.isEmpty())
            reply->ignoreSslErrors(m_ignoredSslErrors);
        if (!reply->isFinished()) {
            QEventLoop loop;
            QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
            QTimer::singleShot(10000, &loop, &QEventLoop::quit);
            loop.exec();
        }
        if (!reply->isFinished())
            return {};
        return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
    }

    // One REST call as the administrator: the HTTP status (0 without an answer in 10 s) and the
    // JSON body.
    std::pair<int, QJsonObject> call(const QByteArray &verb, const QString &path, const QJsonObject &body = {}) {
        const Reply reply = request(verb, path, body);
        return {reply.status, reply.json()};
    }

    QString stop() { return stopProcess(m_process, QStringLiteral("the server")); }

    quint16 port() const { return m_port; }
    // What it printed up to "listening on".
    const QString &banner() const { return m_banner; }
    QString webSocketUrl() const {
        return QStringLiteral("%1://127.0.0.1:%2")
            .arg(m_scheme == QStringLiteral("https") ? QStringLiteral("wss") : QStringLiteral("ws"))
            .arg(m_port);
    }
    QString databasePath() const { return m_dataDirectory + QStringLiteral("/vanopticon.db"); }
    QProcess &process() { return m_process; }

private:
    static inline const QString kAdminPassword = QStringLiteral("integration-password");

    QString m_program;
    QString m_dataDirectory;
    QProcess m_process;
    QNetworkAccessManager m_nam;
    quint16 m_port = 0;
    QString m_scheme = QStringLiteral("http");
    std::optional<QSslConfiguration> m_clientTls;
    QList<QSslError> m_ignoredSslErrors;
    QString m_token;
    QString m_banner;
};

// Starts `vanopticond --role sentinel` with `config`, its state under `dataDirectory`, enrolling
// with the server at `serverUrl` (ws://…) with `token`. Its output goes to the test's.
inline void startSentinel(QProcess &process, const QString &program, const QString &config,
    const QString &dataDirectory, const QString &serverUrl, const QString &token) {
    process.setProcessChannelMode(QProcess::ForwardedChannels);
    process.start(program,
        {QStringLiteral("--role"), QStringLiteral("sentinel"), QStringLiteral("--config"), config,
            QStringLiteral("--data-dir"), dataDirectory, QStringLiteral("--server"), serverUrl,
            QStringLiteral("--enroll"), token});
}

} // namespace vanopticon::testsupport
