// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace vanopticon::storage {

// Checkpoints a database's write-ahead log on a thread of its own, so the connection that writes
// (ingestion) does not stop for it: by default SQLite copies the log into the database file, and
// syncs it, inside the commit that takes the log past 1,000 pages.
//
// The writer's connection gets a WAL hook instead of SQLite's automatic checkpoint: each commit
// that leaves kWakeBytes or more in the log wakes this thread, whose own connection runs a
// PASSIVE checkpoint (it never blocks the writer or readers). A log that keeps growing is never
// wholly copied while the writer adds to it, so when it reaches kInlineBytes the writer finishes
// the job inline (a RESTART checkpoint: little is left to copy by then) and the log starts over.
// The thresholds are sizes, turned into pages by the database's page size.
class WalCheckpointer {
public:
    static constexpr int kWakeBytes = 4 << 20; // SQLite's own threshold (1,000 pages) at 4 KB pages
    static constexpr int kInlineBytes = 16 << 20;

    struct Figures {
        std::uint64_t checkpoints = 0; // by the thread
        std::uint64_t pagesCopied = 0; // by the thread, into the database file (a log started over
                                       // between two of its checkpoints can hide some)
        std::uint64_t inlineCheckpoints = 0; // by the writer, when the log had grown too long
        std::uint64_t busy = 0; // not finished: the other side was checkpointing, or a reader held an
                                // old snapshot (tried again later)
        std::uint64_t failures = 0; // any other error
    };

    // `writer` is the open connection that writes to `path`; it must outlive this object. Its
    // busy timeout is lifted while it checkpoints, then set back to `writerBusyTimeoutMs`.
    static Result<std::unique_ptr<WalCheckpointer>> start(
        sqlite3 *writer, const std::string &path, int writerBusyTimeoutMs);
    // Restores SQLite's automatic checkpoint on the writer, stops the thread.
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer &) = delete;
    WalCheckpointer &operator=(const WalCheckpointer &) = delete;

    Figures figures() const;
    int wakePages() const { return m_wakePages; }
    int inlinePages() const { return m_inlinePages; }

private:
    WalCheckpointer(sqlite3 *writer, sqlite3 *own, int pageBytes, int writerBusyTimeoutMs);
    static int onCommit(void *self, sqlite3 *db, const char *name, int pages);
    void run();
    void count(int rc, std::uint64_t &done); // under m_mutex

    sqlite3 *m_writer;
    sqlite3 *m_own; // used by the thread only
    int m_writerBusyTimeoutMs;
    int m_wakePages;
    int m_inlinePages;
    std::mutex m_running; // held while either side checkpoints
    mutable std::mutex m_mutex; // the rest
    std::condition_variable m_wake;
    bool m_due = false;
    bool m_stop = false;
    Figures m_figures; // under m_mutex
    int m_copiedBefore = 0; // frames of the current log copied by earlier checkpoints (thread only)
    std::thread m_thread;
};

} // namespace vanopticon::storage
