// SPDX-License-Identifier: Apache-2.0
#include "shared/event/severity.h"

namespace vanopticon {

std::string_view toString(Severity severity) {
    switch (severity) {
    case Severity::Info:
        return "info";
    case Severity::Low:
        return "low";
    case Severity::Medium:
        return "medium";
    case Severity::High:
        return "high";
    case Severity::Critical:
        return "critical";
    }
    return "info";
}

std::optional<Severity> parseSeverity(std::string_view text) {
    if (text == "info" || text == "informational")
        return Severity::Info;
    if (text == "low")
        return Severity::Low;
    if (text == "medium")
        return Severity::Medium;
    if (text == "high")
        return Severity::High;
    if (text == "critical")
        return Severity::Critical;
    return std::nullopt;
}

} // namespace vanopticon
