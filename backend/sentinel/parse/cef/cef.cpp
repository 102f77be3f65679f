// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/cef/cef.h"

#include "shared/core/utf8.h"

#include <array>
#include <cstdint>

namespace vanopticon::sentinel {

namespace {

constexpr std::string_view kPrefix = "CEF:";
constexpr std::size_t kHeaderFields = 6; // after the version

constexpr std::string_view kTooLong = "CEF record too long (more than 64 KiB)";
constexpr std::string_view kNotUtf8 = "CEF record is not valid UTF-8";
constexpr std::string_view kNotCef = "not a CEF record (no \"CEF:\" at the start)";
constexpr std::string_view kBadVersion = "malformed CEF version";
constexpr std::string_view kUnsupportedVersion = "unsupported CEF version";
constexpr std::string_view kShortHeader = "CEF header has fewer than 7 fields";
constexpr std::string_view kHeaderEscape = "invalid escape in CEF header (only \\| and \\\\)";
constexpr std::string_view kNotKeyValue = "CEF extension is not key=value";
constexpr std::string_view kExtensionEscape = "invalid escape in CEF extension (only \\= \\\\ \\n \\r)";
constexpr std::string_view kUnescapedEquals = "unescaped '=' in CEF extension value";

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// Byte classes, looked up once per byte on the hot path.
enum : std::uint8_t {
    kWord = 1, // [A-Za-z0-9_]
    kKeyPart = 2, // Logstash's key tail: any byte but '.', '=', whitespace, '|', '\', '[' and ']'
    kSpace = 4, // separates pairs: ' ', '\t'
    kTrailing = 8, // ignored at the end of the record: ' ', '\t', '\r', '\n'
    kValueStop = 16, // ends a run of plain value bytes: ' ', '\t', '\\', '='
};

constexpr std::array<std::uint8_t, 256> kClasses = [] {
    std::array<std::uint8_t, 256> classes {};
    for (unsigned c = 0; c < 256; ++c) {
        const bool word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        const bool whitespace = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
        std::uint8_t bits = word ? kWord : 0;
        if (!whitespace && c != '.' && c != '=' && c != '|' && c != '\\' && c != '[' && c != ']')
            bits |= kKeyPart;
        if (c == ' ' || c == '\t')
            bits |= kSpace | kValueStop;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            bits |= kTrailing;
        if (c == '\\' || c == '=')
            bits |= kValueStop;
        classes[c] = bits;
    }
    return classes;
}();

bool is(char c, std::uint8_t bits) {
    return (kClasses[static_cast<unsigned char>(c)] & bits) != 0;
}

bool isSpace(char c) {
    return is(c, kSpace);
}

bool isExtensionEscape(char c) {
    return c == '=' || c == '\\' || c == 'n' || c == 'r';
}

// If a key begins at `pos` and is directly followed by '=', the position of that '=';
// npos otherwise.
std::size_t keyEnd(std::string_view text, std::size_t pos, bool strict) {
    std::size_t i = pos;
    if (strict) {
        while (i < text.size() && (is(text[i], kWord) || text[i] == '.'))
            ++i;
    } else {
        // \w+(?:\.[^.=\s|\\\[\]]+)*(?:\[[0-9]+\])?
        while (i < text.size() && is(text[i], kWord))
            ++i;
        if (i == pos)
            return std::string_view::npos;
        while (i < text.size() && text[i] == '.') {
            std::size_t part = i + 1;
            while (part < text.size() && is(text[part], kKeyPart))
                ++part;
            if (part == i + 1)
                return std::string_view::npos;
            i = part;
        }
        if (i < text.size() && text[i] == '[') {
            std::size_t digit = i + 1;
            while (digit < text.size() && isDigit(text[digit]))
                ++digit;
            if (digit == i + 1 || digit >= text.size() || text[digit] != ']')
                return std::string_view::npos;
            i = digit + 1;
        }
    }
    if (i == pos || i >= text.size() || text[i] != '=')
        return std::string_view::npos;
    return i;
}

// One header field from `pos` to the next unescaped '|'; `pos` ends past that '|'.
std::string_view readHeaderField(
    std::string_view record, std::size_t &pos, bool strict, std::string &buffer, std::string_view &value) {
    const std::size_t begin = pos;
    bool escaped = false;
    while (pos < record.size() && record[pos] != '|') {
        if (record[pos] == '\\') {
            if (pos + 1 < record.size() && (record[pos + 1] == '|' || record[pos + 1] == '\\')) {
                escaped = true;
                pos += 2;
                continue;
            }
            if (strict)
                return kHeaderEscape;
        }
        ++pos;
    }
    if (pos >= record.size())
        return kShortHeader;
    const std::string_view raw = record.substr(begin, pos - begin);
    ++pos;
    if (!escaped) {
        value = raw;
        return {};
    }
    // The buffer was reserved for the whole record: appending never moves earlier values.
    const std::size_t start = buffer.size();
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size() && (raw[i + 1] == '|' || raw[i + 1] == '\\'))
            ++i;
        buffer += raw[i];
    }
    value = std::string_view(buffer).substr(start);
    return {};
}

