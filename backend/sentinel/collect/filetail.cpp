// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/filetail.h"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace vanopticon::sentinel {

namespace {

constexpr std::size_t kReadChunkBytes = std::size_t {64} * 1024;
// A log directory holds tens of entries; the bound keeps a pathological one from stalling a poll.
constexpr std::size_t kMaxDirectoryEntries = 4096;

struct OpenedFile {
    int fd = -1;
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
};

std::string describe(std::string_view what, const std::string &path, int error) {
    return std::string(what) + " " + path + ": " + std::strerror(error);
}

// Opens a regular file for reading. "Does not exist" leaves `error` alone: waiting for a file is
// normal. O_NONBLOCK keeps a FIFO at the path from blocking the open; it is refused right after.
OpenedFile openRegular(int directoryFd, const char *name, const std::string &pathForErrors, std::string &error) {
    const int fd = ::openat(directoryFd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (errno != ENOENT)
            error = describe("cannot open", pathForErrors, errno);
        return {};
    }
    struct stat st { };
    if (::fstat(fd, &st) != 0) {
        error = describe("cannot stat", pathForErrors, errno);
        ::close(fd);
        return {};
    }
    if (!S_ISREG(st.st_mode)) {
        error = pathForErrors + ": not a regular file";
        ::close(fd);
        return {};
    }
    return {fd, static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
        static_cast<std::uint64_t>(st.st_size)};
}

std::string directoryOf(const std::string &path) {
    const std::size_t slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? std::string("/") : path.substr(0, slash);
}

// The file with this identity among the entries of `directory` (where rotation moves it).
OpenedFile openByIdentity(const std::string &directory, std::uint64_t device, std::uint64_t inode) {
    DIR *dir = ::opendir(directory.c_str());
    if (dir == nullptr)
        return {};
    const int dirFd = ::dirfd(dir);
    OpenedFile found;
    std::size_t scanned = 0;
    while (const dirent *entry = ::readdir(dir)) {
        if (++scanned > kMaxDirectoryEntries)
            break;
        struct stat st { };
        if (::fstatat(dirFd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)
            || static_cast<std::uint64_t>(st.st_dev) != device || static_cast<std::uint64_t>(st.st_ino) != inode)
            continue;
        std::string ignored;
        found = openRegular(dirFd, entry->d_name, directory, ignored);
        if (found.fd >= 0 && (found.device != device || found.inode != inode)) {
            ::close(found.fd); // replaced between the stat and the open
            found = {};
        }
        break;
    }
    ::closedir(dir);
    return found;
}

} // namespace

FileTail::FileTail(std::string path, FileTailOptions options)
    : m_path(std::move(path))
    , m_options(options)
    , m_buffer(kReadChunkBytes) {
    assert(m_options.maxLineBytes > 0);
    assert(m_options.maxBytesPerPoll > 0);
}

FileTail::~FileTail() {
    closeFile();
}

void FileTail::resumeFrom(const FilePosition &position) {
    if (!position.isSet())
        return;
    closeFile();
    m_resume = position;
}

FilePosition FileTail::position() const {
    if (m_fd >= 0)
        return {m_device, m_inode, m_lineStart};
    return m_resume.value_or(FilePosition {});
}

TailPollResult FileTail::poll(const LineHandler &handler) {
    TailPollResult result;
    const bool firstPoll = std::exchange(m_firstPoll, false);
    if (m_fd < 0 && !openFirst(firstPoll))
        return result;
    std::size_t budget = m_options.maxBytesPerPoll;
    for (;;) {
        const Drain drained = drain(handler, budget, result);
        if (drained == Drain::Budget) {
            result.more = true;
            return result;
        }
        if (drained == Drain::Error)
            return result;
        struct stat st { };
        if (::fstat(m_fd, &st) == 0 && static_cast<std::uint64_t>(st.st_size) < m_readOffset) {
            // copytruncate: the writer starts again at 0, and so do we.
            ++m_stats.truncations;
            restartAtBeginning();
            continue;
        }
        if (!switchToSuccessor(handler, budget, result))
            return result;
    }
}

bool FileTail::openFirst(bool firstPoll) {
    std::string error;
    const OpenedFile file = openRegular(AT_FDCWD, m_path.c_str(), m_path, error);
    if (m_resume) {
        const FilePosition saved = *m_resume;
        if (file.fd >= 0 && file.device == saved.device && file.inode == saved.inode) {
            m_resume.reset();
            adopt(file.fd, file.device, file.inode, file.size, saved.offset);
            return true;
        }
        // Rotated while we were not running: finish the saved file first if it is still there.
        const OpenedFile previous = openByIdentity(directoryOf(m_path), saved.device, saved.inode);
        if (previous.fd >= 0) {
            if (file.fd >= 0)
                ::close(file.fd);
            m_resume.reset();
            adopt(previous.fd, previous.device, previous.inode, previous.size, saved.offset);
            return true;
        }
        if (file.fd < 0) {
            if (!error.empty())
                fail(std::move(error));
            return false; // keep the saved position until a file turns up
        }
        // The saved file is gone: all of the one now at the path came after the position.
        m_resume.reset();
        ++m_stats.rotations;
        adopt(file.fd, file.device, file.inode, file.size, 0);
        return true;
    }
    if (file.fd < 0) {
        if (!error.empty())
            fail(std::move(error));
        return false;
    }
    adopt(file.fd, file.device, file.inode, file.size, 0);
    if (firstPoll && m_options.startAt == StartAt::End)
        m_lineStart = m_readOffset = lastLineBoundary(file.size);
    return true;
}

