// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QLocale>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QStringList>

// Log lines that can be counted at the other end: sshd failures whose user name is `marker`-N,
// written by a delivery test and looked up again in the server's database.
namespace vanopticon::testsupport {

// Lines `first` … `first + count - 1`, with a random session tag each so that batches do not
// compress to nothing.
inline QByteArray markedAuthLines(int first, int count, const QString &marker) {
    QByteArray lines;
    const QString stamp = QLocale::c().toString(QDateTime::currentDateTime(), QStringLiteral("MMM d HH:mm:ss"));
    QRandomGenerator random {quint32(first)};
    for (int i = first; i < first + count; ++i)
        lines += (stamp
            + QStringLiteral(
                " web-01 sshd[4242]: Failed password for invalid user %1 from 198.51.100.7 port %2 ssh2 [%3]\n")
                  .arg(marker + u'-' + QString::number(i))
                  .arg(40000 + i % 20000)
                  .arg(QString::number(random.generate64(), 16) + QString::number(random.generate64(), 16)))
                     .toUtf8();
    return lines;
}

// `marker`-0 … `marker`-(count - 1): what a test expects stored.
inline QStringList markedUsers(int count, const QString &marker) {
    QStringList users;
    for (int i = 0; i < count; ++i)
        users.append(marker + u'-' + QString::number(i));
    return users;
}

// The user names of the stored events with `marker`, in the order of their sequence numbers,
// read from the server's SQLite database (read-only, while the server runs).
inline QStringList storedMarkedUsers(const QString &databasePath, const QString &marker) {
    QStringList users;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("marked-lines"));
        db.setDatabaseName(databasePath);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
        if (db.open()) {
            QSqlQuery query(db);
            if (query.exec(
                    QStringLiteral("SELECT raw FROM events WHERE raw LIKE '%%1-%' ORDER BY sequence").arg(marker))) {
                static const QRegularExpression user(QStringLiteral("user (\\S+) from"));
                while (query.next())
                    users.append(user.match(query.value(0).toString()).captured(1));
            } else {
                qWarning("%s", qPrintable(query.lastError().text()));
            }
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("marked-lines"));
    return users;
}

} // namespace vanopticon::testsupport
