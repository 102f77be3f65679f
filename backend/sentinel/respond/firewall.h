// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/respond/ipaddress.h"
#include "shared/core/result.h"

#include <cstdint>

namespace vanopticon::sentinel {

// Where response actions land on the host. Blocks are temporary: the firewall itself removes
// them after their timeout, so a node that loses contact with the server does not keep them.
class Firewall {
public:
    virtual ~Firewall() = default;
    // Drops traffic from `address` for `timeoutSeconds`; blocking an address that is already
    // blocked restarts its timeout.
    virtual Result<void> blockAddress(const IpAddress &address, std::uint32_t timeoutSeconds) = 0;
};

} // namespace vanopticon::sentinel
