// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/filemon/filechange.h"
#include "sentinel/collect/filemon/filemonitorconfig.h"
#include "sentinel/collect/filemon/pathfilter.h"
#include "shared/core/result.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace vanopticon::sentinel {

struct InotifyTreeStats {
    std::uint64_t events = 0; // inotify events read
    std::uint64_t overflows = 0; // IN_Q_OVERFLOW: the kernel's queue was full and changes were lost
    std::uint64_t watchLimitHits = 0; // directories left unwatched: max_watches or the system's limit
    std::uint64_t watchFailures = 0; // other refusals (permission, …)
    std::uint64_t excluded = 0; // changes and directories skipped by `exclude`
    std::uint64_t directoriesAdded = 0;
    std::uint64_t directoriesRemoved = 0;
    std::uint64_t scanTruncated = 0; // entries found in new directories beyond kMaxScanReports, not reported
    std::uint64_t malformed = 0;
};

// inotify over the configured paths, plain POSIX C++ (the source drives it from a socket
// notifier). Directories are watched recursively: a new directory is watched as it appears (and
// what was created in it before the watch took is reported), a removed or moved-out one is
// forgotten, a moved one follows its new name. A configured path that is not a directory is
// watched through its parent, for that name only; a missing one is looked for again by
// watchRoots(). Memory: one entry per watched directory (bounded by max_watches) and a few
// pending renames.
class InotifyTree {
public:
    static constexpr std::size_t kReadBufferBytes = 64 * 1024;
    // What new directories are found to hold, reported per read() (the rest is watched, not reported).
    static constexpr std::size_t kMaxScanReports = 4096;
    static constexpr std::size_t kMaxPendingMoves = 64;

    explicit InotifyTree(const FileMonitorConfig &config);
    ~InotifyTree();
    InotifyTree(const InotifyTree &) = delete;
    InotifyTree &operator=(const InotifyTree &) = delete;

    Result<void> open();
    void close();
    int fd() const { return m_fd; }

    // Watches the configured paths that are not watched yet (at start, and again now and then).
    void watchRoots();
    // After an overflow: walks the paths again, watches what was missed and forgets what is gone.
    void resynchronize();

    enum class ReadStatus : std::uint8_t { Drained, More, Failed };
    // Reads at most `maxReads` buffers of events and appends the changes. Drained: nothing left.
    ReadStatus read(std::vector<FileChange> &out, int maxReads);

    // Set by an overflow until resynchronize() runs.
    bool needsResynchronize() const { return m_resynchronize; }
    std::size_t watchCount() const { return m_watches.size(); }
    std::vector<std::string> missingRoots() const;
    bool isWatched(const std::string &directory) const { return m_byPath.count(directory) > 0; }
    const InotifyTreeStats &stats() const { return m_stats; }
    const std::string &lastError() const { return m_lastError; }

private:
    struct WatchedDirectory {
        std::string path;
        bool recursive = false;
        bool root = false; // a configured directory: changes of itself are reported
        bool allNames = false;
        std::vector<std::string> names; // when not allNames: the configured files in it
    };
    struct PendingMove {
        std::uint32_t cookie = 0;
        std::string path;
        bool directory = false;
        bool interesting = false;
    };

    int addWatch(const std::string &path, bool recursive, const std::string *onlyName);
    // Watches `path` and (when recursive) every directory below it; reports what it finds when
    // `report` is given (a directory that just appeared).
    void addTree(const std::string &path, bool recursive, std::vector<FileChange> *report,
        std::unordered_set<int> *touched = nullptr);
    void handle(int wd, std::uint32_t mask, std::uint32_t cookie, std::string_view name, std::vector<FileChange> &out);
    void movedTo(const WatchedDirectory &directory, const std::string &path, bool isDirectory, bool interesting,
        std::uint32_t cookie, std::vector<FileChange> &out);
    void flushMove(const PendingMove &move, std::vector<FileChange> &out);
    void flushPendingMoves(std::vector<FileChange> &out);
    // The watched directories at `path` and below it, with their watch descriptors.
    std::vector<std::pair<std::string, int>> subtree(const std::string &path) const;
    void forget(int wd);
    void removeSubtree(const std::string &path);
    void renameSubtree(const std::string &from, const std::string &to);
    bool rootWatched(const std::string &root) const;
    // Whether the watch of the directory above `path` reports changes of `path` itself.
    bool parentReports(const std::string &path) const;
    static std::string join(const std::string &directory, std::string_view name);

    std::vector<std::string> m_roots;
    PathFilter m_filter;
    bool m_recursive;
    std::size_t m_maxWatches;
    int m_fd = -1;
    std::unordered_map<int, WatchedDirectory> m_watches;
    std::map<std::string, int> m_byPath; // ordered: a directory's subtree is a contiguous range
    std::vector<PendingMove> m_pendingMoves;
    std::vector<char> m_buffer;
    InotifyTreeStats m_stats;
    std::string m_lastError;
    std::size_t m_scanReportsLeft = 0; // in this read()
    bool m_resynchronize = false;
    bool m_rootsChanged = false; // a configured path appeared in a directory watched for it
};

} // namespace vanopticon::sentinel
