// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/threatintel/stixbundle.h"

#include "sentinel/enrich/threatintel/stixpattern.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <optional>

namespace vanopticon::sentinel {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// STIX timestamps are RFC 3339 in UTC: "2014-05-08T09:00:00.000000Z".
std::optional<std::int64_t> parseTimestampNs(std::string_view text) {
    const auto digits = [&text](std::size_t at, std::size_t count) -> std::optional<int> {
        if (at + count > text.size())
            return std::nullopt;
        int value = 0;
        for (std::size_t i = at; i < at + count; ++i) {
            if (text[i] < '0' || text[i] > '9')
                return std::nullopt;
            value = value * 10 + (text[i] - '0');
        }
        return value;
    };
    const auto year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
    const auto hour = digits(11, 2), minute = digits(14, 2), second = digits(17, 2);
    if (!year || !month || !day || !hour || !minute || !second || text.size() < 20 || text[4] != '-' || text[7] != '-'
        || (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':' || *month < 1 || *month > 12
        || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60)
        return std::nullopt;
    std::size_t pos = 19;
    std::int64_t fraction = 0;
    if (pos < text.size() && text[pos] == '.') {
        std::int64_t scale = 100'000'000;
        for (++pos; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
            fraction += (text[pos] - '0') * scale;
            scale /= 10;
        }
    }
    if (pos + 1 != text.size() || (text[pos] != 'Z' && text[pos] != 'z'))
        return std::nullopt;
    const std::int64_t days = daysFromCivil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
    return ((days * 24 + *hour) * 60 + *minute) * 60'000'000'000LL + *second * 1'000'000'000LL + fraction;
}

std::string text(const QJsonObject &object, QStringView key) {
    return object.value(key).toString().toStdString();
}

void addIndicator(const QJsonObject &object, std::int64_t nowUnixNs, FeedContents &contents) {
    const std::string id = text(object, u"id");
    if (object.value(u"revoked").toBool(false)) {
        ++contents.skipped;
        contents.note(id + ": revoked");
        return;
    }
    if (const QJsonValue until = object.value(u"valid_until"); until.isString()) {
        const auto ns = parseTimestampNs(until.toString().toStdString());
        if (ns && *ns <= nowUnixNs) {
            ++contents.skipped;
            contents.note(id + ": expired (valid_until " + until.toString().toStdString() + ")");
            return;
        }
    }
    const std::string patternType = object.contains(u"pattern_type") ? text(object, u"pattern_type") : "stix";
    if (patternType != "stix") {
        ++contents.skipped;
        contents.note(id + ": pattern_type '" + patternType.substr(0, 40) + "' is not a STIX pattern");
        return;
    }
    const QJsonValue pattern = object.value(u"pattern");
    if (!pattern.isString()) {
        ++contents.skipped;
        contents.note(id + ": no pattern");
        return;
    }
    auto reduced = reduceStixPattern(pattern.toString().toStdString());
    if (!reduced) {
        ++contents.skipped;
        contents.note(id + ": pattern does not parse: " + reduced.error().message);
        return;
    }
    if (reduced->values.empty()) {
        ++contents.unreducible;
        contents.note(id + ": unreducible pattern: " + reduced->reason);
        return;
    }
    if (!reduced->complete) {
        ++contents.partial;
        contents.note(id + ": partly reducible pattern (" + std::to_string(reduced->values.size())
            + " values kept): " + reduced->reason);
    }
    for (Indicator &indicator : reduced->values)
        contents.indicators.push_back(std::move(indicator));
}

} // namespace

Result<FeedContents> parseStixBundle(std::string_view json, std::int64_t nowUnixNs) {
    QJsonParseError error {};
    const QJsonDocument document
        = QJsonDocument::fromJson(QByteArray::fromRawData(json.data(), static_cast<qsizetype>(json.size())), &error);
    if (error.error != QJsonParseError::NoError)
        return makeError(
            "not JSON: " + error.errorString().toStdString() + " at offset " + std::to_string(error.offset));
    QJsonArray objects;
    if (document.isArray()) {
        objects = document.array();
    } else {
        const QJsonObject root = document.object();
        const QString type = root.value(u"type").toString();
        if (type == u"bundle")
            objects = root.value(u"objects").toArray();
        else if (!type.isEmpty() && root.contains(u"id"))
            objects.append(root); // a single STIX object
        else
            return makeError("not a STIX bundle (no \"type\": \"bundle\")");
    }
    FeedContents contents;
    for (const QJsonValue &value : objects) {
        const QJsonObject object = value.toObject();
        if (object.value(u"type").toString() == u"indicator")
            addIndicator(object, nowUnixNs, contents);
    }
    return contents;
}

} // namespace vanopticon::sentinel
