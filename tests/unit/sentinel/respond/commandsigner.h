// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/crypto/crypto.h"

#include "vanopticon/v1/channel.pb.h"

#include <cstdint>
#include <string>

// Makes signed commands the way the server does, with a real Ed25519 key.
struct CommandSigner {
    static constexpr std::int64_t kNow = 1'700'000'000'000;

    vanopticon::crypto::SigningKey key = vanopticon::crypto::SigningKey::generate();
    std::string nodeId = "node-7";

    // A valid ip_block for `nodeId`, issued now and valid for 10 minutes, with a fresh nonce.
    vanopticon::v1::CommandPayload payload(std::string address = "203.0.113.7", std::uint32_t timeout = 3600) const {
        vanopticon::v1::CommandPayload p;
        p.set_command_id("cmd-" + vanopticon::crypto::toHex(vanopticon::crypto::randomBytes(4)));
        p.set_node_id(nodeId);
        p.set_action("ip_block");
        p.set_nonce(vanopticon::crypto::randomBytes(16));
        p.set_issued_at_unix_ms(kNow);
        p.set_expires_at_unix_ms(kNow + 10 * 60 * 1000);
        p.mutable_ip_block()->set_address(std::move(address));
        p.mutable_ip_block()->set_timeout_seconds(timeout);
        return p;
    }

    vanopticon::v1::SignedCommand sign(const vanopticon::v1::CommandPayload &payload) const {
        vanopticon::v1::SignedCommand command;
        command.set_payload(payload.SerializeAsString());
        command.set_signature(key.sign("vanopticon-command-v1", command.payload()));
        return command;
    }
};
