// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/respond/ipnetwork.h"
#include "sentinel/respond/nftablesnames.h"
#include "shared/config/section.h"
#include "shared/core/result.h"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::sentinel {

inline constexpr std::string_view kIpBlockAction = "ip_block";

// Networks no command may block, whatever the configuration says: blocking loopback would cut
// the node off from itself.
std::vector<IpNetwork> loopbackNetworks();

// What this node lets the server do to it: the local half of the trust model. A verified
// signature says the server asked; the policy says whether this node agrees.
struct CommandPolicy {
    // Off by default: verify and report what would have been done, change nothing.
    bool enforce = false;
    std::vector<std::string> allowedActions {std::string(kIpBlockAction)};
    std::chrono::seconds maxBlockDuration = std::chrono::hours(24);
    // A command whose expiry lies further than this from now is refused. It also bounds how long
    // the nonce store must remember a nonce.
    std::chrono::milliseconds maxCommandLifetime = std::chrono::hours(1);
    // Always includes loopbackNetworks().
    std::vector<IpNetwork> protectedNetworks = loopbackNetworks();
    NftablesNames nftables;

    bool allows(std::string_view action) const;
    // The first protected network that contains the address, or nullptr.
    const IpNetwork *protectingNetwork(const IpAddress &address) const;
};

// Bounds of the durations a configuration may give.
inline constexpr std::chrono::hours kLongestBlockDuration {24 * 365};
inline constexpr std::chrono::hours kLongestCommandLifetime {24 * 7};

// Reads the sentinel's `respond:` block; an absent block gives the defaults. Unknown keys,
// unknown actions, bad networks and bad nftables names are refused with file:line.
Result<CommandPolicy> parseRespondConfig(const config::Section &respond);

} // namespace vanopticon::sentinel