std::string_view unescapeValue(std::string_view raw, std::string &buffer) {
    const std::size_t start = buffer.size();
    while (!raw.empty()) {
        const std::size_t backslash = raw.find('\\');
        buffer.append(raw.substr(0, backslash));
        if (backslash == std::string_view::npos)
            break;
        if (backslash + 1 < raw.size() && isExtensionEscape(raw[backslash + 1])) {
            const char escaped = raw[backslash + 1];
            buffer += escaped == 'n' ? '\n' : escaped == 'r' ? '\r' : escaped;
            raw.remove_prefix(backslash + 2);
        } else {
            buffer += '\\'; // not an escape: kept as written
            raw.remove_prefix(backslash + 1);
        }
    }
    return std::string_view(buffer).substr(start);
}

ParseOutcome readExtensions(std::string_view record, std::size_t pos, bool strict, CefMessage &out) {
    std::size_t end = record.size();
    while (end > pos && is(record[end - 1], kTrailing))
        --end;
    const std::string_view text = record.substr(0, end);
    while (pos < text.size() && isSpace(text[pos]))
        ++pos;

    while (pos < text.size()) {
        const std::size_t equals = keyEnd(text, pos, strict);
        if (equals == std::string_view::npos)
            return {kNotKeyValue};
        const std::string_view key = text.substr(pos, equals - pos);
        const std::size_t valueBegin = equals + 1;
        std::size_t valueEnd = text.size();
        std::size_t next = text.size();
        bool escaped = false;
        for (std::size_t i = valueBegin; i < text.size();) {
            if (!is(text[i], kValueStop)) {
                ++i;
                continue;
            }
            const char c = text[i];
            if (c == '\\') {
                if (i + 1 < text.size() && isExtensionEscape(text[i + 1])) {
                    escaped = true;
                    i += 2;
                    continue;
                }
                if (strict)
                    return {kExtensionEscape};
            } else if (c == '=') {
                if (strict)
                    return {kUnescapedEquals};
            } else if (isSpace(c)) {
                std::size_t word = i;
                while (word < text.size() && isSpace(text[word]))
                    ++word;
                // Trailing whitespace is gone: a word follows.
                if (keyEnd(text, word, strict) != std::string_view::npos) {
                    valueEnd = i;
                    next = word;
                    break;
                }
                i = word;
                continue;
            }
            ++i;
        }
        const std::string_view raw = text.substr(valueBegin, valueEnd - valueBegin);
        if (out.extensions.size() < CefMessage::kMaxExtensions)
            out.extensions.push_back(CefExtension {key, escaped ? unescapeValue(raw, out.unescaped) : raw});
        else
            ++out.extensionsOmitted;
        pos = next;
    }
    return {};
}

} // namespace

void CefMessage::clear() {
    version = 0;
    deviceVendor = deviceProduct = deviceVersion = signatureId = name = severity = {};
    extensions.clear();
    extensionsOmitted = 0;
    unescaped.clear();
}

std::optional<std::string_view> CefMessage::extension(std::string_view key) const {
    for (const CefExtension &extension : extensions) {
        if (extension.key == key)
            return extension.value;
    }
    return std::nullopt;
}

ParseOutcome parseCef(std::string_view record, CefMessage &out, const CefOptions &options) {
    out.clear();
    if (record.size() > CefMessage::kMaxRecordBytes)
        return {kTooLong};
    if (!record.starts_with(kPrefix))
        return {kNotCef};
    if (!isValidUtf8(record))
        return {kNotUtf8};
    out.unescaped.reserve(record.size());

    std::size_t pos = kPrefix.size();
    const std::size_t versionBegin = pos;
    int version = 0;
    while (pos < record.size() && isDigit(record[pos]) && pos - versionBegin < 3)
        version = version * 10 + (record[pos++] - '0');
    if (pos == versionBegin || pos >= record.size() || record[pos] != '|')
        return {kBadVersion};
    if (version > (options.strict ? 0 : 1))
        return {kUnsupportedVersion};
    out.version = version;
    ++pos;

    std::string_view *const header[kHeaderFields]
        = {&out.deviceVendor, &out.deviceProduct, &out.deviceVersion, &out.signatureId, &out.name, &out.severity};
    for (std::string_view *field : header) {
        if (const std::string_view failure = readHeaderField(record, pos, options.strict, out.unescaped, *field);
            !failure.empty())
            return {failure};
    }
    return readExtensions(record, pos, options.strict, out);
}

} // namespace vanopticon::sentinel
