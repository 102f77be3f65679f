// SPDX-License-Identifier: Apache-2.0
#include "sentinel/buffer/diskbuffer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <optional>

namespace vanopticon::sentinel::buffer {

namespace {

constexpr std::string_view kSuffix = ".seg";
constexpr std::size_t kIdDigits = 20;

std::string systemError(const std::string &what, const std::string &path) {
    return what + " " + path + ": " + std::strerror(errno);
}

std::string segmentName(std::uint64_t firstId) {
    std::string digits = std::to_string(firstId);
    return std::string(kIdDigits - digits.size(), '0') + digits + std::string(kSuffix);
}

// "00000000000000000042.seg" → 42; anything else is not a segment.
std::optional<std::uint64_t> segmentId(const std::string &name) {
    if (name.size() != kIdDigits + kSuffix.size() || !name.ends_with(kSuffix))
        return std::nullopt;
    std::uint64_t id = 0;
    const auto [end, error] = std::from_chars(name.data(), name.data() + kIdDigits, id);
    if (error != std::errc() || end != name.data() + kIdDigits)
        return std::nullopt;
    return id;
}

Result<std::string> readWhole(const std::string &path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Error {systemError("cannot open", path)};
    std::string content;
    struct stat info { };
    if (::fstat(fd, &info) == 0)
        content.reserve(std::size_t(info.st_size));
    char chunk[1 << 16];
    for (;;) {
        const ssize_t got = ::read(fd, chunk, sizeof(chunk));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            const Error error {systemError("cannot read", path)};
            ::close(fd);
            return error;
        }
        if (got == 0)
            break;
        content.append(chunk, std::size_t(got));
    }
    ::close(fd);
    return content;
}

bool writeAll(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t wrote = ::write(fd, data.data(), data.size());
        if (wrote < 0 && errno == EINTR)
            continue;
        if (wrote <= 0)
            return false;
        data.remove_prefix(std::size_t(wrote));
    }
    return true;
}

bool readAll(int fd, std::uint64_t offset, std::size_t size, std::string &out) {
    out.resize(size);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t got = ::pread(fd, out.data() + done, size - done, off_t(offset + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        done += std::size_t(got);
    }
    return true;
}

} // namespace

DiskBuffer::DiskBuffer(DiskBufferOptions options)
    : m_options(std::move(options)) {
}

DiskBuffer::~DiskBuffer() {
    if (m_fd >= 0) {
        if (m_unsynced)
            ::fdatasync(m_fd);
        ::close(m_fd);
    }
}

Result<std::unique_ptr<DiskBuffer>> DiskBuffer::open(DiskBufferOptions options) {
    if (options.directory.empty())
        return Error {"the buffer needs a directory"};
    if (options.maxBytes < 4 * 65536)
        return Error {"the buffer's max_size must be at least 256 KiB"};
    // At least four segments fit, so dropping the oldest frees a fraction, not everything.
    options.segmentBytes = std::clamp<std::uint64_t>(options.segmentBytes, 65536, options.maxBytes / 4);
    std::error_code error;
    std::filesystem::create_directories(options.directory, error);
    if (error)
        return Error {"cannot create the buffer directory " + options.directory + ": " + error.message()};
    std::unique_ptr<DiskBuffer> buffer(new DiskBuffer(std::move(options)));
    if (auto recovered = buffer->recover(); !recovered)
        return recovered.error();
    return buffer;
}

Result<void> DiskBuffer::recover() {
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::pair<std::uint64_t, std::string>> found;
    std::error_code error;
    for (const auto &entry : std::filesystem::directory_iterator(m_options.directory, error)) {
        const std::string name = entry.path().filename().string();
        if (const auto id = segmentId(name); id && entry.is_regular_file())
            found.emplace_back(*id, entry.path().string());
    }
    if (error)
        return Error {"cannot list the buffer directory " + m_options.directory + ": " + error.message()};
    std::sort(found.begin(), found.end());

    for (const auto &[nameId, path] : found) {
        auto content = readWhole(path);
        if (!content)
            return content.error();
        const SegmentScan scan = scanSegment(*content, m_options.maxRecordBytes, m_lastId);
        if (!scan.magicOk) {
            // Not ours (or its first bytes are gone): keep it for a human, out of the way.
            if (::rename(path.c_str(), (path + ".corrupt").c_str()) != 0)
                return Error {systemError("cannot set aside", path)};
            ++m_recovery.segmentsSetAside;
            m_recovery.problems.push_back(path + ": " + scan.problem + "; renamed to .corrupt");
            continue;
        }
        if (scan.invalidBytes > 0) {
            // A torn tail after a crash, or damage: everything from the first bad record goes.
            if (::truncate(path.c_str(), off_t(scan.validBytes)) != 0)
                return Error {systemError("cannot truncate", path)};
            m_recovery.truncatedBytes += scan.invalidBytes;
            ++m_recovery.segmentsTruncated;
            m_recovery.problems.push_back(path + ": " + scan.problem + " at byte " + std::to_string(scan.validBytes)
                + "; " + std::to_string(scan.invalidBytes) + " bytes cut off");
        }
        if (scan.records.empty()) {
            ::unlink(path.c_str());
            continue;
        }
        Segment segment;
        segment.path = path;
        segment.firstId = scan.records.front().id;
        segment.bytes = scan.validBytes;
        for (const RecordIndex &index : scan.records) {
            segment.records.push_back(Record {index, false});
            segment.unacknowledgedEvents += index.events;
            if (index.noteLength > 0 && m_options.recoveredNote)
                m_options.recoveredNote(index.id, bodyOf(*content, index).note);
        }
        segment.unacknowledged = segment.records.size();
        m_lastId = scan.records.back().id;
        m_bytes += segment.bytes;
        m_pendingRecords += segment.unacknowledged;
        m_pendingEvents += segment.unacknowledgedEvents;
        m_recovery.records += segment.records.size();
        m_recovery.events += segment.unacknowledgedEvents;
        m_segments.push_back(std::move(segment));
    }
    if (m_recovery.segmentsTruncated > 0 || m_recovery.segmentsSetAside > 0)
        syncDirectory();
    m_recovery.segments = m_segments.size();
    m_recovery.bytes = m_bytes;
    m_recovery.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return {};
}

