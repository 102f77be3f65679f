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
    RecordHeader header;
    std::uint32_t crc = 0;
};

Decoded decodeHeader(const char *at) {
    Decoded d;
    d.header.length = get<std::uint32_t>(at);
    d.crc = get<std::uint32_t>(at + 4);
    d.header.id = get<std::uint64_t>(at + 8);
    d.header.events = get<std::uint32_t>(at + 16);
    d.header.appendedMs = get<std::int64_t>(at + 24);
    return d;
}

} // namespace

void encodeRecord(const RecordHeader &header, std::string_view payload, std::string &out) {
    const std::size_t start = out.size();
    put<std::uint32_t>(out, static_cast<std::uint32_t>(payload.size()));
    put<std::uint32_t>(out, 0); // the CRC, filled in below
    put<std::uint64_t>(out, header.id);
    put<std::uint32_t>(out, header.events);
    put<std::uint32_t>(out, 0);
    put<std::int64_t>(out, header.appendedMs);
    out.append(payload);
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
        const Decoded d = decodeHeader(content.data() + at);
        if (d.header.length > maxRecordBytes || d.header.length > left - kRecordHeaderBytes) {
            scan.problem = d.header.length > maxRecordBytes ? "a record longer than the limit" : "a record cut short";
            break;
        }
        const std::string_view covered = content.substr(at + 8, kRecordHeaderBytes - 8 + d.header.length);
        if (crc32c(covered) != d.crc) {
            scan.problem = "a record whose CRC does not match";
            break;
        }
        if (d.header.id <= previousId) {
            scan.problem = "a record id that does not increase";
            break;
        }
        scan.records.push_back(RecordIndex {d.header.id, at, d.header.length, d.header.events, d.header.appendedMs});
        previousId = d.header.id;
        at += kRecordHeaderBytes + d.header.length;
    }
    scan.validBytes = at;
    scan.invalidBytes = content.size() - at;
    return scan;
}

std::string_view checkedPayload(std::string_view bytes, const RecordIndex &expected, bool &ok) {
    ok = false;
    if (bytes.size() != kRecordHeaderBytes + expected.length)
        return {};
    const Decoded d = decodeHeader(bytes.data());
    if (d.header.length != expected.length || d.header.id != expected.id || crc32c(bytes.substr(8)) != d.crc)
        return {};
    ok = true;
    return bytes.substr(kRecordHeaderBytes);
}

} // namespace vanopticon::sentinel::buffer
