// SPDX-License-Identifier: Apache-2.0
#include "storage/walcheckpointer.h"

#include <sqlite3.h>

#include <cstdlib>

namespace vanopticon::storage {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::start(
    sqlite3 *writer, const std::string &path, int writerBusyTimeoutMs) {
    sqlite3 *own = nullptr;
    if (sqlite3_open_v2(path.c_str(), &own, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        const std::string message = own ? sqlite3_errmsg(own) : "out of memory";
        sqlite3_close(own);
        return makeError("opening the checkpoint connection to " + path + ": " + message);
    }
    sqlite3_busy_timeout(own, 5000);
    // A connection finds the log when it first reads: until then a checkpoint on it does nothing.
    if (sqlite3_exec(own, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr) != SQLITE_OK) {
        const std::string message = sqlite3_errmsg(own);
        sqlite3_close(own);
        return makeError("reading " + path + " for checkpoints: " + message);
    }
    int pageBytes = 0;
    const auto readPageSize = [](void *out, int columns, char **values, char **) {
        if (columns == 1 && values[0] != nullptr)
            *static_cast<int *>(out) = std::atoi(values[0]);
        return 0;
    };
    if (sqlite3_exec(own, "PRAGMA page_size", readPageSize, &pageBytes, nullptr) != SQLITE_OK || pageBytes <= 0) {
        sqlite3_close(own);
        return makeError("reading the page size of " + path);
    }
    std::unique_ptr<WalCheckpointer> checkpointer(new WalCheckpointer(writer, own, pageBytes, writerBusyTimeoutMs));
    // Replaces the automatic checkpoint, which is itself a WAL hook.
    sqlite3_wal_hook(writer, &WalCheckpointer::onCommit, checkpointer.get());
    return checkpointer;
}

WalCheckpointer::WalCheckpointer(sqlite3 *writer, sqlite3 *own, int pageBytes, int writerBusyTimeoutMs)
    : m_writer(writer)
    , m_own(own)
    , m_writerBusyTimeoutMs(writerBusyTimeoutMs)
    , m_wakePages(kWakeBytes / pageBytes)
    , m_inlinePages(kInlineBytes / pageBytes)
    , m_thread([this] { run(); }) {
}

WalCheckpointer::~WalCheckpointer() {
    sqlite3_wal_autocheckpoint(m_writer, m_wakePages); // SQLite's own behaviour again
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_thread.join();
    sqlite3_close(m_own);
}

WalCheckpointer::Figures WalCheckpointer::figures() const {
    const std::lock_guard lock(m_mutex);
    return m_figures;
}

int WalCheckpointer::onCommit(void *self, sqlite3 *db, const char *name, int pages) {
    auto *checkpointer = static_cast<WalCheckpointer *>(self);
    if (pages >= checkpointer->m_inlinePages) {
        // After the thread's checkpoint, if one runs (SQLite would answer BUSY, not wait): RESTART
        // copies what is left and, once no connection reads from the log, lets the next commit
        // start it over, so it stays bounded. It must not wait for readers: one that keeps an
        // old snapshot (a backup, a long query from another process) would stall this commit
        // and every later one. Without a busy handler it copies what it can, answers BUSY, and
        // a later commit tries again.
        const std::lock_guard running(checkpointer->m_running);
        sqlite3_busy_timeout(db, 0);
        const int rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
        sqlite3_busy_timeout(db, checkpointer->m_writerBusyTimeoutMs);
        const std::lock_guard lock(checkpointer->m_mutex);
        checkpointer->count(rc, checkpointer->m_figures.inlineCheckpoints);
        return SQLITE_OK;
    }
    if (pages >= checkpointer->m_wakePages) {
        {
            const std::lock_guard lock(checkpointer->m_mutex);
            checkpointer->m_due = true;
        }
        checkpointer->m_wake.notify_one();
    }
    return SQLITE_OK;
}

void WalCheckpointer::count(int rc, std::uint64_t &done) {
    if (rc == SQLITE_OK)
        ++done;
    else if (rc == SQLITE_BUSY) // the other side's checkpoint, or a reader: a later commit tries again
        ++m_figures.busy;
    else
        ++m_figures.failures;
}

void WalCheckpointer::run() {
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_due || m_stop; });
        if (m_stop)
            return;
        m_due = false;
        lock.unlock();
        int logPages = 0;
        int copied = 0;
        int rc = SQLITE_OK;
        {
            const std::lock_guard running(m_running);
            rc = sqlite3_wal_checkpoint_v2(m_own, nullptr, SQLITE_CHECKPOINT_PASSIVE, &logPages, &copied);
        }
        lock.lock();
        count(rc, m_figures.checkpoints);
        if (rc == SQLITE_OK && logPages >= 0) {
            // SQLite counts the frames copied from the current log, earlier checkpoints' included;
            // fewer than last time means the writer started the log over in between.
            m_figures.pagesCopied
                += static_cast<std::uint64_t>(copied >= m_copiedBefore ? copied - m_copiedBefore : copied);
            m_copiedBefore = copied;
        }
    }
}

} // namespace vanopticon::storage
