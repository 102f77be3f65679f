// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/rfc5424/rfc5424.h"

#include <chrono>

namespace vanopticon::sentinel {

namespace {

// RFC 5424 section 6: the header fields' bounds, and SD-NAME's.
constexpr std::size_t kMaxHostnameBytes = 255;
constexpr std::size_t kMaxAppNameBytes = 48;
constexpr std::size_t kMaxProcIdBytes = 128;
constexpr std::size_t kMaxMsgIdBytes = 32;
constexpr std::size_t kMaxSdNameBytes = 32;
constexpr std::size_t kMaxFractionDigits = 6;
// Nanoseconds since 1970 in an int64 reach 2262 (as for RFC 3164).
constexpr int kMinYear = 1970;
constexpr int kMaxYear = 2200;
constexpr std::int64_t kNsPerSecond = 1'000'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

constexpr std::string_view kEmpty = "empty message";
constexpr std::string_view kBadPri = "malformed PRI (expected <0> to <191>)";
constexpr std::string_view kPriRange = "PRI out of range (0 to 191)";
constexpr std::string_view kBadVersion = "malformed VERSION (expected 1 to 999 and a space after PRI)";
constexpr std::string_view kBadTimestamp = "malformed TIMESTAMP (expected - or RFC 3339 like 2026-11-23T10:15:30.123Z)";
constexpr std::string_view kNoSuchDate = "TIMESTAMP names a date that does not exist";
constexpr std::string_view kYearRange = "TIMESTAMP year out of range (1970 to 2200)";
constexpr std::string_view kBadHostname = "malformed HOSTNAME (- or 1 to 255 printable US-ASCII bytes, then a space)";
constexpr std::string_view kBadAppName = "malformed APP-NAME (- or 1 to 48 printable US-ASCII bytes, then a space)";
constexpr std::string_view kBadProcId = "malformed PROCID (- or 1 to 128 printable US-ASCII bytes, then a space)";
constexpr std::string_view kBadMsgId = "malformed MSGID (- or 1 to 32 printable US-ASCII bytes, then a space)";
constexpr std::string_view kBadSd = "malformed STRUCTURED-DATA (expected - or [id name=\"value\" …])";
constexpr std::string_view kBadSdId = "malformed SD-ID (1 to 32 printable US-ASCII bytes but = ] \" and space)";
constexpr std::string_view kBadParam = "malformed SD-PARAM (expected name=\"value\")";
constexpr std::string_view kBadParamValue = "malformed PARAM-VALUE (\" \\ and ] must be escaped as \\\" \\\\ and \\])";
constexpr std::string_view kUnterminated = "unterminated STRUCTURED-DATA";
constexpr std::string_view kDuplicateSdId = "duplicate SD-ID";
constexpr std::string_view kTooManyElements = "too many SD elements (32 at most)";
constexpr std::string_view kNoSpaceBeforeMsg = "expected a space between STRUCTURED-DATA and MSG";

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// PRINTUSASCII: %d33-126.
bool isPrintable(char c) {
    return c >= 33 && c <= 126;
}

bool isSdNameChar(char c) {
    return isPrintable(c) && c != '=' && c != ']' && c != '"';
}

// Exactly `count` digits at `pos`.
bool readDigits(std::string_view text, std::size_t &pos, std::size_t count, int &value) {
    if (text.size() - pos < count)
        return false;
    value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[pos + i];
        if (!isDigit(c))
            return false;
        value = value * 10 + (c - '0');
    }
    pos += count;
    return true;
}

bool expect(std::string_view text, std::size_t &pos, char c) {
    if (pos >= text.size() || text[pos] != c)
        return false;
    ++pos;
    return true;
}

// A header field: "-" (NILVALUE, an empty view) or 1 to maxBytes printable bytes; then a space.
bool readHeaderField(std::string_view line, std::size_t &pos, std::size_t maxBytes, std::string_view &out) {
    const std::size_t start = pos;
    std::size_t end = start;
    while (end < line.size() && isPrintable(line[end]) && end - start <= maxBytes)
        ++end;
    const std::size_t length = end - start;
    if (length == 0 || length > maxBytes || end >= line.size() || line[end] != ' ')
        return false;
    out = (length == 1 && line[start] == '-') ? line.substr(start, 0) : line.substr(start, length);
    pos = end + 1;
    return true;
}

// An SD-NAME (SD-ID or PARAM-NAME).
bool readSdName(std::string_view line, std::size_t &pos, std::string_view &out) {
    const std::size_t start = pos;
    while (pos < line.size() && isSdNameChar(line[pos]) && pos - start <= kMaxSdNameBytes)
        ++pos;
    const std::size_t length = pos - start;
    if (length == 0 || length > kMaxSdNameBytes)
        return false;
    out = line.substr(start, length);
    return true;
}

// "YYYY-MM-DDThh:mm:ss[.f{1,6}](Z|±hh:mm)"; the empty view when it reads.
std::string_view readTimestamp(std::string_view line, std::size_t &pos, Rfc5424Message &out) {
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (!readDigits(line, pos, 4, year) || !expect(line, pos, '-') || !readDigits(line, pos, 2, month)
        || !expect(line, pos, '-') || !readDigits(line, pos, 2, day) || !expect(line, pos, 'T')
        || !readDigits(line, pos, 2, hour) || !expect(line, pos, ':') || !readDigits(line, pos, 2, minute)
        || !expect(line, pos, ':') || !readDigits(line, pos, 2, second))
        return kBadTimestamp;
    // RFC 5424 6.2.3: no leap seconds.
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59)
        return kBadTimestamp;

