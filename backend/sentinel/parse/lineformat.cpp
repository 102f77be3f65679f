// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/lineformat.h"

#include "sentinel/parse/rfc5424/rfc5424.h"
#include "shared/wire/fieldname.h"

#include <array>
#include <utility>

namespace vanopticon::sentinel {

namespace {

constexpr std::array<std::pair<std::string_view, LineFormat>, kLineFormatCount> kNames {{
    {"auto", LineFormat::Auto},
    {"rfc3164", LineFormat::Rfc3164},
    {"rfc5424", LineFormat::Rfc5424},
    {"json", LineFormat::Json},
    {"cef", LineFormat::Cef},
    {"leef", LineFormat::Leef},
    {"keyvalue", LineFormat::KeyValue},
    {"auditd", LineFormat::Auditd},
}};

// "type=SYSCALL msg=audit(" — what every audit.log record starts with, after "node=NAME " when
// auditd is configured to name the node.
bool looksLikeAudit(std::string_view line) {
    if (line.starts_with("node=")) {
        const std::size_t space = line.find(' ');
        if (space == std::string_view::npos)
            return false;
        line.remove_prefix(space + 1);
    }
    if (!line.starts_with("type="))
        return false;
    const std::size_t space = line.find(' ', 5);
    return space != std::string_view::npos && line.substr(space + 1).starts_with("msg=audit(");
}

// The first word is `key=…`: a letter, then key characters, then '='.
bool looksLikeKeyValue(std::string_view line) {
    if (line.empty() || !((line[0] >= 'a' && line[0] <= 'z') || (line[0] >= 'A' && line[0] <= 'Z')))
        return false;
    for (std::size_t i = 1; i < line.size() && i <= 64; ++i) {
        if (line[i] == '=')
            return true;
        if (!wire::isFieldNameChar(line[i]))
            return false;
    }
    return false;
}

} // namespace

std::optional<LineFormat> parseLineFormat(std::string_view name) {
    for (const auto &[text, format] : kNames) {
        if (text == name)
            return format;
    }
    return std::nullopt;
}

std::string_view toString(LineFormat format) {
    for (const auto &[text, known] : kNames) {
        if (known == format)
            return text;
    }
    return "unknown";
}

std::string_view supportedLineFormats() {
    return "auto, rfc3164, rfc5424, json, cef, leef, keyvalue, auditd";
}

LineFormat detectLineFormat(std::string_view line) {
    if (line.starts_with('{'))
        return LineFormat::Json;
    if (line.starts_with("CEF:"))
        return LineFormat::Cef;
    if (line.starts_with("LEEF:"))
        return LineFormat::Leef;
    if (looksLikeAudit(line))
        return LineFormat::Auditd;
    if (line.starts_with('<') && isRfc5424Header(line))
        return LineFormat::Rfc5424;
    if (looksLikeKeyValue(line))
        return LineFormat::KeyValue;
    return LineFormat::Rfc3164;
}

} // namespace vanopticon::sentinel