Result<void> DiskBuffer::openSegment(std::uint64_t firstId) {
    const std::string path = (std::filesystem::path(m_options.directory) / segmentName(firstId)).string();
    m_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (m_fd < 0)
        return Error {systemError("cannot create", path)};
    if (!writeAll(m_fd, kSegmentMagic)) {
        const Error error {systemError("cannot write", path)};
        ::close(m_fd);
        m_fd = -1;
        ::unlink(path.c_str());
        return error;
    }
    syncDirectory(); // the new name must survive a crash with the records in it
    Segment segment;
    segment.path = path;
    segment.firstId = firstId;
    segment.bytes = kSegmentMagic.size();
    m_segments.push_back(std::move(segment));
    m_bytes += kSegmentMagic.size();
    m_activeBytes = kSegmentMagic.size();
    m_unsynced = true;
    return {};
}

Result<void> DiskBuffer::closeActive() {
    if (m_fd < 0)
        return {};
    auto synced = sync();
    ::close(m_fd);
    m_fd = -1;
    if (!m_segments.empty() && m_segments.back().unacknowledged == 0)
        dropSegment(m_segments.size() - 1, nullptr);
    return synced;
}

Result<void> DiskBuffer::append(
    std::uint64_t id, std::uint32_t events, std::string_view payload, std::string_view note, std::int64_t nowMs) {
    if (id <= m_lastId)
        return Error {"record " + std::to_string(id) + " is not above the last one, " + std::to_string(m_lastId)};
    const std::uint64_t length = payload.size() + note.size();
    if (length > m_options.maxRecordBytes)
        return Error {"a record of " + std::to_string(length) + " bytes is over the limit of "
            + std::to_string(m_options.maxRecordBytes)};
    const std::uint64_t recordBytes = kRecordHeaderBytes + length;
    if (recordBytes + kSegmentMagic.size() > m_options.maxBytes)
        return Error {"a record of " + std::to_string(length) + " bytes does not fit in the buffer"};
    // Full: the oldest records go (counted), the newest stay.
    while (!m_segments.empty() && m_bytes + recordBytes + kSegmentMagic.size() > m_options.maxBytes) {
        if (m_segments.size() == 1 && m_fd >= 0) {
            if (auto closed = closeActive(); !closed)
                return closed;
            if (m_segments.empty())
                break;
        }
        dropSegment(0, &m_counters.eventsDroppedOverflow);
    }
    if (m_fd >= 0 && m_activeBytes >= m_options.segmentBytes) {
        if (auto closed = closeActive(); !closed)
            return closed;
    }
    if (m_fd < 0) {
        if (auto opened = openSegment(id); !opened)
            return opened;
    }
    m_scratch.clear();
    encodeRecord(RecordHeader {id, events, nowMs}, payload, note, m_scratch);
    Segment &active = m_segments.back();
    if (!writeAll(m_fd, m_scratch)) {
        const Error error {systemError("cannot append to", active.path)};
        // Leave no partial record behind: the file ends where the last whole record did.
        if (::ftruncate(m_fd, off_t(m_activeBytes)) != 0 || ::lseek(m_fd, 0, SEEK_END) < 0) {
            ::close(m_fd);
            m_fd = -1;
        }
        return error;
    }
    active.records.push_back(
        Record {RecordIndex {id, m_activeBytes, std::uint32_t(length), std::uint32_t(note.size()), events, nowMs}});
    ++active.unacknowledged;
    active.unacknowledgedEvents += events;
    active.bytes += recordBytes;
    m_activeBytes += recordBytes;
    m_bytes += recordBytes;
    m_lastId = id;
    ++m_pendingRecords;
    m_pendingEvents += events;
    m_unsynced = true;
    ++m_counters.recordsAppended;
    m_counters.eventsAppended += events;
    m_counters.bytesAppended += recordBytes;
    return {};
}

