// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/leef/leef.h"

#include "shared/core/utf8.h"

namespace vanopticon::sentinel {

namespace {

constexpr std::string_view kPrefix = "LEEF:";
constexpr std::size_t kMaxDelimiterFieldBytes = 8;

constexpr std::string_view kTooLong = "LEEF record too long (more than 64 KiB)";
constexpr std::string_view kNotUtf8 = "LEEF record is not valid UTF-8";
constexpr std::string_view kNotLeef = "not a LEEF record (no \"LEEF:\" at the start)";
constexpr std::string_view kUnsupportedVersion = "unsupported LEEF version (1.0 and 2.0 are read)";
constexpr std::string_view kShortHeader = "LEEF header has fewer than 5 fields";
constexpr std::string_view kBadDelimiter = "malformed LEEF 2.0 delimiter (one character, or its code as x5E)";

bool isSpace(char c) {
    return c == ' ' || c == '\t';
}

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// One header field from `pos` to the next unescaped '|'; `pos` ends past that '|'. The last
// field may end the record (a record without attributes).
bool readHeaderField(
    std::string_view record, std::size_t &pos, bool last, std::string &buffer, std::string_view &value) {
    const std::size_t begin = pos;
    bool escaped = false;
    while (pos < record.size() && record[pos] != '|') {
        if (record[pos] == '\\' && pos + 1 < record.size() && (record[pos + 1] == '|' || record[pos + 1] == '\\')) {
            escaped = true;
            ++pos;
        }
        ++pos;
    }
    if (pos >= record.size() && !last)
        return false;
    const std::string_view raw = record.substr(begin, pos - begin);
    if (pos < record.size())
        ++pos;
    if (!escaped) {
        value = raw;
        return true;
    }
    // The buffer was reserved for the whole record and more: appending never moves earlier values.
    const std::size_t start = buffer.size();
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size() && (raw[i + 1] == '|' || raw[i + 1] == '\\'))
            ++i;
        buffer += raw[i];
    }
    value = std::string_view(buffer).substr(start);
    return true;
}

void appendUtf8(std::string &out, unsigned codePoint) {
    if (codePoint < 0x80) {
        out += static_cast<char>(codePoint);
    } else if (codePoint < 0x800) {
        out += static_cast<char>(0xC0 | (codePoint >> 6));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else if (codePoint < 0x10000) {
        out += static_cast<char>(0xE0 | (codePoint >> 12));
        out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (codePoint >> 18));
        out += static_cast<char>(0x80 | ((codePoint >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    }
}

// LEEF 2.0's delimiter field: "" (tab), one character, or "x5E" / "0x5E".
bool decodeDelimiter(std::string_view field, std::string &buffer, std::string_view &delimiter) {
    if (field.empty()) {
        delimiter = "\t";
        return true;
    }
    std::string_view hex = field;
    if (hex.starts_with("0x") || hex.starts_with("0X"))
        hex.remove_prefix(2);
    else if (hex.starts_with("x") || hex.starts_with("X"))
        hex.remove_prefix(1);
    if (hex.size() != field.size() && !hex.empty()) {
        unsigned codePoint = 0;
        for (const char c : hex) {
            const int digit = hexValue(c);
            if (digit < 0 || codePoint > 0xFFFFF)
                return false;
            codePoint = codePoint * 16 + static_cast<unsigned>(digit);
        }
        if (codePoint == 0 || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF) || codePoint == '='
            || codePoint == '|')
            return false;
        const std::size_t start = buffer.size();
        appendUtf8(buffer, codePoint);
        delimiter = std::string_view(buffer).substr(start);
        return true;
    }
    // One character, written as itself (the record is valid UTF-8: its length is in the lead byte).
    const auto lead = static_cast<unsigned char>(field.front());
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    if (field.size() != length || field == "=")
        return false;
    delimiter = field;
    return true;
}

// PAN-OS writes LEEF 1.0 with '|' between attributes: no tab, and a key right after a '|'.
bool looksPipeDelimited(std::string_view attributes) {
    if (attributes.find('\t') != std::string_view::npos)
        return false;
    const std::size_t bar = attributes.find('|');
    if (bar == std::string_view::npos)
        return false;
    const std::string_view next = attributes.substr(bar + 1);
    const std::size_t equals = next.find('=');
    if (equals == 0 || equals == std::string_view::npos)
        return false;
    for (const char c : next.substr(0, equals)) {
        if (isSpace(c) || c == '|')
            return false;
    }
    return true;
}

void readAttributes(std::string_view text, std::string_view delimiter, LeefMessage &out) {
    while (!text.empty() && (text.back() == '\r' || text.back() == '\n'))
        text.remove_suffix(1);
    while (!text.empty()) {
        const std::size_t end = text.find(delimiter);
        std::string_view piece = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + delimiter.size());

        std::size_t first = 0;
        while (first < piece.size() && isSpace(piece[first]))
            ++first;
        if (first == piece.size())
            continue; // nothing between two delimiters, or a trailing one
        piece.remove_prefix(first);
        const std::size_t equals = piece.find('=');
        std::string_view key = piece.substr(0, equals);
        while (!key.empty() && isSpace(key.back()))
            key.remove_suffix(1);
        if (equals == std::string_view::npos || key.empty()) {
            ++out.malformedAttributes;
            continue;
        }
        if (out.attributes.size() < LeefMessage::kMaxAttributes)
            out.attributes.push_back(LeefAttribute {key, piece.substr(equals + 1)});
        else
            ++out.attributesOmitted;
    }
}

} // namespace

