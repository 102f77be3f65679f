// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/expr/expression.h"

#include <chrono>
#include <string>
#include <vector>

namespace vanopticon::shield {

// One response a policy proposes. `target` may hold {{Field}} placeholders filled from the
// alert (e.g. "{{SourceIp}}").
struct ActionSpec {
    std::string type; // ip_block
    std::string target;
    std::chrono::seconds duration {0};
};

// A response policy (the isolate_ransomware format): when `conditions` match an alert,
// propose `actions`, waiting for a human when `requireApproval`.
struct Policy {
    std::string name;
    std::string description;
    int priority = 0; // higher wins when policies propose the same action on the same target
    bool enabled = true;
    expr::Expression conditions;
    std::vector<ActionSpec> actions;
    bool requireApproval = true;
    std::string source; // file:line, for messages
};

// Action types the shield knows how to carry out, and how risky each is by default.
bool isKnownAction(std::string_view type);

} // namespace vanopticon::shield
