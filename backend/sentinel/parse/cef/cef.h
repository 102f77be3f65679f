// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/rfc3164.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::sentinel {

struct CefExtension {
    std::string_view key;
    std::string_view value; // escapes resolved
};

struct CefOptions {
    // Read as liblognorm's CEF parser does: version 0 only; extension keys of letters, digits,
    // '_' and '.'; a backslash that begins none of the defined escapes, or an '=' that is neither
    // escaped nor ends a key, refuses the record.
    // Off (the default), records are read as Logstash's CEF codec reads them, which is how
    // ArcSight connectors and other producers write them: versions 0 and 1; keys such as
    // "ad.field[0]" and "ad.Error_,Code" (a word, then dot-separated parts, then an optional
    // [index]); a backslash that begins no escape, and a stray '=', are kept as written.
    bool strict = false;
};

// One CEF record:
//   CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension
// The views point into the record, or into `unescaped` for text that held an escape. Reuse one
// message for many records: its buffers keep their capacity, so parsing allocates nothing once
// they have grown.
struct CefMessage {
    static constexpr std::size_t kMaxRecordBytes = 64 * 1024;
    static constexpr std::size_t kMaxExtensions = 512;

    int version = 0;
    std::string_view deviceVendor;
    std::string_view deviceProduct;
    std::string_view deviceVersion;
    std::string_view signatureId;
    std::string_view name;
    std::string_view severity; // as written: "0" … "10", "Low" … "Very-High", or anything else
    std::vector<CefExtension> extensions; // in the order written, a repeated key included
    std::size_t extensionsOmitted = 0; // well-formed pairs beyond kMaxExtensions
    std::string unescaped;

    void clear();
    // The value of the first extension with this key.
    std::optional<std::string_view> extension(std::string_view key) const;
};

// Reads a record that starts at "CEF:" (a syslog header in front is the caller's to remove).
// Header fields end at an unescaped '|' and may hold the escapes \| and \\. The extension is
// `key=value` pairs separated by spaces; a value runs until the whitespace before the next
// `key=` (so it may hold spaces) and may hold the escapes \= \\ \n \r. Leading and trailing
// whitespace around the extension is ignored.
// Refused: a record longer than kMaxRecordBytes or not UTF-8, no "CEF:" at the start, a version
// other than 0 or 1 (0 only when strict), fewer than seven header fields, an extension that does
// not begin with a key, and (strict only) the malformed escapes and keys described in CefOptions.
ParseOutcome parseCef(std::string_view record, CefMessage &out, const CefOptions &options = {});

} // namespace vanopticon::sentinel
