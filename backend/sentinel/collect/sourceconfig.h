// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/filetail.h"
#include "sentinel/parse/lineformat.h"
#include "shared/config/section.h"
#include "shared/core/result.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace vanopticon::sentinel {

enum class SourceType : std::uint8_t { Syslog };

// One entry of `collector.sources` in the sentinel's configuration.
struct SourceConfig {
    SourceType type = SourceType::Syslog;
    std::string path; // absolute
    LineFormat format = LineFormat::Rfc3164;
    StartAt startAt = StartAt::Beginning;
    std::chrono::milliseconds pollInterval {250};
};

inline constexpr std::chrono::milliseconds kMinPollInterval {10};
inline constexpr std::chrono::milliseconds kMaxPollInterval {3'600'000};

// Reads the `collector` block:
//   collector:
//     sources:
//       - type: syslog            # the only type for now
//         path: /var/log/auth.log # absolute; each file at most once
//         format: rfc3164         # the only format for now
//         start_at: end           # optional: beginning (default) | end
//         poll_interval: 250ms    # optional: 10ms to 1h
// Unknown settings, other types and formats, and bad values are refused with file:line.
// One `type: syslog` entry of collector.sources. `path` may be a glob (*, ?, [...]).
Result<SourceConfig> parseSyslogFileConfig(const config::Section &entry);

} // namespace vanopticon::sentinel
