// SPDX-License-Identifier: Apache-2.0
#include "sentinel/respond/noncestore.h"

#include "shared/crypto/crypto.h"

#include <cassert>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace vanopticon::sentinel {

namespace {

constexpr std::string_view kHeader = "vanopticon-command-nonces v1\n";
// "<32 hex digits> <expiry, at most 20 characters>\n"
constexpr std::size_t kMaxLineBytes = NonceStore::kNonceBytes * 2 + 1 + 20 + 1;

std::string systemError(const std::string &path, int error) {
    return path + ": " + std::strerror(error);
}

// Reads at most `limit` + 1 bytes, so that an oversized file is noticed without reading it all.
Result<std::string> readBounded(const std::string &path, std::size_t limit) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return makeError(systemError(path, errno));
    std::string data;
    char chunk[8192];
    while (data.size() <= limit) {
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            return makeError(systemError(path, error));
        }
        if (n == 0)
            break;
        data.append(chunk, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return data;
}

bool writeAll(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

} // namespace

Result<NonceStore> NonceStore::open(const std::string &directory, std::int64_t nowUnixMs, std::size_t capacity) {
    assert(capacity > 0);
    if (directory.empty())
        return makeError("no directory given for the command nonce store");
    std::error_code error;
    std::filesystem::create_directories(directory, error);
    if (error)
        return makeError(directory + ": cannot create the directory: " + error.message());
    NonceStore store((std::filesystem::path(directory) / kFileName).string(), capacity);
    if (auto loaded = store.load(nowUnixMs); !loaded)
        return loaded.error();
    return store;
}

Result<void> NonceStore::load(std::int64_t nowUnixMs) {
    struct stat st { };
    if (::stat(m_path.c_str(), &st) != 0) {
        if (errno == ENOENT)
            return {};
        return makeError(systemError(m_path, errno));
    }
    const std::size_t limit = kHeader.size() + m_capacity * kMaxLineBytes;
    auto data = readBounded(m_path, limit);
    if (!data)
        return data.error();
    if (data->size() > limit)
        return makeError(m_path + ": larger than " + std::to_string(m_capacity) + " nonces can be; not a nonce file");
    std::string_view rest(*data);
    if (rest.substr(0, kHeader.size()) != kHeader)
        return makeError(m_path + ": not a command nonce file (unknown header)");
    rest.remove_prefix(kHeader.size());

    std::size_t lineNumber = 1;
    while (!rest.empty()) {
        ++lineNumber;
        const std::size_t end = rest.find('\n');
        const std::string damaged = m_path + ":" + std::to_string(lineNumber) + ": damaged nonce entry";
        if (end == std::string_view::npos)
            return makeError(damaged + " (no line end)");
        const std::string_view line = rest.substr(0, end);
        rest.remove_prefix(end + 1);

        const std::size_t space = line.find(' ');
        if (space != kNonceBytes * 2)
            return makeError(damaged);
        auto nonce = crypto::fromHex(line.substr(0, space));
        const std::string_view expiryText = line.substr(space + 1);
        std::int64_t expiry = 0;
        const auto [last, ec] = std::from_chars(expiryText.data(), expiryText.data() + expiryText.size(), expiry);
        if (!nonce || nonce->size() != kNonceBytes || expiryText.empty() || ec != std::errc()
            || last != expiryText.data() + expiryText.size())
            return makeError(damaged);
        std::int64_t &kept = m_expiries[*nonce];
        kept = std::max(kept, expiry);
    }
    prune(nowUnixMs);
    return {};
}

bool NonceStore::contains(std::string_view nonce) const {
    return m_expiries.find(std::string(nonce)) != m_expiries.end();
}

void NonceStore::prune(std::int64_t nowUnixMs) {
    std::erase_if(m_expiries, [nowUnixMs](const auto &entry) { return entry.second <= nowUnixMs; });
}

Result<void> NonceStore::remember(std::string_view nonce, std::int64_t expiresAtUnixMs, std::int64_t nowUnixMs) {
    assert(nonce.size() == kNonceBytes);
    prune(nowUnixMs);
    auto existing = m_expiries.find(std::string(nonce));
    if (existing == m_expiries.end() && m_expiries.size() >= m_capacity)
        return makeError("this node already holds " + std::to_string(m_capacity)
            + " unexpired command nonces, its limit; new commands are refused until some expire");
    if (existing != m_expiries.end())
        existing->second = std::max(existing->second, expiresAtUnixMs);
    else
        m_expiries.emplace(nonce, expiresAtUnixMs);
    // On a failed write the nonce stays remembered in memory: this process still refuses a
    // replay, and the command itself is refused because the caller sees the error.
    return save();
}

Result<void> NonceStore::save() const {
    std::string data;
    data.reserve(kHeader.size() + m_expiries.size() * kMaxLineBytes);
    data.append(kHeader);
    for (const auto &[nonce, expiry] : m_expiries)
        data.append(crypto::toHex(nonce)).append(" ").append(std::to_string(expiry)).append("\n");

    const std::string temporary = m_path + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return makeError("cannot record the command nonce: " + systemError(temporary, errno));
    const bool written = writeAll(fd, data);
    const int writeError = errno;
    const bool synced = written && ::fsync(fd) == 0;
    const int syncError = errno;
    const bool closed = ::close(fd) == 0;
    if (!written || !synced || !closed) {
        ::unlink(temporary.c_str());
        return makeError(
            "cannot record the command nonce: " + systemError(temporary, !written ? writeError : syncError));
    }
    if (::rename(temporary.c_str(), m_path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temporary.c_str());
        return makeError("cannot record the command nonce: " + systemError(m_path, error));
    }
    // The rename is durable only once the directory entry is.
    const std::string directory = std::filesystem::path(m_path).parent_path().string();
    const int dirFd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd < 0)
        return makeError("cannot record the command nonce: " + systemError(directory, errno));
    const bool dirSynced = ::fsync(dirFd) == 0;
    const int dirError = errno;
    ::close(dirFd);
    if (!dirSynced)
        return makeError("cannot record the command nonce: " + systemError(directory, dirError));
    return {};
}

} // namespace vanopticon::sentinel
