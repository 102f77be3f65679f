// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/fileposition.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::sentinel {

enum class StartAt : std::uint8_t { Beginning, End };

struct FileTailOptions {
    // Where the file is read from when there is no saved position and it exists at the first
    // poll. A file that appears later, or replaces a rotated one, is always read from its start.
    StartAt startAt = StartAt::Beginning;
    // Longer lines are cut here (the rest, up to the newline, is skipped) and counted.
    std::size_t maxLineBytes = std::size_t {64} * 1024;
    // Bounds one poll, so a large backlog cannot stall the caller's event loop: what a poll
    // reads is parsed, filtered and buffered before the loop turns again, and only then are the
    // server's acknowledgements read (a transmitter held to a few batches in flight after a Busy
    // sends no more than that per turn). Under `bench sentinel --live --rate 100000`, traced with
    // strace for 3 s, the sentinel's loop turned 5 times with 4 MiB and 54 times with 512 KiB.
    std::size_t maxBytesPerPoll = std::size_t {512} * 1024;
};

struct FileTailStats {
    std::uint64_t linesRead = 0;
    std::uint64_t bytesRead = 0;
    std::uint64_t truncations = 0; // the file shrank under the read position (copytruncate)
    std::uint64_t rotations = 0; // a different file appeared at the path
    std::uint64_t longLines = 0; // cut at maxLineBytes
    std::uint64_t emptyLines = 0; // skipped (nothing to parse)
    std::uint64_t errors = 0; // failures to open or read, other than "does not exist"
};

struct TailPollResult {
    std::size_t lines = 0;
    bool more = false; // stopped at maxBytesPerPoll with data left: poll again soon
};

// Follows one file path like `tail -F`, in plain POSIX: poll() reads what was appended since
// the last call and hands each complete line to a callback, with the position just after it.
//   - A partial last line waits until its newline arrives.
//   - Truncation in place (size below the read position) → reading restarts at offset 0.
//   - Rotation by rename (another inode at the path) → the old file stays open and is read to
//     its end first; the switch happens once the new file has data, i.e. once the writer has
//     moved on. A last line left without newline in the old file is handed on at the switch.
//   - A missing path is waited for.
//   - resumeFrom() continues exactly at a saved position, also when that file has been rotated
//     away in the meantime (it is looked for by inode beside the path, e.g. auth.log.1).
// CR before LF is dropped; empty lines are skipped and counted.
class FileTail {
public:
    // `line` and the position are valid during the call only. The handler must not poll.
    using LineHandler = std::function<void(std::string_view line, const FilePosition &after)>;

    explicit FileTail(std::string path, FileTailOptions options = {});
    ~FileTail();
    FileTail(const FileTail &) = delete;
    FileTail &operator=(const FileTail &) = delete;

    // Continue at a position a previous run saved. Takes effect at the next poll (call it first).
    void resumeFrom(const FilePosition &position);
    TailPollResult poll(const LineHandler &handler);

    // Just after the last line handed on (or skipped): what to save.
    FilePosition position() const;
    bool isOpen() const { return m_fd >= 0; }
    const std::string &path() const { return m_path; }
    const FileTailStats &stats() const { return m_stats; }
    // The latest open or read failure ("" when none has happened).
    const std::string &lastError() const { return m_lastError; }

private:
    enum class Drain { EndOfFile, Budget, Error };

    bool openFirst(bool firstPoll);
    void adopt(int fd, std::uint64_t device, std::uint64_t inode, std::uint64_t size, std::uint64_t offset);
    void closeFile();
    void restartAtBeginning();
    Drain drain(const LineHandler &handler, std::size_t &budget, TailPollResult &result);
    void consume(std::string_view data, const LineHandler &handler, TailPollResult &result);
    void appendPending(std::string_view bytes);
    void finishLine(std::string_view line, const LineHandler &handler, TailPollResult &result);
    bool switchToSuccessor(const LineHandler &handler, std::size_t &budget, TailPollResult &result);
    std::uint64_t lastLineBoundary(std::uint64_t size);
    void fail(std::string message);

    std::string m_path;
    FileTailOptions m_options;
    int m_fd = -1;
    std::uint64_t m_device = 0;
    std::uint64_t m_inode = 0;
    std::uint64_t m_lineStart = 0; // just after the last line handed on
    std::uint64_t m_readOffset = 0; // the next byte to read
    std::string m_pending; // the line being read, at most maxLineBytes + 1 (room for a CR)
    bool m_overlong = false; // the line being read is past the bound: skip to its newline
    bool m_firstPoll = true;
    std::optional<FilePosition> m_resume;
    std::vector<char> m_buffer;
    FileTailStats m_stats;
    std::string m_lastError;
};

} // namespace vanopticon::sentinel
