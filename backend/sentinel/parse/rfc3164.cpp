// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/rfc3164.h"

#include <array>
#include <chrono>
#include <optional>

namespace vanopticon::sentinel {

namespace {

// rsyslog's bounds (CONF_HOSTNAME_MAXSIZE - 1, CONF_TAG_MAXSIZE - 2): longer words are not a host
// name, and a longer tag is cut, the rest being message.
constexpr std::size_t kMaxHostnameBytes = 255;
constexpr std::size_t kMaxTagBytes = 510;
// Nanoseconds since 1970 in an int64 reach 2262; a wider range would overflow.
constexpr int kMinYear = 1970;
constexpr int kMaxYear = 2200;
constexpr std::int64_t kNsPerSecond = 1'000'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;

constexpr std::string_view kEmptyLine = "empty line";
constexpr std::string_view kBadPri = "malformed PRI (expected <0> to <191>)";
constexpr std::string_view kPriRange = "PRI out of range (0 to 191)";
constexpr std::string_view kBadBsdTimestamp = "malformed BSD timestamp (expected Mmm dd hh:mm:ss)";
constexpr std::string_view kBadRfc3339 = "malformed RFC 3339 timestamp";
constexpr std::string_view kNoSuchDate = "timestamp names a date that does not exist";
constexpr std::string_view kYearRange = "timestamp year out of range (1970 to 2200)";

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// ASCII only: the C library's isalnum() depends on the locale.
bool isAlnum(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Reads 1 to maxDigits digits at `pos`.
bool readNumber(std::string_view text, std::size_t &pos, std::size_t minDigits, std::size_t maxDigits, int &value) {
    std::size_t digits = 0;
    value = 0;
    while (pos < text.size() && isDigit(text[pos]) && digits < maxDigits) {
        value = value * 10 + (text[pos] - '0');
        ++pos;
        ++digits;
    }
    return digits >= minDigits && !(pos < text.size() && isDigit(text[pos]));
}

bool expect(std::string_view text, std::size_t &pos, char c) {
    if (pos >= text.size() || text[pos] != c)
        return false;
    ++pos;
    return true;
}

// 1..12 for "jan".."dec" in any case, 0 otherwise.
unsigned monthFromName(std::string_view name) {
    static constexpr std::array<std::string_view, 12> kMonths
        = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    if (name.size() != 3)
        return 0;
    const char a = lower(name[0]);
    const char b = lower(name[1]);
    const char c = lower(name[2]);
    for (unsigned i = 0; i < 12; ++i) {
        if (kMonths[i][0] == a && kMonths[i][1] == b && kMonths[i][2] == c)
            return i + 1;
    }
    return 0;
}

// Seconds since the epoch of a civil date and time (in whatever zone they were written), or
// nullopt when the date does not exist (Feb 30, Feb 29 of a common year).
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

// Up to 9 digits after '.' as nanoseconds; further digits are read and ignored.
bool readFraction(std::string_view text, std::size_t &pos, std::int64_t &ns) {
    ns = 0;
    std::size_t digits = 0;
    while (pos < text.size() && isDigit(text[pos])) {
        if (digits < 9)
            ns = ns * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
    }
    for (std::size_t i = digits; i < 9; ++i)
        ns *= 10;
    return digits > 0;
}

enum class Scan { None, Ok, Invalid };

struct ScanResult {
    Scan state = Scan::None;
    std::string_view failure;
};

ScanResult invalid(std::string_view reason) {
    return {Scan::Invalid, reason};
}

// After a timestamp: the end of the line, or one space (consumed).
bool endOfTimestamp(std::string_view text, std::size_t &pos) {
    if (pos == text.size())
        return true;
    return expect(text, pos, ' ');
}

// "Mmm dd hh:mm:ss", "Mmm  d …", "Mmm d …"; rsyslog's extensions: "Mmm dd yyyy hh:mm:ss" (Cisco),
// a fraction after the seconds, a ':' after the time. None when the text does not begin like one.
ScanResult scanBsdTimestamp(std::string_view text, std::size_t &pos, const SyslogContext &context, SyslogMessage &out) {
    std::size_t p = pos;
    if (text.size() - p < 6)
        return {};
    const unsigned month = monthFromName(text.substr(p, 3));
    if (month == 0 || text[p + 3] != ' ')
        return {};
    p += 4;
    if (text[p] == ' ')
        ++p;
    if (p >= text.size() || !isDigit(text[p]))
        return {};

    int day = 0;
    if (!readNumber(text, p, 1, 2, day) || day < 1 || day > 31 || !expect(text, p, ' '))
        return invalid(kBadBsdTimestamp);
    int year = 0;
    int hour = 0;
    const std::size_t numberStart = p;
    if (!readNumber(text, p, 1, 4, hour))
        return invalid(kBadBsdTimestamp);
    if (p - numberStart == 4) {
        year = hour;
        if (!expect(text, p, ' ') || !readNumber(text, p, 1, 2, hour))
            return invalid(kBadBsdTimestamp);
    } else if (p - numberStart > 2) {
        return invalid(kBadBsdTimestamp);
    }
    int minute = 0;
    int second = 0;
    if (hour > 23 || !expect(text, p, ':') || !readNumber(text, p, 2, 2, minute) || minute > 59 || !expect(text, p, ':')
        || !readNumber(text, p, 2, 2, second) || second > 60)
        return invalid(kBadBsdTimestamp);
    std::int64_t fractionNs = 0;
    if (p < text.size() && text[p] == '.') {
        ++p;
        if (!readFraction(text, p, fractionNs))
            return invalid(kBadBsdTimestamp);
    }
    if (p < text.size() && text[p] == ':')
        ++p;
    if (!endOfTimestamp(text, p))
        return invalid(kBadBsdTimestamp);

    const std::int64_t offset = context.utcOffsetSeconds;
    std::optional<std::int64_t> local;
    if (year != 0) {
        if (year < kMinYear || year > kMaxYear)
            return invalid(kYearRange);
        local = civilSeconds(year, month, static_cast<unsigned>(day), hour, minute, second);
    } else {
        // The latest year that puts the line at most a day ahead of now: December lines read in
        // January are last year's, a line a few minutes past midnight on Jan 1 read at 23:59 on
        // Dec 31 (clocks differ) is next year's. Feb 29 looks back to the last leap year.
        const std::int64_t localNow = context.nowNs / kNsPerSecond + offset;
        const int nowYear = yearOf(localNow);
        for (int candidate = nowYear + 1; candidate >= nowYear - 8 && !local; --candidate) {
            const auto seconds = civilSeconds(candidate, month, static_cast<unsigned>(day), hour, minute, second);
            if (seconds && *seconds <= localNow + kSecondsPerDay)
                local = seconds;
        }
    }
    if (!local)
        return invalid(kNoSuchDate);
    out.timestampNs = (*local - offset) * kNsPerSecond + fractionNs;
    out.hasTimestamp = true;
    pos = p;
    return {Scan::Ok, {}};
}

// "2026-11-23T10:15:30.123456+01:00", "…Z", with or without fraction. None when the text does
// not begin with "dddd-dd-ddT".
ScanResult scanRfc3339(std::string_view text, std::size_t &pos, SyslogMessage &out) {
    std::size_t p = pos;
    if (text.size() - p < 11)
        return {};
    for (std::size_t i = 0; i < 10; ++i) {
        const char c = text[p + i];
        if ((i == 4 || i == 7) ? c != '-' : !isDigit(c))
            return {};
    }
    if (text[p + 10] != 'T' && text[p + 10] != 't')
        return {};

    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    readNumber(text, p, 4, 4, year);
    ++p;
    readNumber(text, p, 2, 2, month);
    ++p;
    readNumber(text, p, 2, 2, day);
    ++p;
    if (!readNumber(text, p, 2, 2, hour) || hour > 23 || !expect(text, p, ':') || !readNumber(text, p, 2, 2, minute)
        || minute > 59 || !expect(text, p, ':') || !readNumber(text, p, 2, 2, second) || second > 60)
        return invalid(kBadRfc3339);
    std::int64_t fractionNs = 0;
    if (p < text.size() && text[p] == '.') {
        ++p;
        if (!readFraction(text, p, fractionNs))
            return invalid(kBadRfc3339);
    }
    std::int64_t offset = 0;
    if (p < text.size() && (text[p] == 'Z' || text[p] == 'z')) {
        ++p;
    } else if (p < text.size() && (text[p] == '+' || text[p] == '-')) {
        const bool east = text[p] == '+';
        ++p;
        int offsetHours = 0;
        int offsetMinutes = 0;
        if (!readNumber(text, p, 2, 2, offsetHours) || offsetHours > 23 || !expect(text, p, ':')
            || !readNumber(text, p, 2, 2, offsetMinutes) || offsetMinutes > 59)
            return invalid(kBadRfc3339);
        offset = (std::int64_t {offsetHours} * 3600 + std::int64_t {offsetMinutes} * 60) * (east ? 1 : -1);
    } else {
        return invalid(kBadRfc3339);
    }
    if (!endOfTimestamp(text, p))
        return invalid(kBadRfc3339);
    if (year < kMinYear || year > kMaxYear)
        return invalid(kYearRange);
    if (month < 1 || month > 12)
        return invalid(kBadRfc3339);
    const auto local
        = civilSeconds(year, static_cast<unsigned>(month), static_cast<unsigned>(day), hour, minute, second);
    if (!local)
        return invalid(kNoSuchDate);
    out.timestampNs = (*local - offset) * kNsPerSecond + fractionNs;
    out.hasTimestamp = true;
    pos = p;
    return {Scan::Ok, {}};
}

ScanResult scanTimestamp(std::string_view text, std::size_t &pos, const SyslogContext &context, SyslogMessage &out) {
    const ScanResult rfc3339 = scanRfc3339(text, pos, out);
    if (rfc3339.state != Scan::None)
        return rfc3339;
    return scanBsdTimestamp(text, pos, context, out);
}

bool isHostnameChar(char c, const Rfc3164Options &options) {
    return isAlnum(c) || c == '.' || c == '_' || c == '-' || (c == '@' && options.permitAtSignsInHostname)
        || (c == '/' && options.permitSlashesInHostname);
}

// The first word is a host name only when it could be one: made of host name characters,
// ending in a letter or digit, followed by a space or the end of the line. Otherwise the line
// has no host name and the word is the tag (rsyslog's reading of "Oct 11 22:14:15 su: …").
void readHostname(std::string_view line, std::size_t &pos, SyslogMessage &out, const Rfc3164Options &options) {
    out.hostname = line.substr(pos, 0);
    std::size_t i = pos;
    while (i < line.size() && i - pos < kMaxHostnameBytes && isHostnameChar(line[i], options))
        ++i;
    if (i == pos)
        return;
    if (i == line.size()) {
        out.hostname = line.substr(pos);
        pos = i;
    } else if (line[i] == ' ' && isAlnum(line[i - 1])) {
        out.hostname = line.substr(pos, i - pos);
        pos = i + 1;
    }
}

// The TAG runs to ':' (kept in the tag) or a space (not kept). App name and PID come from it.
void readTag(std::string_view line, std::size_t &pos, SyslogMessage &out, const Rfc3164Options &options) {
    std::size_t i = pos;
    while (i < line.size() && line[i] != ':' && line[i] != ' ' && i - pos < kMaxTagBytes)
        ++i;
    if (i < line.size() && line[i] == ':') {
        out.tag = line.substr(pos, i + 1 - pos);
        pos = i + 1;
    } else if (options.forceTagEndingByColon) {
        out.tag = line.substr(pos, 0);
    } else {
        out.tag = line.substr(pos, i - pos);
        pos = i;
    }

    // "sshd[1234]:" → "sshd", "1234". Slashes stay in the name (rsyslog cuts "postfix/smtpd" to
    // "postfix" by default; the component is worth keeping).
    std::string_view name = out.tag;
    if (!name.empty() && name.back() == ':')
        name.remove_suffix(1);
    const std::size_t bracket = name.find('[');
    if (bracket == std::string_view::npos) {
        out.appName = name;
        out.procId = name.substr(name.size(), 0);
        return;
    }
    out.appName = name.substr(0, bracket);
    std::string_view inner = name.substr(bracket + 1);
    if (!inner.empty() && inner.back() == ']')
        out.procId = inner.substr(0, inner.size() - 1);
    else
        out.procId = inner.substr(inner.size(), 0);
}

} // namespace

ParseOutcome parseRfc3164(
    std::string_view line, const SyslogContext &context, SyslogMessage &out, const Rfc3164Options &options) {
    out = SyslogMessage {};
    out.timestampNs = context.nowNs;
    out.hostname = out.tag = out.appName = out.procId = out.message = line.substr(0, 0);
    if (line.empty())
        return {kEmptyLine};

    std::size_t pos = 0;
    if (line[0] == '<') {
        pos = 1;
        int priority = 0;
        if (!readNumber(line, pos, 1, 3, priority) || !expect(line, pos, '>'))
            return {kBadPri};
        if (priority > 191)
            return {kPriRange};
        out.priority = priority;
        out.facility = priority / 8;
        out.severity = priority % 8;
    }

    ScanResult timestamp = scanTimestamp(line, pos, context, out);
    if (timestamp.state == Scan::None && pos + 1 < line.size() && line[pos] == ' ') {
        // "<38> Mar  7 19:06:53 …": a stray space before the timestamp (HP ProCurve, per rsyslog).
        std::size_t shifted = pos + 1;
        timestamp = scanTimestamp(line, shifted, context, out);
        if (timestamp.state != Scan::None)
            pos = shifted;
    }
    if (timestamp.state == Scan::Invalid)
        return {timestamp.failure};

    if (options.detectHeaderless && out.priority < 0 && !out.hasTimestamp) {
        std::size_t first = 0;
        while (first < line.size() && line[first] == ' ')
            ++first;
        // Text starting with '{' or '[' is structured data (JSON), not a headerless line.
        if (first == line.size() || (line[first] != '{' && line[first] != '[')) {
            out.headerless = true;
            out.message = line;
            return {};
        }
    }

    readHostname(line, pos, out, options);
    readTag(line, pos, out, options);
    if (pos < line.size() && line[pos] == ' ')
        ++pos;
    out.message = line.substr(pos);
    return {};
}

} // namespace vanopticon::sentinel
