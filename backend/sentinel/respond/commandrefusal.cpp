// SPDX-License-Identifier: Apache-2.0
#include "sentinel/respond/commandrefusal.h"

namespace vanopticon::sentinel {

std::string_view refusalCode(RefusalReason reason) {
    switch (reason) {
    case RefusalReason::Malformed:
        return "malformed";
    case RefusalReason::BadSignature:
        return "bad_signature";
    case RefusalReason::WrongNode:
        return "wrong_node";
    case RefusalReason::Expired:
        return "expired";
    case RefusalReason::IssuedInFuture:
        return "issued_in_future";
    case RefusalReason::BadLifetime:
        return "bad_lifetime";
    case RefusalReason::BadNonce:
        return "bad_nonce";
    case RefusalReason::ReplayedNonce:
        return "replayed_nonce";
    case RefusalReason::NonceStoreUnavailable:
        return "nonce_store_unavailable";
    case RefusalReason::ActionNotAllowed:
        return "action_not_allowed";
    case RefusalReason::InvalidParameters:
        return "invalid_parameters";
    case RefusalReason::ProtectedAddress:
        return "protected_address";
    case RefusalReason::BlockTooLong:
        return "block_too_long";
    }
    return "unknown";
}

} // namespace vanopticon::sentinel
