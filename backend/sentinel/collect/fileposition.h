// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

namespace vanopticon::sentinel {

// Where reading a file stands: which file (device and inode, so a rotated file is still
// recognised under another name) and the offset just after the last line handed on. The caller
// persists it once the lines before it are safe, and passes it back after a restart.
struct FilePosition {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t offset = 0;

    // Inode 0 is never a file's: a default position names none.
    bool isSet() const { return inode != 0; }
    friend bool operator==(const FilePosition &, const FilePosition &) = default;
};

} // namespace vanopticon::sentinel
