// SPDX-License-Identifier: Apache-2.0
#include "bench/benchdaemon.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QThread>
#include <QTimer>

#include <memory>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace vanopticon::ctl {

namespace {

constexpr int kRequestTimeoutMs = 10'000;

QByteArray waitForReply(QNetworkReply &reply) {
    QEventLoop loop;
    QObject::connect(&reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(kRequestTimeoutMs, &loop, &QEventLoop::quit);
    if (!reply.isFinished())
        loop.exec();
    return reply.readAll();
}

// utime + stime of a /proc/…/stat file, in seconds; -1 when it cannot be read.
double statCpuSeconds(const QString &path) {
    QFile stat(path);
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    // pid (comm) state ppid …: the name may hold spaces, so fields are counted after its ')'.
    const QByteArray line = stat.readAll();
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    constexpr int kUtime = 11; // fields 14 and 15 of proc(5), counted from field 3
    if (fields.size() <= kUtime + 1)
        return -1;
    const double ticks = fields[kUtime].toDouble() + fields[kUtime + 1].toDouble();
    return ticks / double(sysconf(_SC_CLK_TCK));
}

} // namespace

BenchServer::BenchServer(QString dir)
    : m_dir(std::move(dir)) {
}

BenchServer::~BenchServer() {
    stop();
}

Result<void> BenchServer::start() {
    const QString daemon = QCoreApplication::applicationDirPath() + u"/vanopticond"_s;
    if (!QFile::exists(daemon))
        return makeError("vanopticond is not next to vanopticonctl");
    QFile config(m_dir + u"/server.yaml"_s);
    if (!config.open(QIODevice::WriteOnly) || config.write("server:\n  listen: 127.0.0.1:0\n") < 0)
        return makeError("cannot write the server's configuration in " + m_dir.toStdString());
    config.close();
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"VANOPTICON_ADMIN_PASSWORD"_s, u"bench-password"_s);
    m_process.setProcessEnvironment(environment);
    const QString log = m_dir + u"/server.log"_s;
    m_process.setStandardOutputFile(log, QIODevice::Append);
    m_process.setStandardErrorFile(log, QIODevice::Append);
    m_process.start(daemon, {u"--config"_s, config.fileName(), u"--data-dir"_s, m_dir + u"/server"_s});
    QString banner;
    if (!waitForLogLine(m_process, log, u"listening on"_s, banner, 15'000))
        return makeError("the server did not start (its log: " + log.toStdString() + ")");
    m_port = QRegularExpression(u"127\\.0\\.0\\.1:(\\d+)"_s).match(banner).captured(1);
    m_token = request("POST", u"/api/v1/auth/login"_s,
        QJsonObject {{u"username"_s, u"admin"_s}, {u"password"_s, u"bench-password"_s}})
                  .value(u"token"_s)
                  .toString();
    if (m_port.isEmpty() || m_token.isEmpty())
        return makeError("could not log in to the server");
    return {};
}

void BenchServer::stop() {
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(10'000))
        m_process.kill();
}

QString BenchServer::enrollmentToken() {
    return request("POST", u"/api/v1/enrollment-tokens"_s).value(u"token"_s).toString();
}

QJsonObject BenchServer::get(const QString &path) {
    return request("GET", path);
}

QByteArray BenchServer::metrics() {
    std::unique_ptr<QNetworkReply> reply(
        m_network.get(QNetworkRequest(QUrl(u"http://127.0.0.1:"_s + m_port + u"/metrics"_s))));
    return waitForReply(*reply);
}

double BenchServer::cpuSeconds() const {
    return pid() > 0 ? statCpuSeconds(u"/proc/%1/stat"_s.arg(pid())) : -1;
}

double BenchServer::mainThreadCpuSeconds() const {
    return pid() > 0 ? statCpuSeconds(u"/proc/%1/task/%1/stat"_s.arg(pid())) : -1;
}

QJsonObject BenchServer::request(const QByteArray &verb, const QString &path, const QJsonObject &body) {
    QNetworkRequest req(QUrl(u"http://127.0.0.1:"_s + m_port + path));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    if (!m_token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + m_token.toLatin1());
    std::unique_ptr<QNetworkReply> reply(m_network.sendCustomRequest(req, verb, QJsonDocument(body).toJson()));
    return QJsonDocument::fromJson(waitForReply(*reply)).object();
}

bool waitForLogLine(
    const QProcess &process, const QString &logFile, const QString &text, QString &contents, int timeoutMs) {
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        QFile file(logFile);
        if (file.open(QIODevice::ReadOnly))
            contents = QString::fromUtf8(file.readAll());
        if (contents.contains(text))
            return true;
        if (process.state() == QProcess::NotRunning)
            return false;
        QThread::msleep(50);
    }
    return false;
}

double metricValue(const QByteArray &metrics, const QString &name) {
    const QRegularExpression sample(
        u"^"_s + QRegularExpression::escape(name) + u" (\\S+)$"_s, QRegularExpression::MultilineOption);
    return sample.match(QString::fromUtf8(metrics)).captured(1).toDouble();
}

double residentMb(qint64 pid) {
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return -1;
}

} // namespace vanopticon::ctl
