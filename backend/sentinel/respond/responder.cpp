// SPDX-License-Identifier: Apache-2.0
#include "sentinel/respond/responder.h"

#include <cassert>
#include <utility>

namespace vanopticon::sentinel {

Responder::Responder(CommandPolicy policy, std::string serverPublicKey, std::string nodeId, NonceStore nonces,
    std::unique_ptr<Firewall> firewall, CommandClock clock)
    : m_policy(std::move(policy))
    , m_nonces(std::move(nonces))
    , m_firewall(std::move(firewall))
    , m_clock(std::move(clock))
    , m_verifier(std::move(serverPublicKey), std::move(nodeId), m_policy, m_nonces, m_clock) {
    assert(m_firewall);
}

v1::CommandResult Responder::handle(const v1::SignedCommand &command) {
    ++m_counters.received;
    CommandVerdict verdict = m_verifier.verify(command);
    if (const auto *refusal = std::get_if<CommandRefusal>(&verdict)) {
        ++m_counters.refused;
        ++m_counters.refusedByReason[std::string(refusalCode(refusal->reason))];
        v1::CommandResult result;
        result.set_command_id(refusal->commandId);
        result.set_status(v1::COMMAND_STATUS_REFUSED);
        result.set_detail(refusal->detail);
        result.set_completed_at_unix_ms(m_clock());
        return result;
    }
    return carryOut(std::get<AcceptedCommand>(verdict));
}

v1::CommandResult Responder::carryOut(const AcceptedCommand &command) {
    // ip_block is the only action the verifier accepts today.
    assert(command.payload.action() == kIpBlockAction && command.blockAddress.has_value());
    const std::string what
        = "block " + command.blockAddress->toString() + " for " + std::to_string(command.blockSeconds) + " s";

    v1::CommandResult result;
    result.set_command_id(command.payload.command_id());
    if (!m_policy.enforce) {
        ++m_counters.dryRun;
        result.set_status(v1::COMMAND_STATUS_DRY_RUN);
        result.set_detail("dry run: would " + what + " (respond.enforce is off on this node)");
    } else if (auto done = m_firewall->blockAddress(*command.blockAddress, command.blockSeconds); done) {
        ++m_counters.executed;
        result.set_status(v1::COMMAND_STATUS_EXECUTED);
        result.set_detail("done: " + what);
    } else {
        ++m_counters.failed;
        result.set_status(v1::COMMAND_STATUS_FAILED);
        result.set_detail("could not " + what + ": " + done.error().message);
    }
    result.set_completed_at_unix_ms(m_clock());
    return result;
}

} // namespace vanopticon::sentinel
