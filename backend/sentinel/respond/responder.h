// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/respond/commandclock.h"
#include "sentinel/respond/commandpolicy.h"
#include "sentinel/respond/commandverifier.h"
#include "sentinel/respond/firewall.h"
#include "sentinel/respond/noncestore.h"

#include "vanopticon/v1/channel.pb.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace vanopticon::sentinel {

struct ResponderCounters {
    std::uint64_t received = 0;
    std::uint64_t executed = 0;
    std::uint64_t dryRun = 0;
    std::uint64_t refused = 0;
    std::uint64_t failed = 0;
    // Keyed by refusalCode(): "bad_signature", "replayed_nonce", …
    std::map<std::string, std::uint64_t, std::less<>> refusedByReason;
};

// Answers each signed command from the server with a CommandResult: REFUSED (with the reason)
// when verification or local policy says no, DRY_RUN when the node does not enforce, else
// EXECUTED or FAILED by what the firewall did.
class Responder {
public:
    Responder(CommandPolicy policy, std::string serverPublicKey, std::string nodeId, NonceStore nonces,
        std::unique_ptr<Firewall> firewall, CommandClock clock);
    // The verifier refers to members; a moved Responder would leave it dangling.
    Responder(const Responder &) = delete;
    Responder &operator=(const Responder &) = delete;

    v1::CommandResult handle(const v1::SignedCommand &command);

    const ResponderCounters &counters() const { return m_counters; }
    const CommandPolicy &policy() const { return m_policy; }

private:
    v1::CommandResult carryOut(const AcceptedCommand &command);

    CommandPolicy m_policy;
    NonceStore m_nonces;
    std::unique_ptr<Firewall> m_firewall;
    CommandClock m_clock;
    CommandVerifier m_verifier;
    ResponderCounters m_counters;
};

} // namespace vanopticon::sentinel
