// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/journald/journalentry.h"
#include "shared/core/result.h"

#include <memory>
#include <string>
#include <vector>

struct sd_journal;

namespace vanopticon::sentinel {

// What changed in the journal since the last look (sd_journal_process).
enum class JournalChange { None, Appended, FilesChanged };

// A journal opened for reading with libsystemd's sd-journal: plain C++, no Qt. Entries are read
// forward only; each one's interesting fields are copied (bounded, see JournalEntry) into buffers
// the reader reuses, since sd-journal's own pointers do not outlive the next field read.
// Not thread-safe; use it on the thread that opened it.
class JournalReader {
public:
    // `directory` empty: the local system journal; else the journal files in that directory.
    static Result<std::unique_ptr<JournalReader>> open(const std::string &directory);
    ~JournalReader();
    JournalReader(const JournalReader &) = delete;
    JournalReader &operator=(const JournalReader &) = delete;

    // Only entries of one of these units or (not and) one of these programs; none: every entry.
    Result<void> setFilters(const std::vector<std::string> &units, const std::vector<std::string> &identifiers);

    Result<void> seekHead();
    // Positions after the newest entry: the next read returns only entries written later.
    Result<void> seekTail();
    // Positions after the entry `cursor` names. When that entry is gone (vacuumed, rotated
    // away), the next read returns the entry nearest to where it was. Refuses a malformed cursor.
    Result<void> seekAfterCursor(const std::string &cursor);

    // The inotify descriptor to wait on (sd_journal_get_fd); -1 when there is none.
    int fd() const { return m_fd; }
    // Takes in what happened since the last call; call when fd() is readable and from time to time.
    JournalChange process();

    // Moves to the next entry and reads it into `entry`: true, or false when there is none yet.
    Result<bool> next(JournalEntry &entry);
    // The cursor of the entry read last.
    Result<std::string> cursor();

private:
    JournalReader(sd_journal *journal, int fd);
    Result<void> readEntry(JournalEntry &entry);

    sd_journal *m_journal = nullptr;
    int m_fd = -1;
    bool m_holdCurrent = false; // positioned on an entry not read yet: next() returns it
    // One buffer per field copied (JournalEntry's views point into them).
    std::string m_message;
    std::string m_priority;
    std::string m_hostname;
    std::string m_identifier;
    std::string m_comm;
    std::string m_pid;
    std::string m_unit;
    std::string m_uid;
    std::string m_exe;
    std::string m_cmdline;
};

} // namespace vanopticon::sentinel
