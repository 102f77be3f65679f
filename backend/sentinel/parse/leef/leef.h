// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/rfc3164.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::sentinel {

struct LeefAttribute {
    std::string_view key;
    std::string_view value;
};

struct LeefOptions {
    // The attribute delimiter of LEEF 1.0 records (2.0 records name their own). 0: a tab, as the
    // specification says, or '|' for records whose attributes hold no tab and continue with a
    // key after a '|', as PAN-OS writes LEEF 1.0 (rsyslog's mmleefparse takes it as a setting).
    char leef1Delimiter = 0;
};

// One LEEF record:
//   LEEF:1.0|Vendor|Product|Version|EventID|key=value<TAB>key=value…
//   LEEF:2.0|Vendor|Product|Version|EventID|DelimiterCharacter|key=value^key=value…
// The views point into the record, or into `unescaped` (header fields that held \| or \\, and a
// delimiter written in hex). Reuse one message for many records: its buffers keep their capacity.
struct LeefMessage {
    static constexpr std::size_t kMaxRecordBytes = 64 * 1024;
    static constexpr std::size_t kMaxAttributes = 512;

    int majorVersion = 1; // 1 or 2
    std::string_view version; // as written: "1.0", "2.0"
    std::string_view vendor;
    std::string_view product;
    std::string_view productVersion;
    std::string_view eventId;
    std::string_view delimiter; // the attribute delimiter in effect: one character, 1 to 4 bytes
    std::vector<LeefAttribute> attributes; // in the order written, a repeated key included
    std::size_t attributesOmitted = 0; // well-formed attributes beyond kMaxAttributes
    std::size_t malformedAttributes = 0; // pieces without '=' or without a key, skipped
    std::string unescaped;

    void clear();
    // The value of the first attribute with this key.
    std::optional<std::string_view> attribute(std::string_view key) const;
};

// Reads a record that starts at "LEEF:" (a syslog header in front is the caller's to remove).
// Header fields end at a '|' and may hold the escapes \| and \\ (as Logstash's LEEF codec reads
// them). LEEF 2.0's delimiter field is one character or its code in hex ("^", "x5E", "0x5e");
// when the field is missing or empty the delimiter is a tab. Attribute values are taken as
// written (LEEF defines no escapes); pieces between delimiters that are not key=value are
// skipped and counted. Trailing CR/LF is ignored.
// Refused: a record longer than kMaxRecordBytes or not UTF-8, no "LEEF:" at the start, a version
// other than 1.0 and 2.0, fewer than five header fields, a malformed 2.0 delimiter.
ParseOutcome parseLeef(std::string_view record, LeefMessage &out, const LeefOptions &options = {});

} // namespace vanopticon::sentinel
