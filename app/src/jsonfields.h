// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringView>

#include <optional>

// Reading fields of the server's JSON defensively: wrong types give the fallback, text is bounded
// so a hostile or broken server cannot make the console hold or lay out megabytes per row.
namespace vanopticon::console::json {

inline constexpr qsizetype kMaxText = 4096;

// A string field, truncated to maxLength characters; "" when absent or not a string.
QString text(const QJsonObject &object, QStringView key, qsizetype maxLength = kMaxText);

// A non-negative integer id (JSON numbers are doubles: it must be integral and exact).
std::optional<qint64> id(const QJsonObject &object, QStringView key);

// An integer field, fallback when absent, not a number or not integral.
qint64 integer(const QJsonObject &object, QStringView key, qint64 fallback = 0);

// An RFC 3339 timestamp in UTC; an invalid QDateTime when absent or malformed.
QDateTime timestamp(const QJsonObject &object, QStringView key);

} // namespace vanopticon::console::json
