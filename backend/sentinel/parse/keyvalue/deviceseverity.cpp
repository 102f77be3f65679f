// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/keyvalue/deviceseverity.h"

#include <array>
#include <utility>

namespace vanopticon::sentinel {

namespace {

constexpr std::size_t kMaxWordBytes = 16;

// Lowercase copy into `buffer`; nullopt when too long to be a level word.
std::optional<std::string_view> lowered(std::string_view text, std::array<char, kMaxWordBytes> &buffer) {
    if (text.empty() || text.size() > buffer.size())
        return std::nullopt;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        buffer[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return std::string_view(buffer.data(), text.size());
}

} // namespace

std::optional<Severity> severityFromScale(std::string_view text) {
    std::string_view digits = text;
    if (digits.ends_with(".0"))
        digits.remove_suffix(2);
    if (!digits.empty() && digits.size() <= 2 && digits.find_first_not_of("0123456789") == std::string_view::npos) {
        const int value = digits.size() == 1 ? digits[0] - '0' : (digits[0] - '0') * 10 + (digits[1] - '0');
        if (value == 0)
            return Severity::Info;
        if (value <= 3)
            return Severity::Low;
        if (value <= 6)
            return Severity::Medium;
        if (value <= 8)
            return Severity::High;
        if (value <= 10)
            return Severity::Critical;
        return std::nullopt;
    }
    std::array<char, kMaxWordBytes> buffer {};
    const auto word = lowered(text, buffer);
    if (!word)
        return std::nullopt;
    if (*word == "low")
        return Severity::Low;
    if (*word == "medium")
        return Severity::Medium;
    if (*word == "high")
        return Severity::High;
    if (*word == "very-high" || *word == "very high" || *word == "veryhigh")
        return Severity::Critical;
    return std::nullopt;
}

std::optional<Severity> severityFromLevelName(std::string_view text) {
    std::array<char, kMaxWordBytes> buffer {};
    const auto word = lowered(text, buffer);
    if (!word)
        return std::nullopt;
    if (const auto own = parseSeverity(*word))
        return own;
    static constexpr std::pair<std::string_view, Severity> kWords[] = {
        {"emerg", Severity::High},
        {"emergency", Severity::High},
        {"panic", Severity::High},
        {"alert", Severity::High},
        {"crit", Severity::High},
        {"fatal", Severity::High},
        {"err", Severity::High},
        {"error", Severity::High},
        {"warn", Severity::Medium},
        {"warning", Severity::Medium},
        {"notice", Severity::Low},
        {"debug", Severity::Info},
        {"trace", Severity::Info},
    };
    for (const auto &[name, severity] : kWords) {
        if (*word == name)
            return severity;
    }
    return std::nullopt;
}

} // namespace vanopticon::sentinel
