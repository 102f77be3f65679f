// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/config/section.h"
#include "shared/core/result.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace vanopticon::sentinel::buffer {

// The sentinel's `buffer:` block:
//
//   buffer:
//     type: disk              # disk (default) or memory (nothing survives a restart)
//     path: buffer            # relative to the data directory
//     max_size: 1GB           # beyond it the oldest batches are dropped, counted
//     max_age: 7d             # older batches are dropped, counted
//     compression: zstd       # batches are stored as sent: zstd frames
//     sync_interval: 0s       # 0: fdatasync after every batch; else at most one per interval
//     back_pressure:
//       high_watermark: 0.8   # share of max_size at which the sources are held back
//       low_watermark: 0.6    # … and let go again
struct BufferSettings {
    enum class Type { Disk, Memory };
    Type type = Type::Disk;
    std::string path = "buffer";
    std::uint64_t maxBytes = 1ull << 30;
    std::chrono::milliseconds maxAge {std::chrono::hours(24 * 7)};
    std::chrono::milliseconds syncInterval {0};
    double highWatermark = 0.8;
    double lowWatermark = 0.6;
};

Result<BufferSettings> parseBufferConfig(const config::Section &section);

} // namespace vanopticon::sentinel::buffer
