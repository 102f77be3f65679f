// SPDX-License-Identifier: Apache-2.0
#include "shield/policy/policyengine.h"

#include <algorithm>

namespace vanopticon::shield {

void AlertFacts::set(std::string_view name, std::string value) {
    const FieldId id = internField(name);
    for (auto &[existing, text] : m_values) {
        if (existing == id) {
            text = std::move(value);
            return;
        }
    }
    m_values.emplace_back(id, std::move(value));
}

std::optional<std::string_view> AlertFacts::lookup(FieldId id) const {
    for (const auto &[existing, text] : m_values) {
        if (existing == id)
            return std::string_view(text);
    }
    return std::nullopt;
}

PolicyEngine::PolicyEngine(std::vector<Policy> policies)
    : m_policies(std::move(policies)) {
    std::stable_sort(
        m_policies.begin(), m_policies.end(), [](const Policy &a, const Policy &b) { return a.priority > b.priority; });
}

Result<std::string> PolicyEngine::expand(std::string_view text, const AlertFacts &facts) {
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t open = text.find("{{", pos);
        if (open == std::string_view::npos) {
            out.append(text.substr(pos));
            break;
        }
        const std::size_t close = text.find("}}", open + 2);
        if (close == std::string_view::npos)
            return makeError("unterminated placeholder in '" + std::string(text) + "'");
        out.append(text.substr(pos, open - pos));
        std::string_view name = text.substr(open + 2, close - open - 2);
        while (!name.empty() && name.front() == ' ')
            name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ')
            name.remove_suffix(1);
        const auto id = FieldRegistry::instance().find(name);
        const auto value = id ? facts.lookup(*id) : std::nullopt;
        if (!value || value->empty())
            return makeError("the alert has no " + std::string(name));
        out.append(*value);
        pos = close + 2;
    }
    return out;
}

Evaluation PolicyEngine::evaluate(const AlertFacts &facts) const {
    Evaluation result;
    for (const Policy &policy : m_policies) {
        if (!policy.enabled || !policy.conditions.matches(facts))
            continue;
        for (const ActionSpec &action : policy.actions) {
            auto target = expand(action.target, facts);
            if (!target) {
                result.problems.push_back("policy " + policy.name + ": " + action.type + ": " + target.error().message);
                continue;
            }
            // Policies are in priority order, so the first proposal of an (action, target) wins.
            const bool duplicate = std::any_of(result.proposals.begin(), result.proposals.end(),
                [&](const Proposal &p) { return p.action.type == action.type && p.target == *target; });
            if (!duplicate)
                result.proposals.push_back(Proposal {&policy, action, std::move(*target)});
        }
    }
    return result;
}

} // namespace vanopticon::shield
