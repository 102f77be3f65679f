// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/keyvalue/devicetime.h"

#include <array>
#include <chrono>

namespace vanopticon::sentinel {

namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;
// Nanoseconds since 1970 in an int64 reach 2262.
constexpr int kMinYear = 1970;
constexpr int kMaxYear = 2200;
constexpr std::size_t kMaxPatternBytes = 64;
constexpr std::size_t kMaxTimeBytes = 64;
constexpr std::int32_t kMaxOffsetSeconds = 18 * 3600;

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

bool isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

// A date and time as written, before the zone and the missing year are applied.
struct Civil {
    int year = -1; // -1: not written
    unsigned month = 0;
    unsigned day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int hour12 = -1; // h/K patterns: 0 … 11, the half of the day from `pm`
    bool pm = false;
    std::int64_t fractionNs = 0;
    std::optional<std::int32_t> offsetSeconds;
};

std::optional<std::int64_t> civilSeconds(int year, unsigned month, unsigned day, int hour, int minute, int second) {
    const std::chrono::year_month_day date {
        std::chrono::year {year}, std::chrono::month {month}, std::chrono::day {day}};
    if (!date.ok())
        return std::nullopt;
    const std::int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
    return days * kSecondsPerDay + std::int64_t {hour} * 3600 + std::int64_t {minute} * 60 + second;
}

int yearOf(std::int64_t seconds) {
    const std::chrono::sys_days day {
        std::chrono::days {seconds >= 0 ? seconds / kSecondsPerDay : (seconds - kSecondsPerDay + 1) / kSecondsPerDay}};
    return static_cast<int>(std::chrono::year_month_day(day).year());
}

std::optional<std::int64_t> toUtcNs(Civil civil, const SyslogContext &context) {
    if (civil.hour12 >= 0)
        civil.hour = civil.hour12 + (civil.pm ? 12 : 0);
    if (civil.month < 1 || civil.month > 12 || civil.day < 1 || civil.day > 31 || civil.hour < 0 || civil.hour > 23
        || civil.minute < 0 || civil.minute > 59 || civil.second < 0 || civil.second > 60)
        return std::nullopt;
    const std::int64_t offset = civil.offsetSeconds.value_or(context.utcOffsetSeconds);
    std::optional<std::int64_t> local;
    if (civil.year >= 0) {
        if (civil.year < kMinYear || civil.year > kMaxYear)
            return std::nullopt;
        local = civilSeconds(civil.year, civil.month, civil.day, civil.hour, civil.minute, civil.second);
    } else {
        // As for BSD syslog: the latest year that puts the time at most a day ahead of now.
        const std::int64_t localNow = context.nowNs / kNsPerSecond + offset;
        const int nowYear = yearOf(localNow);
        for (int candidate = nowYear + 1; candidate >= nowYear - 8 && !local; --candidate) {
            const auto seconds
                = civilSeconds(candidate, civil.month, civil.day, civil.hour, civil.minute, civil.second);
            if (seconds && *seconds <= localNow + kSecondsPerDay)
                local = seconds;
        }
    }
    if (!local)
        return std::nullopt;
    const std::int64_t utc = *local - offset;
    if (utc < 0)
        return std::nullopt;
    return utc * kNsPerSecond + civil.fractionNs;
}

// A cursor over the time text.
class Reader {
public:
    explicit Reader(std::string_view text)
        : m_text(text) { }

    bool atEnd() const { return m_pos == m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text[m_pos]; }

    bool literal(char c) {
        if (atEnd() || m_text[m_pos] != c)
            return false;
        ++m_pos;
        return true;
    }

    // minDigits to maxDigits digits (greedy).
    bool number(std::size_t minDigits, std::size_t maxDigits, int &value) {
        std::size_t digits = 0;
        value = 0;
        while (!atEnd() && isDigit(m_text[m_pos]) && digits < maxDigits) {
            value = value * 10 + (m_text[m_pos] - '0');
            ++m_pos;
            ++digits;
        }
        return digits >= minDigits;
    }

    // Digits of a fraction of a second: the first nine count, the rest are read and ignored.
    bool fraction(std::size_t minDigits, std::size_t maxDigits, std::int64_t &ns) {
        ns = 0;
        std::size_t digits = 0;
        while (!atEnd() && isDigit(m_text[m_pos]) && digits < maxDigits) {
            if (digits < 9)
                ns = ns * 10 + (m_text[m_pos] - '0');
            ++m_pos;
            ++digits;
        }
        for (std::size_t i = digits; i < 9; ++i)
            ns *= 10;
        return digits >= minDigits;
    }

    std::string_view letters(std::size_t maxLetters) {
        const std::size_t start = m_pos;
        while (!atEnd() && isAlpha(m_text[m_pos]) && m_pos - start < maxLetters)
            ++m_pos;
        return m_text.substr(start, m_pos - start);
    }

