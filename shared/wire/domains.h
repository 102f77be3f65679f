// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

// Domain-separation strings of the channel's Ed25519 signatures (channel.proto). Each signed
// message is `domain || data`, so a signature made for one purpose never verifies for another.
namespace vanopticon::wire {

inline constexpr std::string_view kEnrollDomain = "vanopticon-enroll-v1"; // challenge || node public key
inline constexpr std::string_view kAuthDomain = "vanopticon-auth-v1"; // challenge || node id
inline constexpr std::string_view kCommandDomain = "vanopticon-command-v1"; // serialized CommandPayload

} // namespace vanopticon::wire
