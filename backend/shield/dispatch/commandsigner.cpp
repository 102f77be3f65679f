// SPDX-License-Identifier: Apache-2.0
#include "shield/dispatch/commandsigner.h"

#include "shared/wire/domains.h"

namespace vanopticon::shield {

CommandSigner::CommandSigner(const crypto::SigningKey &key, std::chrono::milliseconds lifetime)
    : m_key(key)
    , m_lifetime(lifetime) {
}

PreparedCommand CommandSigner::ipBlock(
    const std::string &nodeId, const std::string &address, std::uint32_t timeoutSeconds, std::int64_t nowMs) const {
    PreparedCommand prepared;
    prepared.commandId = crypto::randomToken("cmd_", 16);
    prepared.expiresAtMs = nowMs + m_lifetime.count();

    v1::CommandPayload payload;
    payload.set_command_id(prepared.commandId);
    payload.set_node_id(nodeId);
    payload.set_action("ip_block");
    payload.set_nonce(crypto::randomBytes(16));
    payload.set_issued_at_unix_ms(nowMs);
    payload.set_expires_at_unix_ms(prepared.expiresAtMs);
    payload.mutable_ip_block()->set_address(address);
    payload.mutable_ip_block()->set_timeout_seconds(timeoutSeconds);

    const std::string bytes = payload.SerializeAsString();
    prepared.command.set_payload(bytes);
    prepared.command.set_signature(m_key.sign(wire::kCommandDomain, bytes));
    return prepared;
}

} // namespace vanopticon::shield
