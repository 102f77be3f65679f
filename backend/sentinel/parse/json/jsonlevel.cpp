// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/json/jsonlevel.h"

#include <utility>

namespace vanopticon::sentinel {

namespace {

constexpr std::size_t kMaxNameBytes = 16;

constexpr std::pair<std::string_view, Severity> kNames[] = {
    {"emerg", Severity::High},
    {"emergency", Severity::High},
    {"alert", Severity::High},
    {"crit", Severity::High},
    {"fatal", Severity::High},
    {"panic", Severity::High},
    {"err", Severity::High},
    {"error", Severity::High},
    {"warn", Severity::Medium},
    {"warning", Severity::Medium},
    {"notice", Severity::Low},
    {"info", Severity::Info},
    {"information", Severity::Info},
    {"informational", Severity::Info},
    {"debug", Severity::Info},
    {"trace", Severity::Info},
    {"verbose", Severity::Info},
    {"low", Severity::Low},
    {"medium", Severity::Medium},
    {"high", Severity::High},
    {"critical", Severity::Critical},
};

std::optional<Severity> fromSyslog(int level) {
    if (level <= 3)
        return Severity::High;
    if (level == 4)
        return Severity::Medium;
    if (level == 5)
        return Severity::Low;
    return Severity::Info;
}

} // namespace

std::optional<Severity> parseJsonLevel(std::string_view text) {
    if (text.empty() || text.size() > kMaxNameBytes)
        return std::nullopt;
    if (text.size() <= 2 && text.find_first_not_of("0123456789") == std::string_view::npos) {
        const int number = text.size() == 1 ? text[0] - '0' : (text[0] - '0') * 10 + (text[1] - '0');
        if (number <= 7)
            return fromSyslog(number);
        switch (number) {
        case 10: // trace
        case 20: // debug
        case 30: // info
            return Severity::Info;
        case 40: // warn
            return Severity::Medium;
        case 50: // error
        case 60: // fatal
            return Severity::High;
        default:
            return std::nullopt;
        }
    }
    char lower[kMaxNameBytes];
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        lower[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    const std::string_view name(lower, text.size());
    for (const auto &[known, severity] : kNames) {
        if (known == name)
            return severity;
    }
    return std::nullopt;
}

} // namespace vanopticon::sentinel
