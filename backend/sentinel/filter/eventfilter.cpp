// SPDX-License-Identifier: Apache-2.0
#include "sentinel/filter/eventfilter.h"

#include <algorithm>

namespace vanopticon::sentinel {

Result<std::vector<FilterRule>> parseFilterConfig(const config::Section &section) {
    if (auto ok = section.allowOnly({"rules"}); !ok)
        return ok.error();
    auto items = section.child("rules").elements();
    if (!items)
        return items.error();
    std::vector<FilterRule> rules;
    for (const config::Section &item : *items) {
        if (auto ok = item.allowOnly({"name", "condition", "action", "rate", "sample_rate", "window"}); !ok)
            return ok.error();
        auto name = item.requireString("name");
        if (!name)
            return name.error();
        auto action = item.requireString("action");
        if (!action)
            return action.error();
        if (*action != "drop")
            return item.child("action").error(
                "filter action '" + *action + "' is not supported by this version (supported: drop)");
        if (!item.has("condition"))
            return item.error("filter rule '" + *name + "' needs a condition");
        auto condition = expr::Expression::fromConfig(item.child("condition"));
        if (!condition)
            return condition.error();
        rules.push_back(FilterRule {*name, std::move(*condition), 0});
    }
    return rules;
}

EventFilter::EventFilter(std::vector<FilterRule> rules)
    : m_rules(std::move(rules)) {
}

void EventFilter::process(EventBatch &batch) {
    m_counters.in += batch.size();
    if (m_rules.empty()) {
        m_counters.out += batch.size();
        return;
    }
    auto &events = batch.events();
    const auto kept = std::stable_partition(events.begin(), events.end(), [this](const Event &event) {
        for (FilterRule &rule : m_rules) {
            if (rule.condition.matches(event)) {
                ++rule.matched;
                return false;
            }
        }
        return true;
    });
    m_counters.dropped += static_cast<std::uint64_t>(events.end() - kept);
    events.erase(kept, events.end()); // the arena keeps the bytes until the batch goes
    m_counters.out += events.size();
}

} // namespace vanopticon::sentinel
