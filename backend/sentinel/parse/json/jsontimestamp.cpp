// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/json/jsontimestamp.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace vanopticon::sentinel {

namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// Reads exactly `count` digits at text[pos].
std::optional<int> readDigits(std::string_view text, std::size_t pos, std::size_t count) {
    if (pos + count > text.size())
        return std::nullopt;
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (!isDigit(text[i]))
            return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

bool isLeapYear(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysInMonth(int year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && isLeapYear(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t daysFromCivil(int year, int month, int day) {
    year -= month <= 2 ? 1 : 0;
    const int era = (year >= 0 ? year : year - 399) / 400;
    const int yearOfEra = year - era * 400;
    const int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return static_cast<std::int64_t>(era) * 146097 + dayOfEra - 719468;
}

std::optional<std::int64_t> parseRfc3339(std::string_view text, std::int32_t utcOffsetSeconds) {
    // YYYY-MM-DD[T ]hh:mm:ss
    const auto year = readDigits(text, 0, 4);
    const auto month = readDigits(text, 5, 2);
    const auto day = readDigits(text, 8, 2);
    const auto hour = readDigits(text, 11, 2);
    const auto minute = readDigits(text, 14, 2);
    const auto second = readDigits(text, 17, 2);
    if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-'
        || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' || text[16] != ':')
        return std::nullopt;
    if (*month < 1 || *month > 12 || *day < 1 || *day > daysInMonth(*year, *month) || *hour > 23 || *minute > 59
        || *second > 60)
        return std::nullopt;

    std::size_t pos = 19;
    std::int64_t fractionNs = 0;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
        ++pos;
        const std::size_t start = pos;
        std::int64_t scale = kNsPerSecond / 10;
        while (pos < text.size() && isDigit(text[pos])) {
            fractionNs += (text[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start)
            return std::nullopt;
    }

    std::int64_t offsetSeconds = utcOffsetSeconds;
    if (pos == text.size()) {
        // no zone: the writer's local time
    } else if ((text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) {
        offsetSeconds = 0;
    } else if (text[pos] == '+' || text[pos] == '-') {
        const int sign = text[pos] == '-' ? -1 : 1;
        const std::string_view zone = text.substr(pos + 1);
        std::optional<int> zoneHours = readDigits(zone, 0, 2);
        std::optional<int> zoneMinutes = 0;
        if (zone.size() == 5 && zone[2] == ':')
            zoneMinutes = readDigits(zone, 3, 2);
        else if (zone.size() == 4)
            zoneMinutes = readDigits(zone, 2, 2);
        else if (zone.size() != 2)
            return std::nullopt;
        if (!zoneHours || !zoneMinutes || *zoneHours > 23 || *zoneMinutes > 59)
            return std::nullopt;
        offsetSeconds = sign * (*zoneHours * 3600 + *zoneMinutes * 60);
    } else {
        return std::nullopt;
    }

    const std::int64_t seconds
        = daysFromCivil(*year, *month, *day) * 86400 + *hour * 3600 + *minute * 60 + *second - offsetSeconds;
    // int64 nanoseconds span 1677 to 2262; times outside cannot be represented.
    constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / kNsPerSecond - 1;
    if (seconds < -kMaxSeconds || seconds > kMaxSeconds)
        return std::nullopt;
    return seconds * kNsPerSecond + fractionNs;
}

std::optional<std::int64_t> parseEpoch(std::string_view text) {
    // Integers exactly; anything with a fraction or exponent through double (seconds only need µs).
    std::int64_t integer = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), integer);
    if (error == std::errc() && end == text.data() + text.size()) {
        // Each unit's band covers 2001-09-09 to 2255-03-14, which fits int64 nanoseconds.
        if (integer >= 1'000'000'000 && integer <= 9'000'000'000)
            return integer * kNsPerSecond;
        if (integer >= 1'000'000'000'000 && integer <= 9'000'000'000'000)
            return integer * 1'000'000;
        if (integer >= 1'000'000'000'000'000 && integer <= 9'000'000'000'000'000)
            return integer * 1'000;
        if (integer >= 1'000'000'000'000'000'000)
            return integer;
        return std::nullopt;
    }
    double real = 0;
    const auto [realEnd, realError] = std::from_chars(text.data(), text.data() + text.size(), real);
    if (realError != std::errc() || realEnd != text.data() + text.size() || !std::isfinite(real))
        return std::nullopt;
    if (real >= 1e9 && real <= 9e9)
        return static_cast<std::int64_t>(std::llround(real * 1e6)) * 1'000;
    if (real >= 1e12 && real <= 9e12)
        return static_cast<std::int64_t>(std::llround(real * 1e3)) * 1'000;
    return std::nullopt;
}

} // namespace

std::optional<std::int64_t> parseJsonTimestamp(std::string_view text, std::int32_t utcOffsetSeconds) {
    if (text.empty() || text.size() > 40)
        return std::nullopt;
    if (text.size() >= 19 && text[4] == '-')
        return parseRfc3339(text, utcOffsetSeconds);
    return parseEpoch(text);
}

} // namespace vanopticon::sentinel
