// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/enrich/threatintel/feedcontents.h"
#include "shared/core/result.h"

#include <cstdint>
#include <string_view>

namespace vanopticon::sentinel {

// The indicators of a STIX 2.x bundle (or a single indicator object, or a JSON array of
// objects): each `indicator` with pattern_type stix (the default in 2.0) has its pattern reduced
// (stixpattern.h). Skipped and counted: revoked indicators, those whose valid_until is before
// `nowUnixNs`, other pattern languages (sigma, snort, yara…), and patterns that do not parse;
// unreducible and partial patterns are counted separately and named in the notes.
// Refuses text that is not JSON or holds no STIX objects.
Result<FeedContents> parseStixBundle(std::string_view json, std::int64_t nowUnixNs);

} // namespace vanopticon::sentinel
