// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/config/section.h"
#include "shared/core/result.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vanopticon::sentinel {

// The kinds of change reported, as bits of FileMonitorConfig::events.
enum class FileChangeKind : std::uint8_t {
    Create = 1,
    Modify = 2,
    Delete = 4,
    Rename = 8,
    Attribute = 16,
};
inline constexpr unsigned kAllFileChanges = 31;

// One `type: file_monitor` entry of collector.sources.
struct FileMonitorConfig {
    std::vector<std::string> paths; // absolute, normalized; directories or single files
    std::vector<std::string> exclude; // globs, see PathFilter
    bool recursive = true;
    unsigned events = kAllFileChanges;
    bool hashSha256 = false;
    std::uint64_t maxHashBytes = 64u << 20;
    std::size_t maxWatches = 65536; // directories watched by this source

    bool reports(FileChangeKind kind) const { return (events & unsigned(kind)) != 0; }
};

// Reads one entry:
//   - type: file_monitor
//     paths: [/etc, /usr/local/bin, /root/.ssh/authorized_keys]  # required, absolute
//     exclude: ["*.swp", "/etc/ssl/certs"]  # optional globs: without '/' a name at any depth,
//                                           # with '/' a whole path ('*' stops at '/')
//     recursive: true              # optional: watch directories below the paths (default)
//     events: [create, modify, delete, rename, attribute]  # optional, default all
//     hash: sha256                 # optional: none (default) | sha256 of created/modified files
//     max_hash_size: 64MB          # optional, larger files are not hashed (1 byte to 1GB)
//     max_watches: 65536           # optional, directories watched (1 to 1048576)
// Unknown settings and bad values are refused with file:line.
Result<FileMonitorConfig> parseFileMonitorConfig(const config::Section &entry);

} // namespace vanopticon::sentinel
