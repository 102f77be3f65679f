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

// One `type: syslog` entry of `collector.sources`: log files tailed.
struct SourceConfig {
    std::string path; // absolute
    LineFormat format = LineFormat::Rfc3164;
    StartAt startAt = StartAt::Beginning;
    std::chrono::milliseconds pollInterval {250};
};

inline constexpr std::chrono::milliseconds kMinPollInterval {10};
inline constexpr std::chrono::milliseconds kMaxPollInterval {3'600'000};

// Reads one `type: syslog` entry of collector.sources (the other types: sourcefactory.cpp):
//   - type: syslog
//     path: /var/log/auth.log # absolute, may be a glob (*, ?, [...]); each file at most once
//     format: auto            # a LineFormat name (lineformat.h); auto recognises each line
//     start_at: end           # optional: beginning (default) | end
//     poll_interval: 250ms    # optional: 10ms to 1h
// Unknown settings, unknown formats and bad values are refused with file:line.
Result<SourceConfig> parseSyslogFileConfig(const config::Section &entry);

} // namespace vanopticon::sentinel
