// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace vanopticon::sentinel {

// The nonces of commands this node has acted on (executed, dry-run, or refused after the
// signature and the time checks passed), each kept until its command expires. Persisted in
// `<directory>/command-nonces`, so that a restart does not reopen a replay window.
//
// Every change is written to disk before it is reported: a command is acted on only after
// its nonce is durable. The store is bounded: when `capacity` unexpired nonces are held, new
// ones are refused (and so are their commands) rather than the file growing without limit.
class NonceStore {
public:
    static constexpr std::size_t kNonceBytes = 16;
    static constexpr std::size_t kDefaultCapacity = 100'000;
    static constexpr std::string_view kFileName = "command-nonces";

    // Loads the file when it exists (creating the directory when it does not); a damaged or
    // foreign file is an error, since starting empty would make old commands replayable.
    static Result<NonceStore> open(
        const std::string &directory, std::int64_t nowUnixMs, std::size_t capacity = kDefaultCapacity);

    bool contains(std::string_view nonce) const;
    // Prunes expired entries, then records `nonce` (kNonceBytes) until `expiresAtUnixMs` and
    // writes the file (temporary file, fsync, rename, fsync of the directory).
    Result<void> remember(std::string_view nonce, std::int64_t expiresAtUnixMs, std::int64_t nowUnixMs);

    std::size_t size() const { return m_expiries.size(); }
    std::size_t capacity() const { return m_capacity; }
    const std::string &filePath() const { return m_path; }

private:
    NonceStore(std::string path, std::size_t capacity)
        : m_path(std::move(path))
        , m_capacity(capacity) { }

    Result<void> load(std::int64_t nowUnixMs);
    void prune(std::int64_t nowUnixMs);
    Result<void> save() const;

    std::string m_path;
    std::size_t m_capacity;
    std::unordered_map<std::string, std::int64_t> m_expiries;
};

} // namespace vanopticon::sentinel
