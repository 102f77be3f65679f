// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDateTime>
#include <QJsonValue>
#include <QString>

// How stored values appear in the API (docs/API.md): RFC 3339 UTC times with milliseconds.
namespace vanopticon::storage {

inline QString isoTime(qint64 unixMs) {
    return QDateTime::fromMSecsSinceEpoch(unixMs).toUTC().toString(Qt::ISODateWithMs); // "…Z"
}

// A time, or null when it has not happened (0 means "never" in the schema).
inline QJsonValue jsonTime(qint64 unixMs) {
    return unixMs > 0 ? QJsonValue(isoTime(unixMs)) : QJsonValue();
}

inline QJsonValue jsonString(const QString &text) {
    return text.isNull() ? QJsonValue() : QJsonValue(text);
}

inline qint64 nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace vanopticon::storage
