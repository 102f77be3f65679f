// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/config/section.h"
#include "shared/core/result.h"

#include <string>

namespace vanopticon::sentinel {

// One `type: evtx` entry of collector.sources.
struct EvtxConfig {
    std::string path; // absolute: one .evtx file or a glob (*, ?, [...])
    bool includeRecovered = false; // EvtxImportOptions::includeRecovered
};

// Reads one entry:
//   - type: evtx
//     path: /srv/import/*.evtx     # required, absolute: a file or a glob; each file is read once
//     include_recovered: false     # optional: also the records recovered from slack space
// Unknown settings and bad values are refused with file:line.
Result<EvtxConfig> parseEvtxConfig(const config::Section &entry);

} // namespace vanopticon::sentinel
