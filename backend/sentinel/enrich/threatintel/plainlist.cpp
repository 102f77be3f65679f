// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/threatintel/plainlist.h"

namespace vanopticon::sentinel {

namespace {

constexpr std::size_t kMaxLine = 4096;

std::optional<Indicator> asKind(std::string_view value, IndicatorKind kind) {
    switch (kind) {
    case IndicatorKind::Ip:
        return ipIndicator(value);
    case IndicatorKind::Domain:
        return domainIndicator(value, true);
    case IndicatorKind::Hash:
        return hashIndicator(value);
    case IndicatorKind::Url:
        return urlIndicator(value);
    }
    return std::nullopt;
}

std::string shown(std::string_view value) {
    std::string out;
    for (char c : value.substr(0, 80))
        out += (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) ? '?' : c;
    return value.size() > 80 ? out + "…" : out;
}

} // namespace

FeedContents parsePlainList(std::string_view text, std::optional<IndicatorKind> kind) {
    FeedContents contents;
    std::size_t lineNumber = 0;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        ++lineNumber;
        if (line.size() > kMaxLine) {
            ++contents.skipped;
            contents.note(
                "line " + std::to_string(lineNumber) + ": longer than " + std::to_string(kMaxLine) + " bytes");
            continue;
        }
        // A comment starts with '#' at the start of the line or after a blank: a URL's fragment
        // ("…/page#part") is part of the value.
        for (std::size_t hash = line.find('#'); hash != std::string_view::npos; hash = line.find('#', hash + 1)) {
            if (hash == 0 || line[hash - 1] == ' ' || line[hash - 1] == '\t') {
                line = line.substr(0, hash);
                break;
            }
        }
        const std::size_t start = line.find_first_not_of(" \t\r");
        if (start == std::string_view::npos)
            continue;
        line.remove_prefix(start);
        const std::string_view value = line.substr(0, line.find_first_of(" \t\r"));
        std::optional<Indicator> indicator = kind ? asKind(value, *kind) : classifyIndicator(value);
        if (!indicator) {
            ++contents.skipped;
            contents.note("line " + std::to_string(lineNumber) + ": '" + shown(value) + "' is not "
                + (kind ? "a valid " + std::string(toString(*kind)) : std::string("an address, domain, hash or URL")));
            continue;
        }
        contents.indicators.push_back(std::move(*indicator));
    }
    return contents;
}

} // namespace vanopticon::sentinel
