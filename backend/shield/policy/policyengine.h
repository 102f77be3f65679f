// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "shared/event/fieldid.h"
#include "shield/policy/policy.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::shield {

// The facts about an alert that policy conditions and action targets can name:
// rule_id, title, severity, score, score_band, host, node_id, count, and the alert's group
// fields (SourceIp, User, …).
class AlertFacts {
public:
    void set(std::string_view name, std::string value);
    std::optional<std::string_view> lookup(FieldId id) const;

private:
    std::vector<std::pair<FieldId, std::string>> m_values;
};

struct Proposal {
    const Policy *policy = nullptr;
    ActionSpec action;
    std::string target; // the action's target with placeholders filled in
};

struct Evaluation {
    std::vector<Proposal> proposals; // highest priority first; one per (action, target)
    std::vector<std::string> problems; // why a matching policy proposed nothing
};

// Evaluates enabled policies against an alert. Plain C++; the policies are compiled once.
class PolicyEngine {
public:
    explicit PolicyEngine(std::vector<Policy> policies);

    Evaluation evaluate(const AlertFacts &facts) const;
    const std::vector<Policy> &policies() const { return m_policies; }

    // Fills {{Field}} placeholders; fails naming the first field the alert does not have.
    static Result<std::string> expand(std::string_view text, const AlertFacts &facts);

private:
    std::vector<Policy> m_policies; // sorted by priority, highest first
};

} // namespace vanopticon::shield
