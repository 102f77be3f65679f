// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::sentinel::buffer {

// The on-disk format of a buffer segment: an 8-byte magic, then records, each
//
//   u32 length │ u32 CRC-32C │ u64 id │ u32 events │ u32 note length │ i64 appended (ms) │ payload │ note
//
// little-endian; `length` counts payload and note. The note is a few bytes the writer keeps with
// the batch and gets back after a crash (the sentinel: its sources' checkpoints after the batch,
// so that batch and checkpoints are durable together). The CRC covers everything after itself
// (id … note), so a record torn by a crash or changed on disk is recognised; a length is only
// believed once its CRC agrees.
inline constexpr std::string_view kSegmentMagic {"VNOBUF01", 8};
inline constexpr std::size_t kRecordHeaderBytes = 32;

struct RecordHeader {
    std::uint64_t id = 0;
    std::uint32_t events = 0;
    std::int64_t appendedMs = 0;
};

// Appends header, payload and note to `out`.
void encodeRecord(const RecordHeader &header, std::string_view payload, std::string_view note, std::string &out);

// Where a record sits in its segment.
struct RecordIndex {
    std::uint64_t id = 0;
    std::uint64_t offset = 0; // of the header
    std::uint32_t length = 0; // of payload and note
    std::uint32_t noteLength = 0;
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

struct RecordBody {
    std::string_view payload;
    std::string_view note;
};

// Checks the record at `bytes` (header, payload and note, as read back) and returns its body, or
// an empty one with `ok` false.
RecordBody checkedBody(std::string_view bytes, const RecordIndex &expected, bool &ok);

// The body of a record scanSegment() accepted, within the segment's `content`.
RecordBody bodyOf(std::string_view content, const RecordIndex &record);

} // namespace vanopticon::sentinel::buffer
