// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/security/auditrecord.h"

#include <algorithm>
#include <array>

namespace vanopticon::sentinel {

namespace {

constexpr char kEnrichedSeparator = '\x1d';
constexpr std::size_t kMaxTypeBytes = 32;
constexpr std::size_t kMaxNodeBytes = 255;
constexpr std::size_t kMaxSerialDigits = 20;

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

bool isAllDigits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), isDigit);
}

bool isTypeChar(char c) {
    return (c >= 'A' && c <= 'Z') || isDigit(c) || c == '_';
}

bool isKeyChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '_' || c == '-' || c == '['
        || c == ']' || c == '.';
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool isSpace(char c) {
    return c == ' ';
}

} // namespace

ParseOutcome parseAuditRecord(std::string_view line, AuditRecord &out) {
    out = AuditRecord {};
    std::string_view rest = line;
    if (rest.starts_with("audit: ")) // the kernel log's prefix
        rest.remove_prefix(7);
    if (rest.starts_with("node=")) {
        const std::size_t space = rest.find(' ');
        if (space == std::string_view::npos || space - 5 > kMaxNodeBytes)
            return {"not an audit record"};
        out.node = rest.substr(5, space - 5);
        rest.remove_prefix(space + 1);
    }
    if (!rest.starts_with("type="))
        return {"not an audit record"};
    rest.remove_prefix(5);
    std::size_t typeEnd = 0;
    while (typeEnd < rest.size() && isTypeChar(rest[typeEnd]))
        ++typeEnd;
    if (typeEnd == 0 || typeEnd > kMaxTypeBytes || typeEnd == rest.size() || rest[typeEnd] != ' ')
        return {"not an audit record"};
    out.type = rest.substr(0, typeEnd);
    rest.remove_prefix(typeEnd + 1);
    if (rest.starts_with("msg="))
        rest.remove_prefix(4);
    if (!rest.starts_with("audit("))
        return {"not an audit record"};
    rest.remove_prefix(6);

    // <seconds>.<fraction>:<serial>):
    const std::size_t close = rest.find("):");
    if (close == std::string_view::npos)
        return {"invalid audit timestamp"};
    const std::string_view stamp = rest.substr(0, close);
    const std::size_t dot = stamp.find('.');
    const std::size_t colon = stamp.find(':');
    if (dot == std::string_view::npos || colon == std::string_view::npos || colon < dot)
        return {"invalid audit timestamp"};
    const std::string_view seconds = stamp.substr(0, dot);
    const std::string_view fraction = stamp.substr(dot + 1, colon - dot - 1);
    const std::string_view serial = stamp.substr(colon + 1);
    // Seconds up to 9223372035 keep the nanoseconds inside int64.
    if (!isAllDigits(seconds) || seconds.size() > 10 || !isAllDigits(fraction) || fraction.size() > 9
        || !isAllDigits(serial) || serial.size() > kMaxSerialDigits)
        return {"invalid audit timestamp"};
    std::int64_t secondsValue = 0;
    for (const char c : seconds)
        secondsValue = secondsValue * 10 + (c - '0');
    if (secondsValue > 9'223'372'035)
        return {"invalid audit timestamp"};
    std::int64_t fractionNs = 0;
    std::int64_t scale = 100'000'000;
    for (const char c : fraction) {
        fractionNs += (c - '0') * scale;
        scale /= 10;
    }
    out.timestampNs = secondsValue * 1'000'000'000 + fractionNs;
    out.serial = serial;
    rest.remove_prefix(close + 2);
    if (rest.starts_with(' '))
        rest.remove_prefix(1);
    out.body = rest;
    return {};
}

bool AuditFieldReader::next(AuditField &out) {
    for (;;) {
        // Separators: spaces, the end of msg='…', the enriched separator.
        while (!m_rest.empty()) {
            const char c = m_rest.front();
            if (isSpace(c)) {
                m_rest.remove_prefix(1);
            } else if (c == '\'' && m_inner) {
                m_inner = false;
                m_rest.remove_prefix(1);
            } else if (c == kEnrichedSeparator) {
                m_enriched = true;
                m_inner = false;
                m_rest.remove_prefix(1);
            } else {
                break;
            }
        }
        if (m_rest.empty())
            return false;

        std::size_t keyEnd = 0;
        while (keyEnd < m_rest.size() && isKeyChar(m_rest[keyEnd]))
            ++keyEnd;
        if (keyEnd == 0 || keyEnd == m_rest.size() || m_rest[keyEnd] != '=') {
            // Not key=value: skip the word.
            std::size_t end = 0;
            while (end < m_rest.size() && !isSpace(m_rest[end]) && m_rest[end] != kEnrichedSeparator)
                ++end;
            m_rest.remove_prefix(std::max<std::size_t>(end, 1));
            ++m_skipped;
            continue;
        }
        const std::string_view key = m_rest.substr(0, keyEnd);
        m_rest.remove_prefix(keyEnd + 1);

        if (key == "msg" && m_rest.starts_with('\'') && !m_inner) {
            m_inner = true;
            m_rest.remove_prefix(1);
            continue;
        }

        out = AuditField {};
        out.name = key;
        out.inner = m_inner;
        out.enriched = m_enriched;
        if (m_rest.starts_with('"')) {
            const std::size_t close = m_rest.find('"', 1);
            if (close == std::string_view::npos) {
                out.value = m_rest.substr(1); // cut short: keep what there is
                m_rest = {};
            } else {
                out.value = m_rest.substr(1, close - 1);
                m_rest.remove_prefix(close + 1);
            }
            out.form = AuditValueForm::Quoted;
            return true;
        }
        // A plain value runs to a space (or the end of msg='…'), and on over following words that
        // are not key=value: "op=adding user id=1001".
        const auto valueEnd = [this](std::size_t from) {
            std::size_t end = from;
            while (end < m_rest.size() && !isSpace(m_rest[end]) && m_rest[end] != kEnrichedSeparator
                && !(m_inner && m_rest[end] == '\''))
                ++end;
            return end;
        };
        std::size_t end = valueEnd(0);
        while (end < m_rest.size() && isSpace(m_rest[end])) {
            std::size_t word = end;
            while (word < m_rest.size() && isSpace(m_rest[word]))
                ++word;
            const std::size_t wordEnd = valueEnd(word);
            const std::string_view next = m_rest.substr(word, wordEnd - word);
            if (next.empty() || next.find('=') != std::string_view::npos || word != end + 1)
                break;
            end = wordEnd;
        }
        out.value = m_rest.substr(0, end);
        out.form = AuditValueForm::Plain;
        m_rest.remove_prefix(end);
        return true;
    }
}

bool isAuditStringField(std::string_view recordType, std::string_view name) {
    static constexpr std::string_view kStringFields[] = {"path", "comm", "exe", "file", "name", "watch", "cwd", "cmd",
        "acct", "dir", "key", "vm", "old-chardev", "new-chardev", "old-disk", "new-disk", "old-fs", "new-fs", "old-net",
        "new-net", "device", "cgroup", "proctitle", "ocomm", "grp", "new_group", "root_dir"};
    if (std::find(std::begin(kStringFields), std::end(kStringFields), name) != std::end(kStringFields))
        return true;
    // EXECVE's arguments: a0, a1[0] (a long one in pieces); not a0_len, and not SYSCALL's a0, a
    // register in hex.
    if (recordType != "EXECVE" || name.size() < 2 || name[0] != 'a' || !isDigit(name[1]))
        return false;
    std::size_t digits = 1;
    while (digits < name.size() && isDigit(name[digits]))
        ++digits;
    return digits == name.size() || name[digits] == '[';
}

std::string_view auditStringValue(const AuditField &field, std::string &scratch) {
    if (field.form == AuditValueForm::Quoted)
        return field.value;
    const std::string_view hex = field.value;
    if (hex.empty() || hex.size() % 2 != 0
        || !std::all_of(hex.begin(), hex.end(), [](char c) { return hexDigit(c) >= 0; }))
        return hex; // "(null)", "?", or not hex after all
    scratch.clear();
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const char byte = static_cast<char>(hexDigit(hex[i]) * 16 + hexDigit(hex[i + 1]));
        scratch += byte == '\0' ? ' ' : byte;
    }
    // A NUL at the very end terminates, it does not separate.
    if (hex.ends_with("00"))
        scratch.pop_back();
    return scratch;
}

} // namespace vanopticon::sentinel