    std::int64_t fractionNs = 0;
    if (pos < line.size() && line[pos] == '.') {
        ++pos;
        std::size_t digits = 0;
        while (pos < line.size() && isDigit(line[pos])) {
            if (++digits > kMaxFractionDigits)
                return kBadTimestamp;
            fractionNs = fractionNs * 10 + (line[pos] - '0');
            ++pos;
        }
        if (digits == 0)
            return kBadTimestamp;
        for (std::size_t i = digits; i < 9; ++i)
            fractionNs *= 10;
    }

    std::int64_t offset = 0;
    if (pos < line.size() && line[pos] == 'Z') {
        ++pos;
    } else if (pos < line.size() && (line[pos] == '+' || line[pos] == '-')) {
        const bool east = line[pos] == '+';
        ++pos;
        int offsetHours = 0;
        int offsetMinutes = 0;
        if (!readDigits(line, pos, 2, offsetHours) || !expect(line, pos, ':')
            || !readDigits(line, pos, 2, offsetMinutes) || offsetHours > 23 || offsetMinutes > 59)
            return kBadTimestamp;
        offset = (std::int64_t {offsetHours} * 3600 + std::int64_t {offsetMinutes} * 60) * (east ? 1 : -1);
    } else {
        return kBadTimestamp;
    }

    const std::chrono::year_month_day date {
        std::chrono::year {year}, std::chrono::month {unsigned(month)}, std::chrono::day {unsigned(day)}};
    if (!date.ok())
        return kNoSuchDate;
    if (year < kMinYear || year > kMaxYear)
        return kYearRange;
    const std::int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
    const std::int64_t local = days * kSecondsPerDay + std::int64_t {hour} * 3600 + std::int64_t {minute} * 60 + second;
    out.timestampNs = (local - offset) * kNsPerSecond + fractionNs;
    out.hasTimestamp = true;
    out.utcOffsetSeconds = static_cast<std::int32_t>(offset);
    return {};
}

// The characters between a param's quotes; `pos` is just after the opening quote and ends just
// after the closing one.
std::string_view readParamValue(std::string_view line, std::size_t &pos, Rfc5424Param &param) {
    const std::size_t start = pos;
    while (pos < line.size()) {
        const char c = line[pos];
        if (c == '"') {
            param.value = line.substr(start, pos - start);
            ++pos;
            return {};
        }
        if (c == ']')
            return kBadParamValue;
        if (c == '\\') {
            if (pos + 1 >= line.size())
                return kUnterminated;
            const char next = line[pos + 1];
            if (next != '"' && next != '\\' && next != ']')
                return kBadParamValue;
            param.escaped = true;
            ++pos;
        }
        ++pos;
    }
    return kUnterminated;
}

// `[id name="value" …]…`, at least one element.
std::string_view readStructuredData(std::string_view line, std::size_t &pos, Rfc5424Message &out) {
    const std::size_t start = pos;
    while (pos < line.size() && line[pos] == '[') {
        if (out.elementCount == Rfc5424Message::kMaxElements)
            return kTooManyElements;
        ++pos;
        Rfc5424Element element;
        if (!readSdName(line, pos, element.id))
            return kBadSdId;
        for (std::size_t i = 0; i < out.elementCount; ++i) {
            if (out.elements[i].id == element.id)
                return kDuplicateSdId;
        }
        element.firstParam = static_cast<std::uint16_t>(out.paramCount);
        for (;;) {
            if (pos >= line.size())
                return kUnterminated;
            if (line[pos] == ']') {
                ++pos;
                break;
            }
            if (line[pos] != ' ')
                return kBadParam;
            ++pos;
            Rfc5424Param param;
            if (!readSdName(line, pos, param.name) || !expect(line, pos, '='))
                return kBadParam;
            while (pos < line.size() && line[pos] == ' ')
                ++pos;
            if (!expect(line, pos, '"'))
                return kBadParam;
            if (const std::string_view failure = readParamValue(line, pos, param); !failure.empty())
                return failure;
            if (out.paramCount < Rfc5424Message::kMaxParams) {
                out.params[out.paramCount++] = param;
                ++element.paramCount;
            } else {
                ++out.paramsOmitted;
            }
        }
        out.elements[out.elementCount++] = element;
    }
    if (pos == start)
        return kBadSd;
    out.structuredData = line.substr(start, pos - start);
    return {};
}

} // namespace

