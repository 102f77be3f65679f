// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/stagecounters.h"
#include "shared/config/section.h"
#include "shared/core/result.h"
#include "shared/event/event.h"
#include "shared/expr/expression.h"

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace vanopticon::sentinel {

// `filter:` block: rules tried in order; the first whose condition matches an event decides.
//   filter:
//     rules:
//       - {name: drop_debug, condition: 'severity == "info" AND source_type == "application"', action: drop}
//       - {name: cron, condition: 'service == "cron"', action: rate_limit, rate: 10/minute, group_by: [host]}
//       - {name: flows, condition: 'event_type == "network_connection"', action: sample, sample_rate: 0.1}
//       - {name: repeats, condition: 'event_type == "syslog"', action: dedup, window: 60s, fields: [host, message]}
// Time is event time (Event::timestampNs), so a replayed log is filtered as it was live.
// Events no rule matches pass. Every drop is counted, per rule.
enum class FilterAction { Drop, RateLimit, Sample, Dedup };

struct FilterRuleCounters {
    std::uint64_t matched = 0;
    std::uint64_t dropped = 0;
};

class FilterRule {
public:
    static constexpr std::size_t kMaxTrackedKeys = 100'000; // rate-limit buckets, dedup entries

    FilterRule(std::string name, expr::Expression condition, FilterAction action);

    const std::string &name() const { return m_name; }
    FilterAction action() const { return m_action; }
    bool matches(const Event &event) const { return m_condition.matches(event); }
    // Given a matching event: true to keep it, false to drop it.
    bool keep(const Event &event);
    const FilterRuleCounters &counters() const { return m_counters; }

    // rate_limit: `events` per `per`, one bucket per group (empty group_by: one bucket).
    void setRateLimit(double events, std::chrono::nanoseconds per, std::vector<FieldId> groupBy);
    // sample: keep this fraction (0..1], spread evenly (the first event is kept).
    void setSampleRate(double rate);
    // dedup: drop an event identical in `fields` (empty: every field but raw) to one kept within `window`.
    void setDedup(std::chrono::nanoseconds window, std::vector<FieldId> fields);

private:
    std::uint64_t keyOf(const Event &event, const std::vector<FieldId> &fields, bool allFields) const;
    bool keepRateLimited(const Event &event);
    bool keepSampled();
    bool keepUnique(const Event &event);

    // A bounded map from key to state, evicting the least recently used.
    template<typename State> struct Lru {
        std::list<std::pair<std::uint64_t, State>> order; // most recent first
        std::unordered_map<std::uint64_t, typename std::list<std::pair<std::uint64_t, State>>::iterator> index;
        State *find(std::uint64_t key);
        State &insert(std::uint64_t key, State state);
        std::uint64_t evicted = 0;
    };
    struct Bucket {
        double tokens;
        std::int64_t updatedNs;
    };

    std::string m_name;
    expr::Expression m_condition;
    FilterAction m_action;
    FilterRuleCounters m_counters;
    // rate_limit
    double m_capacity = 0;
    double m_tokensPerNs = 0;
    std::vector<FieldId> m_groupBy;
    Lru<Bucket> m_buckets;
    // sample
    double m_sampleRate = 1;
    double m_sampleCredit = 1; // starts full: the first matching event is kept
    // dedup
    std::int64_t m_windowNs = 0;
    std::vector<FieldId> m_dedupFields;
    Lru<std::int64_t> m_seen; // key → time of the kept event
};

Result<std::vector<std::unique_ptr<FilterRule>>> parseFilterConfig(const config::Section &section);

class EventFilter {
public:
    explicit EventFilter(std::vector<std::unique_ptr<FilterRule>> rules);
    // Removes the events the rules drop, keeping the order of the rest.
    void process(EventBatch &batch);
    const StageCounters &counters() const { return m_counters; }
    const std::vector<std::unique_ptr<FilterRule>> &rules() const { return m_rules; }

private:
    std::vector<std::unique_ptr<FilterRule>> m_rules;
    StageCounters m_counters;
};

} // namespace vanopticon::sentinel
