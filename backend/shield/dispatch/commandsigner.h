// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/crypto/crypto.h"

#include "vanopticon/v1/channel.pb.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace vanopticon::shield {

struct PreparedCommand {
    std::string commandId;
    v1::SignedCommand command;
    std::int64_t expiresAtMs = 0;
};

// Builds response commands and signs them with the server's Ed25519 key: each carries a fresh
// 16-byte nonce and a short expiry, so a captured command cannot be replayed or used late.
class CommandSigner {
public:
    static constexpr std::chrono::minutes kDefaultLifetime {5};

    explicit CommandSigner(const crypto::SigningKey &key, std::chrono::milliseconds lifetime = kDefaultLifetime);

    PreparedCommand ipBlock(
        const std::string &nodeId, const std::string &address, std::uint32_t timeoutSeconds, std::int64_t nowMs) const;

private:
    const crypto::SigningKey &m_key;
    std::chrono::milliseconds m_lifetime;
};

} // namespace vanopticon::shield
