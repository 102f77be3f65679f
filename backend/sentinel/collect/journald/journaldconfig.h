// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/filetail.h"
#include "shared/config/section.h"
#include "shared/core/result.h"

#include <chrono>
#include <string>
#include <vector>

namespace vanopticon::sentinel {

// One `type: journald` entry of collector.sources.
struct JournaldConfig {
    std::string directory; // a journal directory; empty: the local system journal
    std::vector<std::string> units; // _SYSTEMD_UNIT values
    std::vector<std::string> identifiers; // SYSLOG_IDENTIFIER values
    StartAt startAt = StartAt::End; // where to begin when there is no saved cursor
    std::chrono::milliseconds pollInterval {1000}; // looked at even without a notification

    // "journald:system" or "journald:/dir", with the filters: names the source in checkpoints.
    std::string sourceName() const;
};

inline constexpr std::size_t kMaxJournaldFilters = 256;
inline constexpr std::size_t kMaxJournaldFilterBytes = 256;

// Reads one entry:
//   - type: journald
//     directory: /var/log/journal  # optional, absolute: read the journal files there; default:
//                                  #   the local system journal (/run/log/journal, /var/log/journal)
//     units: [ssh.service]         # optional: only entries of these units (_SYSTEMD_UNIT) …
//     identifiers: [sshd, sudo]    # optional: … or of these programs (SYSLOG_IDENTIFIER)
//     start_at: end                # optional: end (default) | beginning, when there is no saved cursor
//     poll_interval: 1s            # optional: 10ms to 1h, a fallback for missed notifications
// With both units and identifiers an entry matching either is read. Unknown settings and bad
// values are refused with file:line.
Result<JournaldConfig> parseJournaldConfig(const config::Section &entry);

} // namespace vanopticon::sentinel
