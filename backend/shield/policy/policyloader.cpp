// SPDX-License-Identifier: Apache-2.0
#include "shield/policy/policyloader.h"

#include "shared/config/section.h"

#include <algorithm>
#include <filesystem>
#include <set>

namespace vanopticon::shield {

bool isKnownAction(std::string_view type) {
    return type == "ip_block";
}

namespace {

bool isValidName(const std::string &name) {
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

Result<ActionSpec> loadAction(const config::Section &section) {
    if (auto ok = section.allowOnly({"type", "target", "duration"}); !ok)
        return ok.error();
    ActionSpec action;
    auto type = section.requireString("type");
    if (!type)
        return type.error();
    if (!isKnownAction(*type))
        return section.child("type").error("unknown action type '" + *type + "' (known: ip_block)");
    action.type = *type;
    auto target = section.requireString("target");
    if (!target)
        return target.error();
    action.target = *target;
    auto duration = section.duration("duration", std::chrono::hours(1));
    if (!duration)
        return duration.error();
    if (duration->count() < 1000 || *duration > std::chrono::hours(24 * 30))
        return section.child("duration").error("must be between 1s and 30d");
    action.duration = std::chrono::duration_cast<std::chrono::seconds>(*duration);
    return action;
}

Result<Policy> loadPolicy(const config::Section &section) {
    if (auto ok = section.allowOnly(
            {"name", "description", "priority", "enabled", "conditions", "actions", "require_approval"});
        !ok)
        return ok.error();
    Policy policy;
    policy.source = section.where();
    auto name = section.requireString("name");
    if (!name)
        return name.error();
    if (!isValidName(*name))
        return section.child("name").error("a policy name uses a-z, 0-9, '_' and '-' (at most 64)");
    policy.name = *name;
    auto description = section.string("description", "");
    auto priority = section.integer("priority", 0, -1000, 1000);
    auto enabled = section.boolean("enabled", true);
    auto approval = section.boolean("require_approval", true);
    if (!description)
        return description.error();
    if (!priority)
        return priority.error();
    if (!enabled)
        return enabled.error();
    if (!approval)
        return approval.error();
    policy.description = *description;
    policy.priority = static_cast<int>(*priority);
    policy.enabled = *enabled;
    policy.requireApproval = *approval;
    if (!section.has("conditions"))
        return section.error("policy '" + policy.name
            + "' has no conditions (a policy that matches "
              "every alert must say so: conditions: 'severity >= info')");
    auto conditions = expr::Expression::fromConfig(section.child("conditions"));
    if (!conditions)
        return conditions.error();
    policy.conditions = std::move(*conditions);
    auto actions = section.child("actions").elements();
    if (!actions)
        return actions.error();
    if (actions->empty())
        return section.error("policy '" + policy.name + "' has no actions");
    for (const config::Section &item : *actions) {
        auto action = loadAction(item);
        if (!action)
            return action.error();
        policy.actions.push_back(std::move(*action));
    }
    return policy;
}

} // namespace

Result<std::vector<Policy>> loadPolicies(const std::string &path) {
    auto root = config::Section::loadFile(path);
    if (!root)
        return root.error();
    if (auto ok = root->allowOnly({"policies"}); !ok)
        return ok.error();
    auto items = root->child("policies").elements();
    if (!items)
        return items.error();
    std::vector<Policy> policies;
    for (const config::Section &item : *items) {
        auto policy = loadPolicy(item);
        if (!policy)
            return policy.error();
        policies.push_back(std::move(*policy));
    }
    return policies;
}

Result<std::vector<Policy>> loadPolicyDirectory(const std::string &directory) {
    std::error_code error;
    std::vector<std::filesystem::path> files;
    for (const auto &entry : std::filesystem::directory_iterator(directory, error)) {
        const auto extension = entry.path().extension();
        if (entry.is_regular_file() && (extension == ".yaml" || extension == ".yml"))
            files.push_back(entry.path());
    }
    if (error)
        return makeError(directory + ": " + error.message());
    std::sort(files.begin(), files.end());
    std::vector<Policy> all;
    std::set<std::string> names;
    for (const auto &file : files) {
        auto policies = loadPolicies(file.string());
        if (!policies)
            return policies.error();
        for (Policy &policy : *policies) {
            if (!names.insert(policy.name).second)
                return makeError(policy.source + ": a policy named '" + policy.name + "' is already defined");
            all.push_back(std::move(policy));
        }
    }
    return all;
}

} // namespace vanopticon::shield
