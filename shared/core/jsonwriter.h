// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

namespace vanopticon {

// Appends `text` as a JSON string literal (quotes included). Control characters are escaped;
// bytes that are not valid UTF-8 become U+FFFD, so the output is always valid JSON whatever a
// hostile log line contains. For per-event output, where building a QJsonObject would cost
// allocations per field.
void appendJsonString(std::string &out, std::string_view text);

} // namespace vanopticon
