// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/filemon/inotifytree.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>

#include <dirent.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vanopticon::sentinel {

namespace {

// Symbolic links to directories are not followed (no loops, no escaping the configured paths);
// events of files unlinked while open are not reported after the unlink.
constexpr std::uint32_t kWatchMask = IN_CREATE | IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB
    | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK;

bool isDirectory(const std::string &path) {
    struct stat info { };
    return ::lstat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

std::string parentOf(const std::string &path) {
    const std::size_t slash = path.rfind('/');
    return slash == 0 || slash == std::string::npos ? std::string("/") : path.substr(0, slash);
}

std::string nameOf(const std::string &path) {
    const std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

InotifyTree::InotifyTree(const FileMonitorConfig &config)
    : m_roots(config.paths)
    , m_filter(config.exclude)
    , m_recursive(config.recursive)
    , m_maxWatches(config.maxWatches) {
}

InotifyTree::~InotifyTree() {
    close();
}

Result<void> InotifyTree::open() {
    if (m_fd >= 0)
        return {};
    m_fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (m_fd < 0)
        return makeError(std::string("cannot create an inotify instance: ") + std::strerror(errno)
            + (errno == EMFILE ? " (fs.inotify.max_user_instances reached)" : ""));
    m_buffer.resize(kReadBufferBytes);
    return {};
}

void InotifyTree::close() {
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    m_watches.clear();
    m_byPath.clear();
    m_pendingMoves.clear();
}

std::string InotifyTree::join(const std::string &directory, std::string_view name) {
    std::string path;
    path.reserve(directory.size() + 1 + name.size());
    path.append(directory);
    if (directory != "/")
        path.push_back('/');
    path.append(name);
    return path;
}

int InotifyTree::addWatch(const std::string &path, bool recursive, const std::string *onlyName) {
    if (m_fd < 0)
        return -1;
    if (m_watches.size() >= m_maxWatches && m_byPath.count(path) == 0) {
        ++m_stats.watchLimitHits;
        m_lastError = "max_watches (" + std::to_string(m_maxWatches) + ") reached: " + path + " is not watched";
        return -1;
    }
    const int wd = ::inotify_add_watch(m_fd, path.c_str(), kWatchMask);
    if (wd < 0) {
        const int error = errno;
        if (error == ENOSPC) {
            ++m_stats.watchLimitHits;
            m_lastError = "the system's inotify watch limit (fs.inotify.max_user_watches) is reached: " + path
                + " is not watched";
        } else if (error != ENOENT && error != ENOTDIR) { // gone or replaced meanwhile: nothing to watch
            ++m_stats.watchFailures;
            m_lastError = "cannot watch " + path + ": " + std::strerror(error);
        }
        return -1;
    }
    auto [it, added] = m_watches.try_emplace(wd);
    WatchedDirectory &directory = it->second;
    if (added) {
        ++m_stats.directoriesAdded;
    } else if (directory.path != path) {
        // The same directory under another name (it moved, or a bind mount shows it twice).
        if (const auto old = m_byPath.find(directory.path); old != m_byPath.end() && old->second == wd)
            m_byPath.erase(old);
    }
    directory.path = path;
    directory.recursive = directory.recursive || recursive;
    if (onlyName == nullptr) {
        directory.allNames = true;
        directory.names.clear();
    } else if (!directory.allNames
        && std::find(directory.names.begin(), directory.names.end(), *onlyName) == directory.names.end()) {
        directory.names.push_back(*onlyName);
    }
    m_byPath[path] = wd;
    return wd;
}

void InotifyTree::addTree(
    const std::string &path, bool recursive, std::vector<FileChange> *report, std::unordered_set<int> *touched) {
    std::vector<std::string> pending {path};
    while (!pending.empty()) {
        const std::string directory = std::move(pending.back());
        pending.pop_back();
        const int wd = addWatch(directory, recursive, nullptr);
        if (wd < 0)
            continue;
        if (touched != nullptr)
            touched->insert(wd);
        if (!recursive)
            continue;
        const std::unique_ptr<DIR, int (*)(DIR *)> dir(::opendir(directory.c_str()), ::closedir);
        if (!dir)
            continue;
        while (const dirent *entry = ::readdir(dir.get())) {
            const std::string_view name(entry->d_name);
            if (name == "." || name == "..")
                continue;
            std::string child = join(directory, name);
            if (child.size() >= PATH_MAX)
                continue;
            if (m_filter.excluded(child)) {
                ++m_stats.excluded;
                continue;
            }
            const bool childIsDirectory
                = entry->d_type == DT_DIR || (entry->d_type == DT_UNKNOWN && isDirectory(child));
            if (report != nullptr) {
                if (m_scanReportsLeft > 0) {
                    report->push_back(FileChange {FileChangeKind::Create, childIsDirectory, child, {}});
                    --m_scanReportsLeft;
                } else {
                    ++m_stats.scanTruncated;
                }
            }
            if (childIsDirectory)
                pending.push_back(std::move(child));
        }
    }
}

bool InotifyTree::parentReports(const std::string &path) const {
    if (path == "/")
        return false;
    const auto parent = m_byPath.find(parentOf(path));
    if (parent == m_byPath.end())
        return false;
    const auto watch = m_watches.find(parent->second);
    if (watch == m_watches.end())
        return false;
    const WatchedDirectory &directory = watch->second;
    return directory.allNames
        || std::find(directory.names.begin(), directory.names.end(), nameOf(path)) != directory.names.end();
}

bool InotifyTree::rootWatched(const std::string &root) const {
    if (const auto it = m_byPath.find(root); it != m_byPath.end()) {
        if (const auto watch = m_watches.find(it->second); watch != m_watches.end() && watch->second.root)
            return true;
    }
    if (isDirectory(root))
        return false; // a directory is watched as itself
    return parentReports(root);
}

void InotifyTree::watchRoots() {
    m_rootsChanged = false;
    for (const std::string &root : m_roots) {
        if (rootWatched(root))
            continue;
        if (isDirectory(root)) {
            addTree(root, m_recursive, nullptr);
            if (const auto it = m_byPath.find(root); it != m_byPath.end())
                m_watches[it->second].root = true;
        } else if (root != "/" && isDirectory(parentOf(root))) {
            // A file, or nothing yet: its directory tells when it changes, appears or goes.
            const std::string name = nameOf(root);
            addWatch(parentOf(root), false, &name);
        }
    }
}

std::vector<std::string> InotifyTree::missingRoots() const {
    std::vector<std::string> missing;
    for (const std::string &root : m_roots) {
        if (!rootWatched(root))
            missing.push_back(root);
    }
    return missing;
}

void InotifyTree::resynchronize() {
    m_resynchronize = false;
    std::unordered_set<int> touched;
    for (const std::string &root : m_roots) {
        if (isDirectory(root)) {
            addTree(root, m_recursive, nullptr, &touched);
            if (const auto it = m_byPath.find(root); it != m_byPath.end())
                m_watches[it->second].root = true;
        } else if (root != "/" && isDirectory(parentOf(root))) {
            const std::string name = nameOf(root);
            const int wd = addWatch(parentOf(root), false, &name);
            if (wd >= 0)
                touched.insert(wd);
        }
    }
    // What the walk did not reach is gone, or has moved out of the watched paths.
    std::vector<int> stale;
    for (const auto &[wd, directory] : m_watches) {
        if (touched.count(wd) == 0)
            stale.push_back(wd);
    }
    for (const int wd : stale) {
        ::inotify_rm_watch(m_fd, wd);
        forget(wd);
    }
}

InotifyTree::ReadStatus InotifyTree::read(std::vector<FileChange> &out, int maxReads) {
    if (m_fd < 0)
        return ReadStatus::Failed;
    m_scanReportsLeft = kMaxScanReports;
    for (int i = 0; i < maxReads; ++i) {
        const ssize_t n = ::read(m_fd, m_buffer.data(), m_buffer.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n < 0 && errno != EAGAIN) {
                m_lastError = std::string("reading inotify events: ") + std::strerror(errno);
                return ReadStatus::Failed;
            }
            // Drained: a rename whose other half has not come is a move out of (or into) the tree.
            flushPendingMoves(out);
            if (m_rootsChanged)
                watchRoots();
            return ReadStatus::Drained;
        }
        std::size_t offset = 0;
        const auto size = std::size_t(n);
        while (size - offset >= sizeof(inotify_event)) {
            inotify_event header {};
            std::memcpy(&header, m_buffer.data() + offset, sizeof header);
            if (header.len > size - offset - sizeof header) {
                ++m_stats.malformed;
                break;
            }
            const char *name = m_buffer.data() + offset + sizeof header;
            handle(header.wd, header.mask, header.cookie, std::string_view(name, ::strnlen(name, header.len)), out);
            offset += sizeof header + header.len;
        }
    }
    return ReadStatus::More;
}

void InotifyTree::handle(
    int wd, std::uint32_t mask, std::uint32_t cookie, std::string_view name, std::vector<FileChange> &out) {
    ++m_stats.events;
    if ((mask & IN_Q_OVERFLOW) != 0) {
        ++m_stats.overflows;
        m_resynchronize = true;
        return;
    }
    const auto it = m_watches.find(wd);
    if ((mask & IN_IGNORED) != 0) {
        if (it != m_watches.end())
            forget(wd);
        return;
    }
    if (it == m_watches.end())
        return; // a watch already forgotten
    const WatchedDirectory &directory = it->second;
    if (name.empty()) {
        // The directory itself. Its parent reports it when watched for it (a directory below another
        // configured one, or a configured path that appeared in a watched directory); else only a
        // configured path says what happened to it.
        if (!directory.root || parentReports(directory.path))
            return;
        if ((mask & IN_DELETE_SELF) != 0) {
            out.push_back(FileChange {FileChangeKind::Delete, true, directory.path, {}});
        } else if ((mask & IN_MOVE_SELF) != 0) {
            out.push_back(FileChange {FileChangeKind::Rename, true, {}, directory.path});
            removeSubtree(std::string(directory.path)); // found again under its name if it comes back
        } else if ((mask & IN_ATTRIB) != 0) {
            out.push_back(FileChange {FileChangeKind::Attribute, true, directory.path, {}});
        }
        return;
    }
    std::string path = join(directory.path, name);
    const bool isDir = (mask & IN_ISDIR) != 0;
    const bool nameWatched = directory.allNames
        || std::find(directory.names.begin(), directory.names.end(), name) != directory.names.end();
    const bool excluded = nameWatched && m_filter.excluded(path);
    if (excluded)
        ++m_stats.excluded;
    const bool interesting = nameWatched && !excluded;

    if ((mask & IN_MOVED_FROM) != 0) {
        if (m_pendingMoves.size() >= kMaxPendingMoves) {
            flushMove(m_pendingMoves.front(), out); // the oldest has waited long enough
            m_pendingMoves.erase(m_pendingMoves.begin());
        }
        m_pendingMoves.push_back(PendingMove {cookie, std::move(path), isDir, interesting});
        return;
    }
    if ((mask & IN_MOVED_TO) != 0) {
        movedTo(directory, path, isDir, interesting, cookie, out);
        return;
    }
    if (!nameWatched)
        return;
    if (!directory.allNames && (mask & IN_CREATE) != 0)
        m_rootsChanged = true; // a configured path has appeared: it may be a directory to watch
    if (!interesting)
        return;
    if ((mask & IN_CREATE) != 0) {
        out.push_back(FileChange {FileChangeKind::Create, isDir, path, {}});
        if (isDir && directory.recursive)
            addTree(path, true, &out); // what was created in it before the watch took is reported too
    } else if ((mask & IN_CLOSE_WRITE) != 0) {
        out.push_back(FileChange {FileChangeKind::Modify, false, std::move(path), {}});
    } else if ((mask & IN_DELETE) != 0) {
        out.push_back(FileChange {FileChangeKind::Delete, isDir, std::move(path), {}});
    } else if ((mask & IN_ATTRIB) != 0) {
        out.push_back(FileChange {FileChangeKind::Attribute, isDir, std::move(path), {}});
    }
}

void InotifyTree::movedTo(const WatchedDirectory &directory, const std::string &path, bool isDirectory,
    bool interesting, std::uint32_t cookie, std::vector<FileChange> &out) {
    const bool recursive = directory.recursive;
    const bool excluded = m_filter.excluded(path);
    if (!directory.allNames && interesting)
        m_rootsChanged = true;
    const auto pending = std::find_if(m_pendingMoves.begin(), m_pendingMoves.end(),
        [cookie](const PendingMove &move) { return move.cookie == cookie; });
    if (pending == m_pendingMoves.end()) {
        // Moved in from outside the watched paths.
        if (interesting)
            out.push_back(FileChange {FileChangeKind::Rename, isDirectory, path, {}});
        if (isDirectory && recursive && !excluded)
            addTree(path, true, nullptr);
        return;
    }
    const PendingMove from = std::move(*pending);
    m_pendingMoves.erase(pending);
    if (from.interesting || interesting)
        out.push_back(FileChange {FileChangeKind::Rename, isDirectory, path, from.path});
    if (!isDirectory)
        return;
    if (recursive && !excluded) {
        if (m_byPath.count(from.path) > 0)
            renameSubtree(from.path, path);
        else
            addTree(path, true, nullptr);
    } else {
        removeSubtree(from.path);
    }
}

void InotifyTree::flushMove(const PendingMove &move, std::vector<FileChange> &out) {
    // Moved out of the watched paths: what it was is known, not where it went.
    if (move.interesting)
        out.push_back(FileChange {FileChangeKind::Rename, move.directory, {}, move.path});
    if (move.directory)
        removeSubtree(move.path);
}

void InotifyTree::flushPendingMoves(std::vector<FileChange> &out) {
    for (const PendingMove &move : m_pendingMoves)
        flushMove(move, out);
    m_pendingMoves.clear();
}

void InotifyTree::forget(int wd) {
    const auto it = m_watches.find(wd);
    if (it == m_watches.end())
        return;
    if (const auto path = m_byPath.find(it->second.path); path != m_byPath.end() && path->second == wd)
        m_byPath.erase(path);
    m_watches.erase(it);
    ++m_stats.directoriesRemoved;
}

std::vector<std::pair<std::string, int>> InotifyTree::subtree(const std::string &path) const {
    std::vector<std::pair<std::string, int>> found;
    if (const auto it = m_byPath.find(path); it != m_byPath.end())
        found.emplace_back(*it);
    // Below it: the keys that start with "path/" (a contiguous range; "path-x" sorts elsewhere).
    const std::string prefix = path == "/" ? path : path + "/";
    for (auto it = m_byPath.lower_bound(prefix); it != m_byPath.end() && it->first.starts_with(prefix); ++it) {
        if (it->first != path)
            found.emplace_back(*it);
    }
    return found;
}

void InotifyTree::removeSubtree(const std::string &path) {
    for (const auto &[directory, wd] : subtree(path)) {
        ::inotify_rm_watch(m_fd, wd);
        forget(wd);
    }
}

void InotifyTree::renameSubtree(const std::string &from, const std::string &to) {
    const auto moved = subtree(from);
    for (const auto &[oldPath, wd] : moved)
        m_byPath.erase(oldPath);
    for (const auto &[oldPath, wd] : moved) {
        std::string newPath = to + oldPath.substr(from.size());
        m_watches[wd].path = newPath;
        m_byPath[std::move(newPath)] = wd;
    }
}

} // namespace vanopticon::sentinel
