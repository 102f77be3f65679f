// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/rfc3164.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::sentinel {

struct KeyValuePair {
    std::string_view key;
    std::string_view value; // quotes removed and escapes resolved
};

// One key=value record: `a=1 b="two words" c='x' d=` (logfmt, auditd, firewall and appliance
// logs). The views point into the record, or into `unescaped` for quoted values that held an
// escape. Reuse one message for many records: its buffers keep their capacity, so parsing
// allocates nothing once they have grown.
struct KeyValueMessage {
    static constexpr std::size_t kMaxRecordBytes = 64 * 1024;
    static constexpr std::size_t kMaxPairs = 256;

    std::vector<KeyValuePair> pairs; // in the order written, a repeated key included
    std::size_t pairsOmitted = 0; // well-formed pairs beyond kMaxPairs
    std::size_t bareWords = 0; // words that are not key=value (free text around the pairs), skipped
    std::string unescaped;

    void clear();
};

// Reads the pairs of a key=value record. Pairs are separated by spaces or tabs; a key is a run
// of bytes other than whitespace, '=' and quotes, directly followed by '='; a value is either
// quoted ("…" or '…', where a backslash escapes the quote and itself, and in double quotes \n \r
// \t mean what they do in C; any other backslash is kept) or runs to the next whitespace (and
// may hold '=', as URLs do). Words that are not pairs are skipped and counted.
// Refused: a record longer than kMaxRecordBytes, one that is not UTF-8, a quote left open,
// a record without a single pair.
ParseOutcome parseKeyValues(std::string_view record, KeyValueMessage &out);

} // namespace vanopticon::sentinel