Result<void> DiskBuffer::sync() {
    if (m_fd < 0 || !m_unsynced)
        return {};
    if (::fdatasync(m_fd) != 0)
        return Error {systemError("cannot sync", m_segments.back().path)};
    m_unsynced = false;
    ++m_counters.syncs;
    return {};
}

DiskBuffer::Segment *DiskBuffer::segmentOf(std::uint64_t id, std::size_t *indexOut) {
    const auto after = std::upper_bound(m_segments.begin(), m_segments.end(), id,
        [](std::uint64_t wanted, const Segment &segment) { return wanted < segment.firstId; });
    if (after == m_segments.begin())
        return nullptr;
    const auto it = std::prev(after);
    if (indexOut != nullptr)
        *indexOut = std::size_t(it - m_segments.begin());
    return &*it;
}

std::uint32_t DiskBuffer::acknowledge(std::uint64_t id) {
    std::size_t index = 0;
    Segment *segment = segmentOf(id, &index);
    if (segment == nullptr)
        return 0; // already gone (acknowledged twice, or dropped)
    const auto record = std::lower_bound(segment->records.begin(), segment->records.end(), id,
        [](const Record &r, std::uint64_t wanted) { return r.index.id < wanted; });
    if (record == segment->records.end() || record->index.id != id || record->acknowledged)
        return 0;
    const std::uint32_t events = record->index.events;
    record->acknowledged = true;
    --segment->unacknowledged;
    segment->unacknowledgedEvents -= record->index.events;
    --m_pendingRecords;
    m_pendingEvents -= record->index.events;
    ++m_counters.recordsAcknowledged;
    const bool active = m_fd >= 0 && index + 1 == m_segments.size();
    if (segment->unacknowledged == 0 && !active)
        dropSegment(index, nullptr);
    return events;
}

void DiskBuffer::dropSegment(std::size_t index, std::uint64_t *droppedEvents) {
    Segment &segment = m_segments[index];
    if (m_fd >= 0 && index + 1 == m_segments.size()) {
        ::close(m_fd);
        m_fd = -1;
        m_unsynced = false;
    }
    // A deletion lost in a crash only means records sent again (and dropped by the server).
    ::unlink(segment.path.c_str());
    if (droppedEvents != nullptr)
        *droppedEvents += segment.unacknowledgedEvents;
    m_bytes -= segment.bytes;
    m_pendingRecords -= segment.unacknowledged;
    m_pendingEvents -= segment.unacknowledgedEvents;
    ++m_counters.segmentsDeleted;
    m_segments.erase(m_segments.begin() + std::ptrdiff_t(index));
}

Result<std::vector<BufferedRecord>> DiskBuffer::read(
    std::uint64_t after, std::uint64_t through, std::size_t maxRecords, std::uint64_t maxBytes) {
    std::vector<BufferedRecord> out;
    std::uint64_t bytes = 0;
    std::string raw;
    for (Segment &segment : m_segments) {
        if (out.size() >= maxRecords || bytes >= maxBytes || segment.firstId > through)
            break;
        if (segment.unacknowledged == 0 || segment.records.back().index.id <= after)
            continue;
        const int fd = ::open(segment.path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return Error {systemError("cannot open", segment.path)};
        for (Record &record : segment.records) {
            if (record.acknowledged || record.index.id <= after)
                continue;
            if (out.size() >= maxRecords || bytes >= maxBytes || record.index.id > through)
                break;
            bool intact = readAll(fd, record.index.offset, kRecordHeaderBytes + record.index.length, raw);
            std::string_view payload;
            if (intact)
                payload = checkedBody(raw, record.index, intact).payload;
            if (!intact) {
                // Changed on disk since it was written: it cannot be sent; count it and go on.
                m_counters.eventsDroppedCorrupt += record.index.events;
                record.acknowledged = true;
                --segment.unacknowledged;
                segment.unacknowledgedEvents -= record.index.events;
                --m_pendingRecords;
                m_pendingEvents -= record.index.events;
                continue;
            }
            out.push_back(
                BufferedRecord {record.index.id, record.index.events, record.index.appendedMs, std::string(payload)});
            bytes += payload.size();
        }
        ::close(fd);
    }
    // Segments whose last records were just found damaged hold nothing left to send.
    for (std::size_t i = 0; i < m_segments.size();) {
        const bool active = m_fd >= 0 && i + 1 == m_segments.size();
        if (!active && m_segments[i].unacknowledged == 0)
            dropSegment(i, nullptr);
        else
            ++i;
    }
    return out;
}

std::uint64_t DiskBuffer::expire(std::int64_t nowMs) {
    const std::uint64_t before = m_counters.eventsDroppedExpired;
    const std::int64_t oldest = nowMs - m_options.maxAge.count();
    while (!m_segments.empty() && !m_segments.front().records.empty()
        && m_segments.front().records.back().index.appendedMs < oldest)
        dropSegment(0, &m_counters.eventsDroppedExpired);
    return m_counters.eventsDroppedExpired - before;
}

void DiskBuffer::syncDirectory() {
    const int fd = ::open(m_options.directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    ::fsync(fd);
    ::close(fd);
}

} // namespace vanopticon::sentinel::buffer
