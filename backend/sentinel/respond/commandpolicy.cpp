// SPDX-License-Identifier: Apache-2.0
#include "sentinel/respond/commandpolicy.h"

#include <algorithm>

namespace vanopticon::sentinel {

namespace {

// The actions this node knows how to carry out; a policy may allow only these.
constexpr std::string_view kKnownActions[] = {kIpBlockAction};

// A list setting may also be written as a single value ("allowed_actions: ip_block").
Result<std::vector<config::Section>> listItems(const config::Section &list) {
    if (list.isScalar())
        return std::vector<config::Section> {list};
    return list.elements();
}

Result<std::chrono::milliseconds> boundedDuration(const config::Section &respond, std::string_view key,
    std::chrono::milliseconds fallback, std::chrono::milliseconds longest) {
    auto value = respond.duration(key, fallback);
    if (!value)
        return value;
    if (*value < std::chrono::seconds(1) || *value > longest)
        return respond.child(key).error("must be between 1s and "
            + std::to_string(std::chrono::duration_cast<std::chrono::hours>(longest).count() / 24) + "d");
    if (*value % std::chrono::seconds(1) != std::chrono::milliseconds(0))
        return respond.child(key).error("must be a whole number of seconds");
    return value;
}

Result<void> parseAllowedActions(const config::Section &respond, CommandPolicy &policy) {
    if (!respond.has("allowed_actions"))
        return {};
    auto items = listItems(respond.child("allowed_actions"));
    if (!items)
        return items.error();
    policy.allowedActions.clear();
    for (const config::Section &item : *items) {
        auto action = item.scalar();
        if (!action)
            return action.error();
        if (std::find(std::begin(kKnownActions), std::end(kKnownActions), *action) == std::end(kKnownActions))
            return item.error("unknown action '" + *action + "' (known: ip_block)");
        policy.allowedActions.push_back(std::move(*action));
    }
    return {};
}

Result<void> parseProtectedNetworks(const config::Section &respond, CommandPolicy &policy) {
    auto items = listItems(respond.child("protected_networks"));
    if (!items)
        return items.error();
    for (const config::Section &item : *items) {
        auto text = item.scalar();
        if (!text)
            return text.error();
        auto network = IpNetwork::parse(*text);
        if (!network)
            return item.error(network.error().message);
        policy.protectedNetworks.push_back(*network);
    }
    return {};
}

Result<void> parseNftables(const config::Section &respond, CommandPolicy &policy) {
    const config::Section nftables = respond.child("nftables");
    if (auto allowed = nftables.allowOnly({"table", "ipv4_set", "ipv6_set"}); !allowed)
        return allowed;
    const std::pair<std::string_view, std::string *> settings[] = {
        {"table", &policy.nftables.table},
        {"ipv4_set", &policy.nftables.ipv4Set},
        {"ipv6_set", &policy.nftables.ipv6Set},
    };
    for (const auto &[key, target] : settings) {
        auto name = nftables.string(key, *target);
        if (!name)
            return name.error();
        if (auto valid = checkNftIdentifier(*name); !valid)
            return nftables.child(key).error(valid.error().message);
        *target = std::move(*name);
    }
    if (auto valid = checkNftablesNames(policy.nftables); !valid)
        return nftables.error(valid.error().message);
    return {};
}

} // namespace

std::vector<IpNetwork> loopbackNetworks() {
    return {IpNetwork::parse("127.0.0.0/8").value(), IpNetwork::parse("::1/128").value()};
}

bool CommandPolicy::allows(std::string_view action) const {
    return std::find(allowedActions.begin(), allowedActions.end(), action) != allowedActions.end();
}

const IpNetwork *CommandPolicy::protectingNetwork(const IpAddress &address) const {
    for (const IpNetwork &network : protectedNetworks) {
        if (network.contains(address))
            return &network;
    }
    return nullptr;
}

Result<CommandPolicy> parseRespondConfig(const config::Section &respond) {
    if (auto allowed = respond.allowOnly({"enforce", "allowed_actions", "max_block_duration", "max_command_lifetime",
            "protected_networks", "nftables"});
        !allowed)
        return allowed.error();

    CommandPolicy policy;
    auto enforce = respond.boolean("enforce", policy.enforce);
    if (!enforce)
        return enforce.error();
    policy.enforce = *enforce;

    if (auto actions = parseAllowedActions(respond, policy); !actions)
        return actions.error();

    auto blockDuration = boundedDuration(respond, "max_block_duration", policy.maxBlockDuration, kLongestBlockDuration);
    if (!blockDuration)
        return blockDuration.error();
    policy.maxBlockDuration = std::chrono::duration_cast<std::chrono::seconds>(*blockDuration);

    auto lifetime
        = boundedDuration(respond, "max_command_lifetime", policy.maxCommandLifetime, kLongestCommandLifetime);
    if (!lifetime)
        return lifetime.error();
    policy.maxCommandLifetime = *lifetime;

    if (auto networks = parseProtectedNetworks(respond, policy); !networks)
        return networks.error();
    if (auto names = parseNftables(respond, policy); !names)
        return names.error();
    return policy;
}

} // namespace vanopticon::sentinel