void FileTail::adopt(int fd, std::uint64_t device, std::uint64_t inode, std::uint64_t size, std::uint64_t offset) {
    assert(m_fd < 0);
    m_fd = fd;
    m_device = device;
    m_inode = inode;
    if (offset > size) {
        ++m_stats.truncations; // shrank under the saved position
        offset = 0;
    }
    m_lineStart = m_readOffset = offset;
    m_pending.clear();
    m_overlong = false;
}

void FileTail::closeFile() {
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

void FileTail::restartAtBeginning() {
    m_lineStart = m_readOffset = 0;
    m_pending.clear();
    m_overlong = false;
}

bool FileTail::switchToSuccessor(const LineHandler &handler, std::size_t &budget, TailPollResult &result) {
    struct stat st { };
    if (::stat(m_path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return false; // moved away and not replaced yet: keep reading the file we have
    if (static_cast<std::uint64_t>(st.st_dev) == m_device && static_cast<std::uint64_t>(st.st_ino) == m_inode)
        return false;
    // While the new file is empty the writer may still be appending to the old one (rsyslog
    // writes to the renamed file until logrotate's HUP makes it reopen the path).
    if (st.st_size == 0)
        return false;
    std::string error;
    const OpenedFile successor = openRegular(AT_FDCWD, m_path.c_str(), m_path, error);
    if (successor.fd < 0) {
        if (!error.empty())
            fail(std::move(error));
        return false;
    }
    // The writer has moved on: whatever it wrote to the old file before that is in it now.
    const Drain drained = drain(handler, budget, result);
    if (drained != Drain::EndOfFile) {
        ::close(successor.fd);
        result.more = drained == Drain::Budget;
        return false;
    }
    if (!m_pending.empty())
        finishLine(m_pending, handler, result); // the old file's last line will get no newline now
    ++m_stats.rotations;
    closeFile();
    adopt(successor.fd, successor.device, successor.inode, successor.size, 0);
    return true;
}

FileTail::Drain FileTail::drain(const LineHandler &handler, std::size_t &budget, TailPollResult &result) {
    while (budget > 0) {
        const std::size_t want = std::min(budget, m_buffer.size());
        const ssize_t n = ::pread(m_fd, m_buffer.data(), want, static_cast<off_t>(m_readOffset));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail(describe("cannot read", m_path, errno));
            return Drain::Error;
        }
        if (n == 0)
            return Drain::EndOfFile;
        const auto count = static_cast<std::size_t>(n);
        budget -= count;
        m_stats.bytesRead += count;
        consume(std::string_view(m_buffer.data(), count), handler, result);
    }
    return Drain::Budget;
}

void FileTail::consume(std::string_view data, const LineHandler &handler, TailPollResult &result) {
    while (!data.empty()) {
        const std::size_t newline = data.find('\n');
        if (newline == std::string_view::npos) {
            appendPending(data);
            m_readOffset += data.size();
            return;
        }
        const std::string_view segment = data.substr(0, newline);
        m_readOffset += newline + 1;
        data.remove_prefix(newline + 1);
        if (m_pending.empty() && !m_overlong) {
            finishLine(segment, handler, result); // the common case: straight from the read buffer
        } else {
            appendPending(segment);
            finishLine(m_pending, handler, result);
        }
    }
}

void FileTail::appendPending(std::string_view bytes) {
    if (m_overlong)
        return;
    const std::size_t room = m_options.maxLineBytes + 1 - m_pending.size();
    if (bytes.size() <= room) {
        m_pending.append(bytes);
        return;
    }
    m_pending.append(bytes.substr(0, room));
    m_overlong = true;
    ++m_stats.longLines;
}

void FileTail::finishLine(std::string_view line, const LineHandler &handler, TailPollResult &result) {
    const bool wasOverlong = m_overlong;
    if (!wasOverlong && !line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    if (line.size() > m_options.maxLineBytes) {
        line = line.substr(0, m_options.maxLineBytes);
        if (!wasOverlong)
            ++m_stats.longLines;
    }
    m_lineStart = m_readOffset;
    if (!line.empty()) {
        ++m_stats.linesRead;
        ++result.lines;
        handler(line, FilePosition {m_device, m_inode, m_lineStart});
    } else if (!wasOverlong) {
        ++m_stats.emptyLines;
    }
    m_pending.clear();
    m_overlong = false;
}

std::uint64_t FileTail::lastLineBoundary(std::uint64_t size) {
    // Just after the last newline, so that a line being written as we start is read once whole.
    const std::uint64_t floor = size > m_options.maxLineBytes ? size - m_options.maxLineBytes : 0;
    std::uint64_t end = size;
    while (end > floor) {
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(m_buffer.size(), end - floor));
        const std::uint64_t start = end - want;
        const ssize_t n = ::pread(m_fd, m_buffer.data(), want, static_cast<off_t>(start));
        if (n != static_cast<ssize_t>(want))
            return size; // unreadable or shrinking: the end it is
        for (std::size_t i = want; i > 0; --i) {
            if (m_buffer[i - 1] == '\n')
                return start + i;
        }
        end = start;
    }
    if (floor == 0)
        return 0; // the whole file is one line still being written
    m_overlong = true; // inside a line longer than the bound: skip to its end, hand on nothing
    return size;
}

void FileTail::fail(std::string message) {
    ++m_stats.errors;
    m_lastError = std::move(message);
}

} // namespace vanopticon::sentinel