    // "+hh:mm", "+hhmm", "+hh" (when minutes are optional); '-' as well.
    bool numericOffset(bool minutesOptional, std::optional<std::int32_t> &offset) {
        const char sign = peek();
        if (sign != '+' && sign != '-')
            return false;
        ++m_pos;
        int hours = 0;
        int minutes = 0;
        if (!number(2, 2, hours))
            return false;
        if (literal(':')) {
            if (!number(2, 2, minutes))
                return false;
        } else if (isDigit(peek())) {
            if (!number(2, 2, minutes))
                return false;
        } else if (!minutesOptional) {
            return false;
        }
        if (minutes > 59)
            return false;
        const std::int32_t seconds = hours * 3600 + minutes * 60;
        if (seconds > kMaxOffsetSeconds)
            return false;
        offset = sign == '-' ? -seconds : seconds;
        return true;
    }

    // "Z", "GMT", "UTC", "UT", those followed by an offset ("GMT+01:00"), or an offset.
    bool zone(std::optional<std::int32_t> &offset) {
        if (literal('Z')) {
            offset = 0;
            return true;
        }
        if (peek() == '+' || peek() == '-')
            return numericOffset(true, offset);
        const std::string_view name = letters(3);
        if (name != "GMT" && name != "UTC" && name != "UT")
            return false;
        offset = 0;
        if (peek() == '+' || peek() == '-')
            return numericOffset(true, offset);
        return true;
    }

private:
    std::string_view m_text;
    std::size_t m_pos = 0;
};

unsigned monthFromName(std::string_view name) {
    static constexpr std::array<std::string_view, 12> kMonths = {"january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december"};
    for (unsigned i = 0; i < kMonths.size(); ++i) {
        if (equalsIgnoringCase(name, kMonths[i].substr(0, 3)) || equalsIgnoringCase(name, kMonths[i]))
            return i + 1;
    }
    return 0;
}

// Pattern letters that read digits: one of them right after another means fixed widths.
bool isNumberLetter(char c) {
    return c == 'y' || c == 'M' || c == 'd' || c == 'H' || c == 'k' || c == 'h' || c == 'K' || c == 'm' || c == 's'
        || c == 'S';
}

} // namespace

std::optional<std::int64_t> parseEpochMilliseconds(std::string_view text) {
    if (text.empty() || text.size() > 15)
        return std::nullopt;
    std::int64_t ms = 0;
    for (const char c : text) {
        if (!isDigit(c))
            return std::nullopt;
        ms = ms * 10 + (c - '0');
    }
    // Fifteen digits of milliseconds would overflow nanoseconds.
    if (ms / 1000 > kMaxDeviceTimeSeconds)
        return std::nullopt;
    return ms * 1'000'000;
}

std::optional<std::int64_t> parseDeviceTime(std::string_view text, const SyslogContext &context) {
    if (text.empty() || text.size() > kMaxTimeBytes)
        return std::nullopt;
    if (isDigit(text.front()))
        return parseEpochMilliseconds(text);

    Reader in(text);
    Civil civil;
    civil.month = monthFromName(in.letters(3));
    int day = 0;
    if (civil.month == 0 || !in.literal(' ') || !in.number(1, 2, day) || !in.literal(' '))
        return std::nullopt;
    civil.day = static_cast<unsigned>(day);
    int first = 0;
    if (!in.number(1, 4, first))
        return std::nullopt;
    if (in.literal(' ')) { // "yyyy HH"
        civil.year = first;
        if (!in.number(1, 2, civil.hour))
            return std::nullopt;
    } else {
        civil.hour = first;
    }
    if (!in.literal(':') || !in.number(2, 2, civil.minute) || !in.literal(':') || !in.number(2, 2, civil.second))
        return std::nullopt;
    if (in.literal('.') && !in.fraction(1, 9, civil.fractionNs))
        return std::nullopt;
    if (in.literal(' ') && !in.zone(civil.offsetSeconds))
        return std::nullopt;
    if (!in.atEnd())
        return std::nullopt;
    return toUtcNs(civil, context);
}