void LeefMessage::clear() {
    majorVersion = 1;
    version = vendor = product = productVersion = eventId = delimiter = {};
    attributes.clear();
    attributesOmitted = 0;
    malformedAttributes = 0;
    unescaped.clear();
}

std::optional<std::string_view> LeefMessage::attribute(std::string_view key) const {
    for (const LeefAttribute &attribute : attributes) {
        if (attribute.key == key)
            return attribute.value;
    }
    return std::nullopt;
}

ParseOutcome parseLeef(std::string_view record, LeefMessage &out, const LeefOptions &options) {
    out.clear();
    if (record.size() > LeefMessage::kMaxRecordBytes)
        return {kTooLong};
    if (!record.starts_with(kPrefix))
        return {kNotLeef};
    if (!isValidUtf8(record))
        return {kNotUtf8};
    // The record, and four bytes for a delimiter written in hex.
    out.unescaped.reserve(record.size() + 4);

    std::size_t pos = kPrefix.size();
    const std::size_t bar = record.find('|', pos);
    if (bar == std::string_view::npos)
        return {kShortHeader};
    out.version = record.substr(pos, bar - pos);
    if (out.version == "1.0" || out.version == "1")
        out.majorVersion = 1;
    else if (out.version == "2.0" || out.version == "2")
        out.majorVersion = 2;
    else
        return {kUnsupportedVersion};
    pos = bar + 1;

    std::string_view *const header[] = {&out.vendor, &out.product, &out.productVersion, &out.eventId};
    for (std::size_t i = 0; i < std::size(header); ++i) {
        if (!readHeaderField(record, pos, i + 1 == std::size(header), out.unescaped, *header[i]))
            return {kShortHeader};
    }

    std::string_view rest = record.substr(pos);
    if (out.majorVersion == 2) {
        // The delimiter field is optional: present when a short word without '=' ends at a '|'.
        const std::size_t fieldEnd = rest.find('|');
        const std::string_view field = rest.substr(0, fieldEnd);
        if (fieldEnd != std::string_view::npos && field.size() <= kMaxDelimiterFieldBytes
            && field.find('=') == std::string_view::npos) {
            if (!decodeDelimiter(field, out.unescaped, out.delimiter))
                return {kBadDelimiter};
            rest.remove_prefix(fieldEnd + 1);
        } else {
            out.delimiter = "\t";
        }
    } else if (options.leef1Delimiter != 0) {
        const std::size_t start = out.unescaped.size();
        out.unescaped += options.leef1Delimiter;
        out.delimiter = std::string_view(out.unescaped).substr(start);
    } else {
        out.delimiter = looksPipeDelimited(rest) ? "|" : "\t";
    }
    readAttributes(rest, out.delimiter, out);
    return {};
}

} // namespace vanopticon::sentinel
