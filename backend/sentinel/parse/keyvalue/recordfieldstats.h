// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

namespace vanopticon::sentinel {

// What the key=value family of parsers (CEF, LEEF, key=value) could not keep of the records they
// turned into events. Accumulates: a driver keeps one per source and reports it with its metrics.
struct RecordFieldStats {
    // Keys that are not field names (wire::isAcceptableFieldName: letters, digits, '_', '.', '-',
    // at most 64 bytes): their values are dropped.
    std::uint64_t unacceptableNames = 0;
    // New key names refused because the process's field table is full (FieldRegistry::kMaxNames).
    std::uint64_t namesRefused = 0;
    // A key seen again in the same record (or two keys naming the same field): the first value is kept.
    std::uint64_t duplicateKeys = 0;
    // Pairs beyond a parser's per-record limit, read but not kept.
    std::uint64_t pairsOmitted = 0;
    // Time stamps the record carried that could not be read: the event is dated "now" instead.
    std::uint64_t timestampsUnread = 0;
};

} // namespace vanopticon::sentinel
