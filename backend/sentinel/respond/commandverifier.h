// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/respond/commandclock.h"
#include "sentinel/respond/commandpolicy.h"
#include "sentinel/respond/commandrefusal.h"
#include "sentinel/respond/ipaddress.h"
#include "sentinel/respond/noncestore.h"
#include "shared/wire/domains.h"

#include "vanopticon/v1/channel.pb.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace vanopticon::sentinel {

// A command that passed every check and may be carried out.
struct AcceptedCommand {
    v1::CommandPayload payload;
    // For ip_block: the address to block, from inet_pton, with IPv4-mapped IPv6 turned into
    // IPv4. The text in the payload is not used again.
    std::optional<IpAddress> blockAddress;
    std::uint32_t blockSeconds = 0;
};

using CommandVerdict = std::variant<AcceptedCommand, CommandRefusal>;

// Decides whether this node carries out a signed command from the server. The checks run in a
// fixed order, cheapest trust first: parse; signature (nothing before it touches state, so a
// forger cannot fill the nonce store); addressed to this node; not expired; not issued in the
// future beyond kAllowedClockSkewMs; lifetime within policy; nonce well formed and unseen
// (it is then recorded durably); action allowed by local policy; parameters valid.
class CommandVerifier {
public:
    static constexpr std::string_view kSignatureDomain = wire::kCommandDomain;
    static constexpr std::int64_t kAllowedClockSkewMs = 5 * 60 * 1000;
    static constexpr std::size_t kMaxPayloadBytes = 16 * 1024;
    static constexpr std::size_t kMaxCommandIdBytes = 128;

    // `policy` and `nonces` must outlive the verifier.
    CommandVerifier(std::string serverPublicKey, std::string nodeId, const CommandPolicy &policy, NonceStore &nonces,
        CommandClock clock);

    CommandVerdict verify(const v1::SignedCommand &command);

private:
    CommandVerdict checkIpBlock(AcceptedCommand accepted) const;

    std::string m_serverPublicKey;
    std::string m_nodeId;
    const CommandPolicy &m_policy;
    NonceStore &m_nonces;
    CommandClock m_clock;
};

} // namespace vanopticon::sentinel
