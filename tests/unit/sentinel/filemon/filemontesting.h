// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/filemon/filechange.h"
#include "sentinel/collect/filemon/fileeventwriter.h"
#include "shared/event/event.h"

#include <QByteArray>
#include <QFile>
#include <QHash>
#include <QString>
#include <QStringList>

#include <vector>

// What the file monitor tests share: a readable form of the changes and events they check.
// Header-only: each test is its own executable.
namespace vanopticon::testsupport {

// "create dir a/b", "modify a/f", "rename a/old -> a/new", "rename -> a/in" (moved in),
// "rename a/out ->" (moved out); paths relative to `root`.
inline QString describe(const sentinel::FileChange &change, const QString &root) {
    const auto relative = [&root](const std::string &path) {
        const QString text = QString::fromStdString(path);
        return text.startsWith(root + u'/') ? text.mid(root.size() + 1) : text;
    };
    const std::string_view type = sentinel::fileEventType(change.kind);
    QString text = QString::fromUtf8(type.substr(5).data(), qsizetype(type.size() - 5));
    if (change.directory)
        text += QStringLiteral(" dir");
    if (change.kind == sentinel::FileChangeKind::Rename) {
        if (!change.oldPath.empty())
            text += u' ' + relative(change.oldPath);
        text += QStringLiteral(" ->");
        if (!change.path.empty())
            text += u' ' + relative(change.path);
    } else {
        text += u' ' + relative(change.path);
    }
    return text;
}

inline QStringList describe(const std::vector<sentinel::FileChange> &changes, const QString &root) {
    QStringList out;
    for (const sentinel::FileChange &change : changes)
        out << describe(change, root);
    return out;
}

// The fields of an event by name.
inline QHash<QString, QString> fieldsOf(const Event &event) {
    QHash<QString, QString> fields;
    for (const Field &field : event.fields()) {
        const std::string_view name = fieldName(field.id);
        fields.insert(QString::fromUtf8(name.data(), qsizetype(name.size())),
            QString::fromUtf8(field.value.data(), qsizetype(field.value.size())));
    }
    return fields;
}

// Creates or replaces a file: open, write, close (inotify: create, then close_write).
inline bool writeFile(const QString &path, const QByteArray &content) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

} // namespace vanopticon::testsupport
