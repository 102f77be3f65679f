// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

// Why a command was refused: a small fixed set, so refusals can be counted per reason.
enum class RefusalReason : std::uint8_t {
    Malformed,
    BadSignature,
    WrongNode,
    Expired,
    IssuedInFuture,
    BadLifetime,
    BadNonce,
    ReplayedNonce,
    NonceStoreUnavailable,
    ActionNotAllowed,
    InvalidParameters,
    ProtectedAddress,
    BlockTooLong,
};

// A stable snake_case name for metrics ("bad_signature", "replayed_nonce", …).
std::string_view refusalCode(RefusalReason reason);

struct CommandRefusal {
    RefusalReason reason;
    // A short sentence for CommandResult.detail.
    std::string detail;
    // The command's id when the payload could be read (even when it is not trusted), so the
    // server can match the refusal to what it sent; empty otherwise.
    std::string commandId;
};

} // namespace vanopticon::sentinel