std::optional<std::int64_t> parseJavaTime(
    std::string_view text, std::string_view pattern, const SyslogContext &context) {
    if (pattern.empty() || pattern.size() > kMaxPatternBytes || text.size() > kMaxTimeBytes)
        return std::nullopt;
    Reader in(text);
    Civil civil;
    for (std::size_t i = 0; i < pattern.size();) {
        const char letter = pattern[i];
        if (letter == '\'') {
            if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
                if (!in.literal('\''))
                    return std::nullopt;
                i += 2;
                continue;
            }
            const std::size_t close = pattern.find('\'', i + 1);
            if (close == std::string_view::npos)
                return std::nullopt;
            for (const char c : pattern.substr(i + 1, close - i - 1)) {
                if (!in.literal(c))
                    return std::nullopt;
            }
            i = close + 1;
            continue;
        }
        if (!isAlpha(letter)) {
            if (!in.literal(letter))
                return std::nullopt;
            ++i;
            continue;
        }

        std::size_t count = 1;
        while (i + count < pattern.size() && pattern[i + count] == letter)
            ++count;
        i += count;
        // "yyyyMMddHHmmss": a number directly followed by another has exactly its width.
        const bool fixed = isNumberLetter(letter) && i < pattern.size() && isNumberLetter(pattern[i]);
        const std::size_t minDigits = fixed ? count : 1;
        int value = 0;
        switch (letter) {
        case 'y':
            if (count == 2) {
                if (!in.number(2, 2, value))
                    return std::nullopt;
                civil.year = 2000 + value;
            } else {
                if (!in.number(fixed ? count : 1, fixed ? count : 4, civil.year))
                    return std::nullopt;
            }
            break;
        case 'M':
            if (count >= 3) {
                civil.month = monthFromName(in.letters(9));
                if (civil.month == 0)
                    return std::nullopt;
            } else {
                if (!in.number(minDigits, 2, value))
                    return std::nullopt;
                civil.month = static_cast<unsigned>(value);
            }
            break;
        case 'd':
            if (!in.number(minDigits, 2, value))
                return std::nullopt;
            civil.day = static_cast<unsigned>(value);
            break;
        case 'H':
            if (!in.number(minDigits, 2, civil.hour))
                return std::nullopt;
            break;
        case 'k': // 1 … 24
            if (!in.number(minDigits, 2, value) || value < 1 || value > 24)
                return std::nullopt;
            civil.hour = value % 24;
            break;
        case 'h': // 1 … 12
            if (!in.number(minDigits, 2, value) || value < 1 || value > 12)
                return std::nullopt;
            civil.hour12 = value % 12;
            break;
        case 'K': // 0 … 11
            if (!in.number(minDigits, 2, value) || value > 11)
                return std::nullopt;
            civil.hour12 = value;
            break;
        case 'm':
            if (!in.number(minDigits, 2, civil.minute))
                return std::nullopt;
            break;
        case 's':
            if (!in.number(minDigits, 2, civil.second))
                return std::nullopt;
            break;
        case 'S':
            if (!in.fraction(minDigits, fixed ? count : 9, civil.fractionNs))
                return std::nullopt;
            break;
        case 'a': {
            const std::string_view marker = in.letters(2);
            if (equalsIgnoringCase(marker, "PM"))
                civil.pm = true;
            else if (!equalsIgnoringCase(marker, "AM"))
                return std::nullopt;
            break;
        }
        case 'E':
            if (in.letters(9).empty())
                return std::nullopt;
            break;
        case 'z':
        case 'X':
            if (!in.zone(civil.offsetSeconds))
                return std::nullopt;
            break;
        case 'Z':
            if (!in.numericOffset(false, civil.offsetSeconds))
                return std::nullopt;
            break;
        default:
            return std::nullopt; // a pattern letter not supported: better no time than a wrong one
        }
    }
    if (!in.atEnd() || civil.month == 0 || civil.day == 0)
        return std::nullopt;
    return toUtcNs(civil, context);
}

std::optional<std::int64_t> parseIsoTime(std::string_view text, const SyslogContext &context) {
    if (text.size() > kMaxTimeBytes)
        return std::nullopt;
    Reader in(text);
    Civil civil;
    int month = 0;
    int day = 0;
    if (!in.number(4, 4, civil.year) || !in.literal('-') || !in.number(2, 2, month) || !in.literal('-')
        || !in.number(2, 2, day))
        return std::nullopt;
    civil.month = static_cast<unsigned>(month);
    civil.day = static_cast<unsigned>(day);
    if (!in.literal('T') && !in.literal('t') && !in.literal(' '))
        return std::nullopt;
    if (!in.number(2, 2, civil.hour) || !in.literal(':') || !in.number(2, 2, civil.minute) || !in.literal(':')
        || !in.number(2, 2, civil.second))
        return std::nullopt;
    if ((in.literal('.') || in.literal(',')) && !in.fraction(1, 18, civil.fractionNs))
        return std::nullopt;
    if (!in.atEnd()) {
        if (in.literal('z'))
            civil.offsetSeconds = 0;
        else if (!in.zone(civil.offsetSeconds))
            return std::nullopt;
    }
    if (!in.atEnd())
        return std::nullopt;
    return toUtcNs(civil, context);
}

} // namespace vanopticon::sentinel
