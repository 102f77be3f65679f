// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QPair>
#include <QProcess>
#include <QString>
#include <QtEndian>

#include <cstdint>

// Real journal files for the tests, written by systemd's own writer: systemd-journal-remote
// (Debian package systemd-journal-remote) reads entries in the journal export format and appends
// them to a journal file. Header-only: the journald tests share it.
namespace vanopticon::testsupport {

inline QString journalRemotePath() {
    for (const char *path : {"/usr/lib/systemd/systemd-journal-remote", "/lib/systemd/systemd-journal-remote"}) {
        if (QFile::exists(QString::fromLatin1(path)))
            return QString::fromLatin1(path);
    }
    return {};
}

using JournalFields = QList<QPair<QByteArray, QByteArray>>;

// One entry in the export format (systemd.io/JOURNAL_EXPORT_FORMAT): "NAME=value\n", or for a
// value that is not plain text "NAME\n", its size as 64-bit little endian, the bytes, "\n".
inline QByteArray exportEntry(std::int64_t realtimeUs, const JournalFields &fields) {
    static std::int64_t monotonic = 1000;
    QByteArray entry = "__REALTIME_TIMESTAMP=" + QByteArray::number(qlonglong(realtimeUs)) + "\n"
        + "__MONOTONIC_TIMESTAMP=" + QByteArray::number(qlonglong(monotonic++)) + "\n"
        + "_BOOT_ID=0123456789abcdef0123456789abcdef\n";
    for (const auto &[name, value] : fields) {
        bool plain = true;
        for (const char c : value)
            plain = plain && (static_cast<unsigned char>(c) >= 0x20 || c == '\t');
        if (plain) {
            entry += name + "=" + value + "\n";
        } else {
            const quint64 size = qToLittleEndian(quint64(value.size()));
            entry += name + "\n" + QByteArray(reinterpret_cast<const char *>(&size), sizeof size) + value + "\n";
        }
    }
    return entry + "\n";
}

// Appends the entries (export format) to the journal file `path` (it must end in ".journal").
// An empty string on success, else what went wrong.
inline QString appendToJournal(const QString &path, const QByteArray &entries) {
    const QString tool = journalRemotePath();
    if (tool.isEmpty())
        return QStringLiteral("systemd-journal-remote is not installed (Debian package systemd-journal-remote)");
    QProcess process;
    process.start(tool, {QStringLiteral("-o"), path, QStringLiteral("-")});
    if (!process.waitForStarted(10000))
        return QStringLiteral("cannot start ") + tool;
    process.write(entries);
    process.closeWriteChannel();
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return tool + QStringLiteral(" failed: ") + QString::fromUtf8(process.readAllStandardError());
    return {};
}

} // namespace vanopticon::testsupport
