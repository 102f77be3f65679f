// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/lineformat.h"

namespace vanopticon::sentinel {

std::optional<LineFormat> parseLineFormat(std::string_view name) {
    if (name == "rfc3164")
        return LineFormat::Rfc3164;
    return std::nullopt;
}

std::string_view toString(LineFormat format) {
    switch (format) {
    case LineFormat::Rfc3164:
        return "rfc3164";
    }
    return "unknown";
}

std::string_view supportedLineFormats() {
    return "rfc3164";
}

} // namespace vanopticon::sentinel
