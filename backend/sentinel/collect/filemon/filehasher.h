// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace vanopticon::sentinel {

// SHA-256 of regular files (libsodium), streamed through one reused buffer: memory does not grow
// with the file, and files above the limit are not read at all.
class FileHasher {
public:
    enum class Outcome : std::uint8_t { Hashed, TooLarge, NotRegular, Unreadable };
    struct Hash {
        Outcome outcome = Outcome::Unreadable;
        std::string hex; // uppercase, as Sysmon writes it; empty unless Hashed
    };

    static constexpr std::size_t kChunkBytes = 64 * 1024;

    explicit FileHasher(std::uint64_t maxBytes);
    ~FileHasher();

    // Opens without following a symbolic link and without updating the access time where allowed.
    Hash sha256(const std::string &path);

private:
    std::uint64_t m_maxBytes;
    std::unique_ptr<unsigned char[]> m_buffer;
};

} // namespace vanopticon::sentinel