ParseOutcome parseRfc5424(std::string_view line, Rfc5424Message &out) {
    out.priority = out.facility = out.severity = out.version = 0;
    out.timestampNs = 0;
    out.hasTimestamp = false;
    out.utcOffsetSeconds = 0;
    out.hostname = out.appName = out.procId = out.msgId = out.structuredData = out.message = line.substr(0, 0);
    out.elementCount = out.paramCount = out.paramsOmitted = 0;
    out.hasBom = false;
    if (line.empty())
        return {kEmpty};

    // PRI: 1 to 3 digits, no leading zero but in "<0>".
    std::size_t pos = 0;
    if (!expect(line, pos, '<'))
        return {kBadPri};
    const std::size_t priStart = pos;
    int priority = 0;
    while (pos < line.size() && isDigit(line[pos]) && pos - priStart < 4) {
        priority = priority * 10 + (line[pos] - '0');
        ++pos;
    }
    const std::size_t priDigits = pos - priStart;
    if (priDigits == 0 || priDigits > 3 || (priDigits > 1 && line[priStart] == '0') || !expect(line, pos, '>'))
        return {kBadPri};
    if (priority > 191)
        return {kPriRange};
    out.priority = priority;
    out.facility = priority / 8;
    out.severity = priority % 8;

    // VERSION: NONZERO-DIGIT 0*2DIGIT.
    const std::size_t versionStart = pos;
    int version = 0;
    while (pos < line.size() && isDigit(line[pos]) && pos - versionStart < 4) {
        version = version * 10 + (line[pos] - '0');
        ++pos;
    }
    const std::size_t versionDigits = pos - versionStart;
    if (versionDigits == 0 || versionDigits > 3 || line[versionStart] == '0' || !expect(line, pos, ' '))
        return {kBadVersion};
    out.version = version;

    if (pos < line.size() && line[pos] == '-') {
        ++pos;
    } else if (const std::string_view failure = readTimestamp(line, pos, out); !failure.empty()) {
        return {failure};
    }
    if (!expect(line, pos, ' '))
        return {kBadTimestamp};

    if (!readHeaderField(line, pos, kMaxHostnameBytes, out.hostname))
        return {kBadHostname};
    if (!readHeaderField(line, pos, kMaxAppNameBytes, out.appName))
        return {kBadAppName};
    if (!readHeaderField(line, pos, kMaxProcIdBytes, out.procId))
        return {kBadProcId};
    if (!readHeaderField(line, pos, kMaxMsgIdBytes, out.msgId))
        return {kBadMsgId};

    if (pos < line.size() && line[pos] == '-') {
        ++pos;
        out.structuredData = line.substr(pos, 0);
    } else if (const std::string_view failure = readStructuredData(line, pos, out); !failure.empty()) {
        return {failure};
    }

    if (pos == line.size()) {
        out.message = line.substr(pos, 0);
        return {};
    }
    if (line[pos] != ' ')
        return {kNoSpaceBeforeMsg};
    std::string_view message = line.substr(pos + 1);
    if (message.starts_with(kBom)) {
        message.remove_prefix(kBom.size());
        out.hasBom = true;
    }
    out.message = message;
    return {};
}

bool isRfc5424Header(std::string_view line) {
    std::size_t pos = 0;
    if (!expect(line, pos, '<'))
        return false;
    const std::size_t start = pos;
    while (pos < line.size() && isDigit(line[pos]) && pos - start < 3)
        ++pos;
    return pos > start && line.substr(pos).starts_with(">1 ");
}

std::string_view unescapeParamValue(std::string_view value, std::span<char> buffer) {
    std::size_t written = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        char c = value[i];
        if (c == '\\' && i + 1 < value.size()) {
            const char next = value[i + 1];
            if (next == '"' || next == '\\' || next == ']') {
                c = next;
                ++i;
            }
        }
        if (written == buffer.size()) {
            // Cut before the character `c` continues, not inside it.
            if ((static_cast<unsigned char>(c) & 0xC0) == 0x80) {
                while (written > 0 && (static_cast<unsigned char>(buffer[written - 1]) & 0xC0) == 0x80)
                    --written;
                if (written > 0 && (static_cast<unsigned char>(buffer[written - 1]) & 0xC0) == 0xC0)
                    --written;
            }
            break;
        }
        buffer[written++] = c;
    }
    return {buffer.data(), written};
}

} // namespace vanopticon::sentinel
