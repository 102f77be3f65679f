// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/stagecounters.h"
#include "shared/config/section.h"
#include "shared/core/result.h"
#include "shared/event/event.h"
#include "shared/expr/expression.h"

#include <string>
#include <vector>

namespace vanopticon::sentinel {

// `filter:` block: rules with a condition in the project's expression language, e.g.
//   filter:
//     rules:
//       - name: drop_debug
//         condition: 'severity == "info" AND source_type == "application"'
//         action: drop
// This first version supports `drop`; rate_limit, sample and dedup are refused by name until
// they exist, rather than silently ignored.
struct FilterRule {
    std::string name;
    expr::Expression condition;
    std::uint64_t matched = 0;
};

Result<std::vector<FilterRule>> parseFilterConfig(const config::Section &section);

class EventFilter {
public:
    explicit EventFilter(std::vector<FilterRule> rules);
    // Removes the events a rule drops, keeping the order of the rest.
    void process(EventBatch &batch);
    const StageCounters &counters() const { return m_counters; }
    const std::vector<FilterRule> &rules() const { return m_rules; }

private:
    std::vector<FilterRule> m_rules;
    StageCounters m_counters;
};

} // namespace vanopticon::sentinel
