// SPDX-License-Identifier: Apache-2.0
#include "sentinel/buffer/segmentformat.h"

#include "shared/core/crc32c.h"

#include <cstring>

namespace vanopticon::sentinel::buffer {

namespace {

template<typename T> void put(std::string &out, T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T)); // little-endian hosts (see crc32c.cpp)
    out.append(bytes, sizeof(T));
}

template<typename T> T get(const char *at) {
    T value;
    std::memcpy(&value, at, sizeof(T));
    return value;
}

struct Decoded {
    RecordIndex index;
    std::uint32_t crc = 0;
};

Decoded decodeHeader(const char *at, std::uint64_t offset) {
    Decoded d;
    d.index.offset = offset;
    d.index.length = get<std::uint32_t>(at);
    d.crc = get<std::uint32_t>(at + 4);
    d.index.id = get<std::uint64_t>(at + 8);
    d.index.events = get<std::uint32_t>(at + 16);
    d.index.noteLength = get<std::uint32_t>(at + 20);
    d.index.appendedMs = get<std::int64_t>(at + 24);
    return d;
}

RecordBody split(std::string_view body, std::uint32_t noteLength) {
    return {body.substr(0, body.size() - noteLength), body.substr(body.size() - noteLength)};
}

} // namespace

void encodeRecord(const RecordHeader &header, std::string_view payload, std::string_view note, std::string &out) {
    const std::size_t start = out.size();
    put<std::uint32_t>(out, static_cast<std::uint32_t>(payload.size() + note.size()));
    put<std::uint32_t>(out, 0); // the CRC, filled in below
    put<std::uint64_t>(out, header.id);
    put<std::uint32_t>(out, header.events);
    put<std::uint32_t>(out, static_cast<std::uint32_t>(note.size()));
    put<std::int64_t>(out, header.appendedMs);
    out.append(payload);
    out.append(note);
    const std::uint32_t crc = crc32c(std::string_view(out).substr(start + 8));
    std::memcpy(out.data() + start + 4, &crc, sizeof(crc));
}

SegmentScan scanSegment(std::string_view content, std::uint32_t maxRecordBytes, std::uint64_t previousId) {
    SegmentScan scan;
    if (content.size() < kSegmentMagic.size() || content.substr(0, kSegmentMagic.size()) != kSegmentMagic) {
        scan.problem = "not a buffer segment (bad magic)";
        scan.invalidBytes = content.size();
        return scan;
    }
    scan.magicOk = true;
    std::uint64_t at = kSegmentMagic.size();
    while (at < content.size()) {
        const std::uint64_t left = content.size() - at;
        if (left < kRecordHeaderBytes) {
            scan.problem = "a record header cut short";
            break;
        }
        const Decoded d = decodeHeader(content.data() + at, at);
        if (d.index.length > maxRecordBytes || d.index.length > left - kRecordHeaderBytes) {
            scan.problem = d.index.length > maxRecordBytes ? "a record longer than the limit" : "a record cut short";
            break;
        }
        const std::string_view covered = content.substr(at + 8, kRecordHeaderBytes - 8 + d.index.length);
        if (crc32c(covered) != d.crc) {
            scan.problem = "a record whose CRC does not match";
            break;
        }
        if (d.index.noteLength > d.index.length) {
            scan.problem = "a record whose note is longer than the record";
            break;
        }
        if (d.index.id <= previousId) {
            scan.problem = "a record id that does not increase";
            break;
        }
        scan.records.push_back(d.index);
        previousId = d.index.id;
        at += kRecordHeaderBytes + d.index.length;
    }
    scan.validBytes = at;
    scan.invalidBytes = content.size() - at;
    return scan;
}

RecordBody checkedBody(std::string_view bytes, const RecordIndex &expected, bool &ok) {
    ok = false;
    if (bytes.size() != kRecordHeaderBytes + expected.length)
        return {};
    const Decoded d = decodeHeader(bytes.data(), expected.offset);
    if (d.index.length != expected.length || d.index.id != expected.id || d.index.noteLength != expected.noteLength
        || crc32c(bytes.substr(8)) != d.crc)
        return {};
    ok = true;
    return split(bytes.substr(kRecordHeaderBytes), d.index.noteLength);
}

RecordBody bodyOf(std::string_view content, const RecordIndex &record) {
    return split(content.substr(record.offset + kRecordHeaderBytes, record.length), record.noteLength);
}

} // namespace vanopticon::sentinel::buffer
