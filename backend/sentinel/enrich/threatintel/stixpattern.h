// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/enrich/threatintel/indicator.h"
#include "shared/core/result.h"

#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::sentinel {

// A STIX 2.1 pattern reduced to the observable values an IOC set can hold.
//
// Supported comparisons: `=` and `IN (…)` on ipv4-addr:value / ipv6-addr:value (addresses and
// CIDR blocks), domain-name:value, url:value, any `…:hashes.<algorithm>`, and the addresses of
// network-traffic:src_ref.value / dst_ref.value. Everything else (MATCHES, LIKE, !=, NOT,
// ranges, other objects) cannot be expressed as a set of values.
//
// The values found are `complete` when every match of the pattern involves one of them:
// AND and FOLLOWEDBY need only one complete side (the other merely narrows the match), OR needs
// both. An incomplete result with values is a partial reduction (the values are still worth
// matching); one without values is unreducible. `reason` says what could not be reduced.
struct StixReduction {
    std::vector<Indicator> values;
    bool complete = false;
    std::string reason;
};

// Refuses text that is not a STIX pattern (syntax error, or beyond the size and depth bounds).
Result<StixReduction> reduceStixPattern(std::string_view pattern);

inline constexpr std::size_t kMaxStixPatternLength = 64 * 1024;

} // namespace vanopticon::sentinel
