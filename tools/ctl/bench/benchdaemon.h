// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QString>
#include <QUrl>

namespace vanopticon::ctl {

// A vanopticond server started for a benchmark: next to vanopticonctl, on an ephemeral loopback
// port, in `dir`, on its embedded defaults (the shipped rules, SQLite), logged in as the admin.
// It logs to a file, not a pipe: a pipe nobody reads fills up and stalls the daemon.
class BenchServer {
public:
    explicit BenchServer(QString dir);
    ~BenchServer(); // stops it

    BenchServer(const BenchServer &) = delete;
    BenchServer &operator=(const BenchServer &) = delete;

    Result<void> start();
    void stop();

    QString port() const { return m_port; }
    qint64 pid() const { return m_process.processId(); }
    // A fresh single-use enrollment token (empty if the server refused).
    QString enrollmentToken();
    // GET on the REST API with the admin's token.
    QJsonObject get(const QString &path);
    // GET /metrics, the Prometheus text.
    QByteArray metrics();
    // The CPU time the server's process has used so far (all threads, user and system), from
    // /proc/PID/stat; -1 when it cannot be read.
    double cpuSeconds() const;
    // Of that, its main thread's: the event loop, which receives, stores and analyses every batch
    // (the other threads: SQLite's WAL checkpointer, Qt's).
    double mainThreadCpuSeconds() const;

private:
    QJsonObject request(const QByteArray &verb, const QString &path, const QJsonObject &body = {});

    QString m_dir;
    QProcess m_process;
    QNetworkAccessManager m_network;
    QString m_port;
    QString m_token;
};

// Waits up to `timeoutMs` for `text` in `logFile` (a daemon's log); `contents` gets what it read.
// False once the process has exited.
bool waitForLogLine(
    const QProcess &process, const QString &logFile, const QString &text, QString &contents, int timeoutMs);

// One sample's value in GET /metrics text (0 when absent); `name` with its labels as the server
// writes them, e.g. vanopticon_ingest_seconds_total{stage="store"}.
double metricValue(const QByteArray &metrics, const QString &name);

// Resident set of a process in MiB, from /proc/PID/status (VmRSS), or -1.
double residentMb(qint64 pid);

} // namespace vanopticon::ctl
