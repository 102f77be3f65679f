// SPDX-License-Identifier: Apache-2.0
#include "jsonfields.h"

#include <QJsonValue>

#include <cmath>

namespace vanopticon::console::json {

namespace {
// Integers above 2^53 are not exactly representable as a JSON (double) number.
constexpr double kMaxExactInteger = 9007199254740992.0;

std::optional<qint64> exactInteger(const QJsonValue &value) {
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (!std::isfinite(number) || std::trunc(number) != number || std::fabs(number) > kMaxExactInteger)
        return std::nullopt;
    return static_cast<qint64>(number);
}
} // namespace

QString text(const QJsonObject &object, QStringView key, qsizetype maxLength) {
    const QJsonValue value = object.value(key);
    if (!value.isString())
        return {};
    QString result = value.toString();
    if (result.size() > maxLength)
        result.truncate(maxLength);
    return result;
}

std::optional<qint64> id(const QJsonObject &object, QStringView key) {
    const auto number = exactInteger(object.value(key));
    if (!number || *number < 0)
        return std::nullopt;
    return number;
}

qint64 integer(const QJsonObject &object, QStringView key, qint64 fallback) {
    return exactInteger(object.value(key)).value_or(fallback);
}

QDateTime timestamp(const QJsonObject &object, QStringView key) {
    const QJsonValue value = object.value(key);
    if (!value.isString())
        return {};
    QDateTime parsed = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    if (!parsed.isValid())
        return {};
    return parsed.toUTC();
}

} // namespace vanopticon::console::json
