// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/keyvalue/keyvalue.h"

#include "shared/core/utf8.h"

namespace vanopticon::sentinel {

namespace {

constexpr std::string_view kTooLong = "key=value record too long (more than 64 KiB)";
constexpr std::string_view kNotUtf8 = "key=value record is not valid UTF-8";
constexpr std::string_view kOpenQuote = "quoted value not closed";
constexpr std::string_view kNoPairs = "no key=value pair";

bool isSpace(char c) {
    return c == ' ' || c == '\t';
}

bool isQuote(char c) {
    return c == '"' || c == '\'';
}

// The quoted text starting at `pos` (on the opening quote). On success `pos` is just past the
// closing quote and `value` the text between, unescaped into `buffer` when it held an escape.
bool readQuoted(std::string_view text, std::size_t &pos, std::string &buffer, std::string_view &value) {
    const char quote = text[pos];
    const std::size_t begin = pos + 1;
    bool escaped = false;
    std::size_t i = begin;
    for (; i < text.size() && text[i] != quote; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
            escaped = true;
            ++i;
        }
    }
    if (i >= text.size())
        return false;
    pos = i + 1;
    const std::string_view inner = text.substr(begin, i - begin);
    if (!escaped) {
        value = inner;
        return true;
    }
    // The buffer was reserved for the whole record: appending never moves earlier values.
    const std::size_t start = buffer.size();
    for (std::size_t k = 0; k < inner.size(); ++k) {
        const char c = inner[k];
        if (c != '\\' || k + 1 == inner.size()) {
            buffer += c;
            continue;
        }
        const char next = inner[k + 1];
        if (next == quote || next == '\\') {
            buffer += next;
            ++k;
        } else if (quote == '"' && (next == 'n' || next == 'r' || next == 't')) {
            buffer += next == 'n' ? '\n' : next == 'r' ? '\r' : '\t';
            ++k;
        } else {
            buffer += c; // not an escape: the backslash stays
        }
    }
    value = std::string_view(buffer).substr(start);
    return true;
}

} // namespace

void KeyValueMessage::clear() {
    pairs.clear();
    pairsOmitted = 0;
    bareWords = 0;
    unescaped.clear();
}

ParseOutcome parseKeyValues(std::string_view record, KeyValueMessage &out) {
    out.clear();
    if (record.size() > KeyValueMessage::kMaxRecordBytes)
        return {kTooLong};
    if (!isValidUtf8(record))
        return {kNotUtf8};
    out.unescaped.reserve(record.size());

    std::size_t pos = 0;
    std::size_t found = 0;
    while (pos < record.size()) {
        if (isSpace(record[pos])) {
            ++pos;
            continue;
        }
        if (isQuote(record[pos])) { // quoted free text
            std::string_view ignored;
            const std::size_t mark = out.unescaped.size();
            if (!readQuoted(record, pos, out.unescaped, ignored))
                return {kOpenQuote};
            out.unescaped.resize(mark);
            ++out.bareWords;
            continue;
        }
        const std::size_t keyBegin = pos;
        while (pos < record.size() && !isSpace(record[pos]) && record[pos] != '=' && !isQuote(record[pos]))
            ++pos;
        if (pos == keyBegin || pos == record.size() || record[pos] != '=') {
            // Free text ("Jan 1 host prog:", "x\"y"): skip the rest of the word.
            while (pos < record.size() && !isSpace(record[pos]))
                ++pos;
            ++out.bareWords;
            continue;
        }
        const std::string_view key = record.substr(keyBegin, pos - keyBegin);
        ++pos; // '='
        std::string_view value;
        if (pos < record.size() && isQuote(record[pos])) {
            if (!readQuoted(record, pos, out.unescaped, value))
                return {kOpenQuote};
        } else {
            const std::size_t valueBegin = pos;
            while (pos < record.size() && !isSpace(record[pos]))
                ++pos;
            value = record.substr(valueBegin, pos - valueBegin);
        }
        ++found;
        if (out.pairs.size() < KeyValueMessage::kMaxPairs)
            out.pairs.push_back(KeyValuePair {key, value});
        else
            ++out.pairsOmitted;
    }
    if (found == 0)
        return {kNoPairs};
    return {};
}

} // namespace vanopticon::sentinel
