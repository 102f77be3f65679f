// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::sentinel::buffer {

// The on-disk format of a buffer segment: an 8-byte magic, then records, each
//
//   u32 payload length │ u32 CRC-32C │ u64 id │ u32 events │ u32 zero │ i64 appended (ms) │ payload
//
// little-endian. The CRC covers everything after itself (id … payload), so a record torn by a
// crash or changed on disk is recognised; a length is only believed once its CRC agrees.
inline constexpr std::string_view kSegmentMagic {"VNOBUF01", 8};
inline constexpr std::size_t kRecordHeaderBytes = 32;

struct RecordHeader {
    std::uint32_t length = 0;
    std::uint64_t id = 0;
    std::uint32_t events = 0;
    std::int64_t appendedMs = 0;
};

// Appends header and payload to `out`.
void encodeRecord(const RecordHeader &header, std::string_view payload, std::string &out);

// Where a record sits in its segment.
struct RecordIndex {
    std::uint64_t id = 0;
    std::uint64_t offset = 0; // of the header
    std::uint32_t length = 0; // of the payload
    std::uint32_t events = 0;
    std::int64_t appendedMs = 0;
};

// What a segment holds: its valid records and where they end. Anything after `validBytes`
// (a torn tail, garbage) is not a record.
struct SegmentScan {
    bool magicOk = false;
    std::vector<RecordIndex> records;
    std::uint64_t validBytes = 0;
    std::uint64_t invalidBytes = 0; // after the last valid record
    std::string problem; // why the walk stopped before the end, if it did
};

// Walks the records of a whole segment in memory, checking lengths, CRCs and that ids increase
// (each above `previousId`).
SegmentScan scanSegment(std::string_view content, std::uint32_t maxRecordBytes, std::uint64_t previousId);

// Checks the record at `bytes` (header and payload, as read back) and returns its payload, or
// an empty view with `ok` false.
std::string_view checkedPayload(std::string_view bytes, const RecordIndex &expected, bool &ok);

} // namespace vanopticon::sentinel::buffer
