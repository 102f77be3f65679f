// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/match/fieldvalue.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>

namespace vanopticon::analysis::sigma {

namespace {

std::string_view trimSpaces(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

// Exactly `width` decimal digits at `pos`.
std::optional<int> digitsAt(std::string_view text, std::size_t pos, std::size_t width) {
    if (pos + width > text.size())
        return std::nullopt;
    int value = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

struct DateTime {
    std::chrono::year_month_day date;
    std::optional<int> hour, minute;
};

std::optional<DateTime> readDateTime(std::string_view text) {
    text = trimSpaces(text);
    // YYYY-MM-DD (or with '/')
    const auto year = digitsAt(text, 0, 4);
    const auto month = digitsAt(text, 5, 2);
    const auto day = digitsAt(text, 8, 2);
    if (!year || !month || !day || (text[4] != '-' && text[4] != '/') || text[7] != text[4])
        return std::nullopt;
    DateTime result;
    result.date = std::chrono::year_month_day {std::chrono::year {*year},
        std::chrono::month {static_cast<unsigned>(*month)}, std::chrono::day {static_cast<unsigned>(*day)}};
    if (!result.date.ok())
        return std::nullopt;
    if (text.size() == 10)
        return result;
    // [T ]HH:MM, then seconds, fractions and a zone, which no time part needs.
    if (text[10] != 'T' && text[10] != 't' && text[10] != ' ')
        return std::nullopt;
    const auto hour = digitsAt(text, 11, 2);
    const auto minute = digitsAt(text, 14, 2);
    if (!hour || !minute || text[13] != ':' || *hour > 23 || *minute > 59)
        return std::nullopt;
    if (text.size() > 16 && text[16] == ':') {
        const auto second = digitsAt(text, 17, 2);
        if (!second || *second > 60)
            return std::nullopt;
    }
    result.hour = hour;
    result.minute = minute;
    return result;
}

// ISO 8601 week number: weeks start on Monday, week 1 holds the year's first Thursday.
int isoWeek(const std::chrono::year_month_day &date) {
    using namespace std::chrono;
    const sys_days day {date};
    const unsigned isoWeekday = weekday {day}.iso_encoding(); // Monday 1 … Sunday 7
    // The Thursday of this date's week decides the week's year.
    const sys_days thursday = day + days {4 - static_cast<int>(isoWeekday)};
    const year weekYear = year_month_day {thursday}.year();
    const sys_days firstOfYear {weekYear / January / 1};
    return static_cast<int>((thursday - firstOfYear).count() / 7 + 1);
}

} // namespace

std::optional<double> readNumber(std::string_view text) {
    text = trimSpaces(text);
    if (text.empty())
        return std::nullopt;
    const bool negative = text.front() == '-';
    std::string_view digits = negative ? text.substr(1) : text;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        digits.remove_prefix(2);
        std::uint64_t value = 0;
        const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value, 16);
        if (error != std::errc() || end != digits.data() + digits.size())
            return std::nullopt;
        const auto number = static_cast<double>(value);
        return negative ? -number : number;
    }
    std::int64_t integer = 0;
    if (const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), integer);
        error == std::errc() && end == text.data() + text.size())
        return static_cast<double>(integer);
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

std::optional<int> readTimePart(std::string_view text, TimePart part) {
    const auto dateTime = readDateTime(text);
    if (!dateTime)
        return std::nullopt;
    switch (part) {
    case TimePart::Minute:
        return dateTime->minute;
    case TimePart::Hour:
        return dateTime->hour;
    case TimePart::Day:
        return static_cast<int>(static_cast<unsigned>(dateTime->date.day()));
    case TimePart::Week:
        return isoWeek(dateTime->date);
    case TimePart::Month:
        return static_cast<int>(static_cast<unsigned>(dateTime->date.month()));
    case TimePart::Year:
        return static_cast<int>(dateTime->date.year());
    }
    return std::nullopt;
}

} // namespace vanopticon::analysis::sigma
