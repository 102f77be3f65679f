// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/buffer/segmentformat.h"
#include "shared/core/result.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::sentinel::buffer {

struct DiskBufferOptions {
    std::string directory;
    std::uint64_t maxBytes = 1ull << 30; // beyond it the oldest segments are dropped (counted)
    std::chrono::milliseconds maxAge {std::chrono::hours(24 * 7)}; // older segments are dropped (counted)
    std::uint64_t segmentBytes = 16ull << 20; // a segment is closed once it reaches this size
    std::uint32_t maxRecordBytes = 64u << 20;
    // Called by open() with the note of every record it recovers, oldest first.
    std::function<void(std::uint64_t id, std::string_view note)> recoveredNote;
};

// One record read back: a batch as the transmitter framed it.
struct BufferedRecord {
    std::uint64_t id = 0;
    std::uint32_t events = 0;
    std::int64_t appendedMs = 0;
    std::string payload;
};

// The sentinel's durable buffer: batches wait on disk until the server acknowledged them.
//
// Records are appended to segment files in a directory (`<first id>.seg`, 20 digits, see
// segmentformat.h); append() writes, sync() makes everything appended so far durable
// (fdatasync: one per group of batches, "group commit"). A segment is deleted once every record
// in it is acknowledged, or dropped unacknowledged — and counted — when it is older than
// `maxAge` or the buffer would grow past `maxBytes`.
//
// open() recovers what a crash left: every segment is read and checked; a record torn by the
// crash, and anything after it, is cut off (truncated); everything before is kept and read()
// gives it again, with the note appended with it (recoveredNote). Acknowledgements are not kept
// across a restart: what was acknowledged in a segment not yet deleted is sent again, and the
// server drops it by (node, sequence).
//
// Not thread-safe; owned by the transmitter's thread.
class DiskBuffer {
public:
    struct Recovery {
        std::size_t segments = 0; // kept
        std::size_t records = 0;
        std::uint64_t events = 0;
        std::uint64_t bytes = 0;
        std::uint64_t truncatedBytes = 0; // torn or corrupt tails cut off
        std::size_t segmentsTruncated = 0;
        std::size_t segmentsSetAside = 0; // not segments at all: renamed to *.corrupt
        double seconds = 0;
        std::vector<std::string> problems; // one line per segment cut or set aside
    };

    struct Counters {
        std::uint64_t recordsAppended = 0;
        std::uint64_t eventsAppended = 0;
        std::uint64_t bytesAppended = 0;
        std::uint64_t syncs = 0;
        std::uint64_t recordsAcknowledged = 0;
        std::uint64_t segmentsDeleted = 0;
        std::uint64_t eventsDroppedOverflow = 0; // max_size
        std::uint64_t eventsDroppedExpired = 0; // max_age
        std::uint64_t eventsDroppedCorrupt = 0; // read back with a bad CRC
    };

    static Result<std::unique_ptr<DiskBuffer>> open(DiskBufferOptions options);
    ~DiskBuffer();
    DiskBuffer(const DiskBuffer &) = delete;
    DiskBuffer &operator=(const DiskBuffer &) = delete;

    // `id` must be above every id appended before (the batch sequence); `note` is kept with the
    // record and given back only by recovery. Drops the oldest segments first when the buffer
    // would exceed maxBytes. Not durable until sync().
    Result<void> append(
        std::uint64_t id, std::uint32_t events, std::string_view payload, std::string_view note, std::int64_t nowMs);
    Result<void> sync();
    // The server stored record `id`: once a segment holds nothing else unacknowledged it goes.
    // Returns the record's events (0 when it was not waiting: unknown or acknowledged before).
    std::uint32_t acknowledge(std::uint64_t id);
    // Unacknowledged records with ids above `after` and up to `through`, oldest first, at most
    // `maxRecords` and about `maxBytes` of payload. A record that no longer reads back intact is
    // dropped (counted).
    Result<std::vector<BufferedRecord>> read(
        std::uint64_t after, std::uint64_t through, std::size_t maxRecords, std::uint64_t maxBytes);
    // Drops the segments whose newest record is older than maxAge; returns the events dropped.
    std::uint64_t expire(std::int64_t nowMs);

    std::uint64_t bytes() const { return m_bytes; } // on disk, segments not yet deleted
    std::uint64_t pendingRecords() const { return m_pendingRecords; }
    std::uint64_t pendingEvents() const { return m_pendingEvents; }
    std::uint64_t lastId() const { return m_lastId; }
    // The oldest record still held (acknowledged or not); lastId() + 1 when there is none.
    std::uint64_t oldestId() const { return m_segments.empty() ? m_lastId + 1 : m_segments.front().firstId; }
    double fill() const { return double(m_bytes) / double(m_options.maxBytes); }
    const Recovery &recovery() const { return m_recovery; }
    const Counters &counters() const { return m_counters; }
    const DiskBufferOptions &options() const { return m_options; }

private:
    struct Record {
        RecordIndex index;
        bool acknowledged = false;
    };
    struct Segment {
        std::string path;
        std::uint64_t firstId = 0;
        std::vector<Record> records;
        std::uint64_t bytes = 0;
        std::size_t unacknowledged = 0;
        std::uint64_t unacknowledgedEvents = 0;
    };

    explicit DiskBuffer(DiskBufferOptions options);
    Result<void> recover();
    Result<void> openSegment(std::uint64_t firstId);
    Result<void> closeActive();
    void dropSegment(std::size_t index, std::uint64_t *droppedEvents);
    Segment *segmentOf(std::uint64_t id, std::size_t *indexOut = nullptr);
    void syncDirectory();

    DiskBufferOptions m_options;
    std::deque<Segment> m_segments; // oldest first; the last is the active one when m_fd >= 0
    int m_fd = -1; // the active segment, open for appending
    std::uint64_t m_activeBytes = 0;
    bool m_unsynced = false;
    std::uint64_t m_bytes = 0;
    std::uint64_t m_pendingRecords = 0;
    std::uint64_t m_pendingEvents = 0;
    std::uint64_t m_lastId = 0;
    std::string m_scratch;
    Recovery m_recovery;
    Counters m_counters;
};

} // namespace vanopticon::sentinel::buffer
