// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"

#include <cstdint>
#include <string>

namespace vanopticon::sentinel {

// Hands out this node's event sequence numbers. The server stores each (node, sequence) once,
// so a number must never be reused, even after a crash: numbers are reserved in blocks whose
// upper bound is written to disk before any number of the block is used. A crash skips the
// rest of a block; it never repeats one.
class SequenceStore {
public:
    static constexpr std::uint64_t kBlock = 4096;

    static Result<SequenceStore> open(const std::string &path);
    Result<std::uint64_t> next();

private:
    std::string m_path;
    std::uint64_t m_next = 1;
    std::uint64_t m_reservedUpTo = 0; // exclusive
};

} // namespace vanopticon::sentinel
