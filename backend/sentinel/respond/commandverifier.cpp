// SPDX-License-Identifier: Apache-2.0
#include "sentinel/respond/commandverifier.h"

#include "shared/crypto/crypto.h"

#include <cassert>
#include <utility>

namespace vanopticon::sentinel {

namespace {

// Peer text quoted in a detail sentence: printable ASCII only, and short.
std::string quoted(std::string_view text) {
    constexpr std::size_t kLongest = 64;
    std::string out = "'";
    for (std::size_t i = 0; i < text.size() && i < kLongest; ++i) {
        const char c = text[i];
        out += (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    if (text.size() > kLongest)
        out += "...";
    return out + "'";
}

std::string seconds(std::int64_t count) {
    return std::to_string(count) + " s";
}

} // namespace

CommandVerifier::CommandVerifier(std::string serverPublicKey, std::string nodeId, const CommandPolicy &policy,
    NonceStore &nonces, CommandClock clock)
    : m_serverPublicKey(std::move(serverPublicKey))
    , m_nodeId(std::move(nodeId))
    , m_policy(policy)
    , m_nonces(nonces)
    , m_clock(std::move(clock)) {
    assert(m_clock);
}

CommandVerdict CommandVerifier::verify(const v1::SignedCommand &command) {
    const std::string &payloadBytes = command.payload();
    if (payloadBytes.size() > kMaxPayloadBytes)
        return CommandRefusal {RefusalReason::Malformed,
            "the command payload is larger than " + std::to_string(kMaxPayloadBytes) + " bytes", {}};
    AcceptedCommand accepted;
    v1::CommandPayload &payload = accepted.payload;
    if (payloadBytes.empty() || !payload.ParseFromString(payloadBytes))
        return CommandRefusal {RefusalReason::Malformed, "the command payload could not be parsed", {}};
    if (payload.command_id().size() > kMaxCommandIdBytes)
        return CommandRefusal {RefusalReason::Malformed,
            "the command id is longer than " + std::to_string(kMaxCommandIdBytes) + " bytes", {}};

    auto refuse = [&payload](RefusalReason reason, std::string detail) -> CommandVerdict {
        return CommandRefusal {reason, std::move(detail), payload.command_id()};
    };

    if (!crypto::verifySignature(m_serverPublicKey, kSignatureDomain, payloadBytes, command.signature()))
        return refuse(RefusalReason::BadSignature, "the signature does not verify with the server's key");
    if (payload.node_id() != m_nodeId)
        return refuse(RefusalReason::WrongNode, "the command is addressed to another node");

    // Comparisons, never differences, of peer times: they may be any int64 and must not overflow.
    const std::int64_t now = m_clock();
    if (payload.expires_at_unix_ms() <= now)
        return refuse(RefusalReason::Expired, "the command has expired");
    if (payload.issued_at_unix_ms() > now + kAllowedClockSkewMs)
        return refuse(RefusalReason::IssuedInFuture,
            "the command was issued more than " + seconds(kAllowedClockSkewMs / 1000)
                + " in the future by this node's clock");
    if (payload.expires_at_unix_ms() <= payload.issued_at_unix_ms())
        return refuse(RefusalReason::BadLifetime, "the command expires before it was issued");
    const std::int64_t maxLifetimeMs = m_policy.maxCommandLifetime.count();
    if (payload.expires_at_unix_ms() > now + maxLifetimeMs)
        return refuse(RefusalReason::BadLifetime,
            "the command expires more than " + seconds(maxLifetimeMs / 1000)
                + " from now, longer than this node's max_command_lifetime");

    if (payload.nonce().size() != NonceStore::kNonceBytes)
        return refuse(RefusalReason::BadNonce,
            "the nonce must be " + std::to_string(NonceStore::kNonceBytes) + " bytes, not "
                + std::to_string(payload.nonce().size()));
    if (m_nonces.contains(payload.nonce()))
        return refuse(RefusalReason::ReplayedNonce, "replayed nonce: this command was already received");
    // Recorded before anything is done, so that a crash after acting cannot make it replayable;
    // also recorded for refusals below, so a refused command stays refused.
    if (auto recorded = m_nonces.remember(payload.nonce(), payload.expires_at_unix_ms(), now); !recorded)
        return refuse(RefusalReason::NonceStoreUnavailable, recorded.error().message);

    if (!m_policy.allows(payload.action()))
        return refuse(RefusalReason::ActionNotAllowed,
            "action " + quoted(payload.action()) + " is not allowed by this node's policy");
    if (payload.action() == kIpBlockAction)
        return checkIpBlock(std::move(accepted));
    return refuse(RefusalReason::ActionNotAllowed, "action " + quoted(payload.action()) + " is not supported");
}

CommandVerdict CommandVerifier::checkIpBlock(AcceptedCommand accepted) const {
    const v1::CommandPayload &payload = accepted.payload;
    auto refuse = [&payload](RefusalReason reason, std::string detail) -> CommandVerdict {
        return CommandRefusal {reason, std::move(detail), payload.command_id()};
    };
    if (payload.parameters_case() != v1::CommandPayload::kIpBlock)
        return refuse(RefusalReason::InvalidParameters, "ip_block needs ip_block parameters");
    const v1::IpBlock &block = payload.ip_block();

    auto parsed = IpAddress::parse(block.address());
    if (!parsed)
        return refuse(RefusalReason::InvalidParameters, quoted(block.address()) + " is not an IPv4 or IPv6 address");
    const IpAddress address = parsed->unmapped();
    if (address.isUnspecified() || address.isMulticast() || address.isBroadcast())
        return refuse(RefusalReason::InvalidParameters, address.toString() + " is not a unicast host address");
    if (const IpNetwork *network = m_policy.protectingNetwork(address))
        return refuse(RefusalReason::ProtectedAddress,
            address.toString() + " is inside protected network " + network->toString());

    if (block.timeout_seconds() == 0)
        return refuse(RefusalReason::InvalidParameters, "the block timeout must be at least 1 s");
    const std::int64_t longest = m_policy.maxBlockDuration.count();
    if (block.timeout_seconds() > longest)
        return refuse(RefusalReason::BlockTooLong,
            "a block of " + seconds(block.timeout_seconds()) + " is longer than this node's max_block_duration ("
                + seconds(longest) + ")");

    accepted.blockAddress = address;
    accepted.blockSeconds = block.timeout_seconds();
    return accepted;
}

} // namespace vanopticon::sentinel
