// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/respond/firewall.h"
#include "sentinel/respond/nftablesnames.h"
#include "shared/core/result.h"

#include <cstdint>
#include <memory>
#include <string>

namespace vanopticon::sentinel {

// Blocks addresses through libnftables, in this node's own table:
//
//   table inet <table> {
//       set <ipv4_set> { type ipv4_addr; flags timeout; }
//       set <ipv6_set> { type ipv6_addr; flags timeout; }
//       chain input { type filter hook input priority filter - 10; policy accept;
//           ip saddr @<ipv4_set> drop
//           ip6 saddr @<ipv6_set> drop }
//   }
//
// Every change is one nft transaction that first re-creates that shape idempotently (existing
// set elements are kept; the chain's rules are replaced by exactly the two drop rules), so a
// table deleted or edited by hand is repaired by the next block. Command text is built only
// from validated names and from addresses formatted from binary.
class NftablesFirewall final : public Firewall {
public:
    // Refuses names that are not plain nft identifiers.
    static Result<std::unique_ptr<NftablesFirewall>> create(NftablesNames names);

    const NftablesNames &names() const { return m_names; }

    // Runs the block script through nft without committing it (libnftables dry run), so that
    // names nft cannot take — its keywords, such as "counter" — are reported at startup rather
    // than at the first command. Needs the same privileges as a block; changes nothing.
    Result<void> check() const;
    // Creates the table, sets and chain when missing; never removes set elements.
    Result<void> ensure();
    Result<void> blockAddress(const IpAddress &address, std::uint32_t timeoutSeconds) override;

    // The nft scripts, exposed so they can be logged and reviewed.
    std::string ensureScript() const;
    std::string blockScript(const IpAddress &address, std::uint32_t timeoutSeconds) const;

private:
    explicit NftablesFirewall(NftablesNames names)
        : m_names(std::move(names)) { }

    NftablesNames m_names;
};

} // namespace vanopticon::sentinel
