// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

// The nftables objects this node manages: `table inet <table>` holding one timeout set per
// address family.
struct NftablesNames {
    std::string table = "vanopticon";
    std::string ipv4Set = "blocked_ipv4";
    std::string ipv6Set = "blocked_ipv6";
};

// Older kernels limit table and set names to 32 bytes; staying within that works everywhere.
inline constexpr std::size_t kMaxNftIdentifierLength = 32;

// A name that can be written into an nft command as it is: a letter, then letters, digits or
// '_', at most kMaxNftIdentifierLength characters. Anything else could change the command.
Result<void> checkNftIdentifier(std::string_view name);
Result<void> checkNftablesNames(const NftablesNames &names);

} // namespace vanopticon::sentinel
