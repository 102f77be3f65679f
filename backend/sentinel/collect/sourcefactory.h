// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/source.h"
#include "sentinel/parse/syslogcontext.h"
#include "shared/config/section.h"
#include "shared/core/result.h"

#include <memory>
#include <vector>

namespace vanopticon::sentinel {

// Builds the sources of the `collector:` block, one per entry of `sources`, by type. Every
// entry is validated (unknown types and settings refused with file:line); two entries that would
// collect the same thing are refused.
Result<std::vector<std::unique_ptr<Source>>> createSources(
    const config::Section &collector, const SyslogContext &context);

} // namespace vanopticon::sentinel
