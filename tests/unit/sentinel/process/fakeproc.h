// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/event/event.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QString>

#include <cstdint>
#include <string>

// A directory laid out like /proc, for tests that need processes to come and go on cue, and a
// way to look at the events the monitor wrote. Header-only: the process tests share it.
namespace vanopticon::testsupport {

struct FakeProcess {
    int pid = 0;
    int ppid = 0;
    QByteArray comm;
    QByteArray exe; // the target of the exe link; empty: no link (a kernel thread)
    QByteArray cmdline; // raw, NUL-separated
    QByteArray cwd;
    std::uint32_t uid = 0;
    std::uint64_t startTicks = 0;
};

class FakeProc {
public:
    explicit FakeProc(const QString &root)
        : m_root(root) { }

    std::string root() const { return m_root.toStdString(); }

    bool add(const FakeProcess &process) const {
        const QString dir = m_root + u'/' + QString::number(process.pid);
        if (!QDir().mkpath(dir))
            return false;
        // The real layout: "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt
        // majflt cmajflt utime stime cutime cstime priority nice threads itrealvalue starttime …".
        const QByteArray stat = QByteArray::number(process.pid) + " (" + process.comm + ") S "
            + QByteArray::number(process.ppid) + " 1 1 0 -1 4194304 100 0 0 0 3 1 0 0 20 0 1 0 "
            + QByteArray::number(qulonglong(process.startTicks)) + " 8192000 200 18446744073709551615 1 1 0 0 0 0 0\n";
        const QByteArray status = "Name:\t" + process.comm + "\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t"
            + QByteArray::number(process.pid) + "\nPid:\t" + QByteArray::number(process.pid) + "\nPPid:\t"
            + QByteArray::number(process.ppid) + "\nTracerPid:\t0\nUid:\t" + QByteArray::number(process.uid) + "\t0\t"
            + QByteArray::number(process.uid) + "\t" + QByteArray::number(process.uid) + "\nGid:\t0\t0\t0\t0\n";
        if (!write(dir + u"/stat", stat) || !write(dir + u"/status", status)
            || !write(dir + u"/cmdline", process.cmdline))
            return false;
        QFile::remove(dir + u"/exe");
        QFile::remove(dir + u"/cwd");
        if (!process.exe.isEmpty() && !QFile::link(QString::fromUtf8(process.exe), dir + u"/exe"))
            return false;
        if (!process.cwd.isEmpty() && !QFile::link(QString::fromUtf8(process.cwd), dir + u"/cwd"))
            return false;
        return true;
    }

    bool remove(int pid) const { return QDir(m_root + u'/' + QString::number(pid)).removeRecursively(); }

private:
    static bool write(const QString &path, const QByteArray &content) {
        QFile file(path);
        return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
    }

    QString m_root;
};

// The fields of an event by name, for comparisons.
inline QHash<QString, QString> fieldsOf(const Event &event) {
    QHash<QString, QString> fields;
    for (const Field &field : event.fields()) {
        const std::string_view name = fieldName(field.id);
        fields.insert(QString::fromUtf8(name.data(), qsizetype(name.size())),
            QString::fromUtf8(field.value.data(), qsizetype(field.value.size())));
    }
    return fields;
}

} // namespace vanopticon::testsupport
