// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vanopticon::sentinel {

// The layouts a collected line can have. Only RFC 3164 syslog for now; the enum is where the
// next one (RFC 5424, JSON, …) goes.
enum class LineFormat : std::uint8_t { Rfc3164 };

// "rfc3164" as written in the collector configuration.
std::optional<LineFormat> parseLineFormat(std::string_view name);
std::string_view toString(LineFormat format);
// For error messages: the names parseLineFormat() accepts.
std::string_view supportedLineFormats();

} // namespace vanopticon::sentinel
