// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/filemon/filehasher.h"

#include "shared/crypto/crypto.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <string_view>

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vanopticon::sentinel {

namespace {

// O_NONBLOCK: opening a FIFO must not wait for a writer (it is then refused as not regular).
constexpr int kOpenFlags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;

int openForHashing(const std::string &path) {
    // Reading for a hash is not an access worth recording; O_NOATIME needs ownership or CAP_FOWNER.
    const int fd = ::open(path.c_str(), kOpenFlags | O_NOATIME);
    if (fd >= 0 || errno != EPERM)
        return fd;
    return ::open(path.c_str(), kOpenFlags);
}

class FileDescriptor {
public:
    explicit FileDescriptor(int fd)
        : m_fd(fd) { }
    ~FileDescriptor() {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    FileDescriptor(const FileDescriptor &) = delete;
    FileDescriptor &operator=(const FileDescriptor &) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

} // namespace

FileHasher::FileHasher(std::uint64_t maxBytes)
    : m_maxBytes(maxBytes)
    , m_buffer(std::make_unique<unsigned char[]>(kChunkBytes)) {
    crypto::initialize();
}

FileHasher::~FileHasher() = default;

FileHasher::Hash FileHasher::sha256(const std::string &path) {
    const FileDescriptor fd(openForHashing(path));
    if (fd.get() < 0)
        return {errno == ELOOP ? Outcome::NotRegular : Outcome::Unreadable, {}};
    struct stat info { };
    if (::fstat(fd.get(), &info) != 0)
        return {Outcome::Unreadable, {}};
    if (!S_ISREG(info.st_mode))
        return {Outcome::NotRegular, {}};
    if (std::uint64_t(info.st_size) > m_maxBytes)
        return {Outcome::TooLarge, {}};
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    std::uint64_t total = 0;
    for (;;) {
        const ssize_t n = ::read(fd.get(), m_buffer.get(), kChunkBytes);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return {Outcome::Unreadable, {}};
        if (n == 0)
            break;
        total += std::uint64_t(n);
        if (total > m_maxBytes) // it grew while being read
            return {Outcome::TooLarge, {}};
        crypto_hash_sha256_update(&state, m_buffer.get(), std::uint64_t(n));
    }
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest {};
    crypto_hash_sha256_final(&state, digest.data());
    std::string hex = crypto::toHex(std::string_view(reinterpret_cast<const char *>(digest.data()), digest.size()));
    std::transform(hex.begin(), hex.end(), hex.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    return {Outcome::Hashed, std::move(hex)};
}

} // namespace vanopticon::sentinel
