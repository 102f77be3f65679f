// SPDX-License-Identifier: Apache-2.0
#include "sentinel/filter/eventfilter.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace vanopticon::sentinel {

namespace {

// FNV-1a over the bytes; good enough to tell events apart, and cheap.
constexpr std::uint64_t kFnvOffset = 14695981039346656037ull;
constexpr std::uint64_t kFnvPrime = 1099511628211ull;

void mix(std::uint64_t &hash, const void *data, std::size_t size) {
    const auto *bytes = static_cast<const unsigned char *>(data);
    for (std::size_t i = 0; i < size; ++i) {
        hash ^= bytes[i];
        hash *= kFnvPrime;
    }
}

// "10/minute", "100/s", "5/second", "1000/hour".
Result<std::pair<double, std::chrono::nanoseconds>> parseRate(const std::string &text) {
    const auto slash = text.find('/');
    double events = 0;
    if (slash == std::string::npos)
        return makeError("'" + text + "' is not a rate (examples: 10/minute, 100/second)");
    const auto [end, ec] = std::from_chars(text.data(), text.data() + slash, events);
    if (ec != std::errc() || end != text.data() + slash || !(events > 0) || !std::isfinite(events))
        return makeError("'" + text + "' is not a rate (examples: 10/minute, 100/second)");
    const std::string unit = text.substr(slash + 1);
    using namespace std::chrono;
    if (unit == "s" || unit == "second")
        return std::pair {events, nanoseconds(seconds(1))};
    if (unit == "m" || unit == "minute")
        return std::pair {events, nanoseconds(minutes(1))};
    if (unit == "h" || unit == "hour")
        return std::pair {events, nanoseconds(hours(1))};
    return makeError("'" + text + "' has an unknown unit (second, minute or hour)");
}

Result<std::vector<FieldId>> fieldList(const config::Section &item, std::string_view key) {
    auto names = item.strings(key);
    if (!names)
        return names.error();
    std::vector<FieldId> ids;
    for (const std::string &name : *names)
        ids.push_back(internField(name));
    return ids;
}

} // namespace

template<typename State> State *FilterRule::Lru<State>::find(std::uint64_t key) {
    const auto it = index.find(key);
    if (it == index.end())
        return nullptr;
    order.splice(order.begin(), order, it->second);
    return &it->second->second;
}

template<typename State> State &FilterRule::Lru<State>::insert(std::uint64_t key, State state) {
    if (index.size() >= kMaxTrackedKeys) {
        index.erase(order.back().first);
        order.pop_back();
        ++evicted;
    }
    order.emplace_front(key, state);
    index[key] = order.begin();
    return order.front().second;
}

FilterRule::FilterRule(std::string name, expr::Expression condition, FilterAction action)
    : m_name(std::move(name))
    , m_condition(std::move(condition))
    , m_action(action) {
}

void FilterRule::setRateLimit(double events, std::chrono::nanoseconds per, std::vector<FieldId> groupBy) {
    m_capacity = events;
    m_tokensPerNs = events / static_cast<double>(per.count());
    m_groupBy = std::move(groupBy);
}

void FilterRule::setSampleRate(double rate) {
    m_sampleRate = rate;
}

void FilterRule::setDedup(std::chrono::nanoseconds window, std::vector<FieldId> fields) {
    m_windowNs = window.count();
    m_dedupFields = std::move(fields);
}

std::uint64_t FilterRule::keyOf(const Event &event, const std::vector<FieldId> &fields, bool allFields) const {
    std::uint64_t hash = kFnvOffset;
    const auto add = [&hash](FieldId id, std::string_view value) {
        mix(hash, &id, sizeof id);
        const std::uint64_t size = value.size(); // lengths keep "ab"+"c" apart from "a"+"bc"
        mix(hash, &size, sizeof size);
        mix(hash, value.data(), value.size());
    };
    if (allFields) {
        // Field order does not change identity: combine per-field hashes commutatively.
        std::uint64_t combined = 0;
        for (const Field &f : event.fields()) {
            if (f.id == field::Raw)
                continue;
            std::uint64_t one = kFnvOffset;
            std::swap(hash, one);
            add(f.id, f.value);
            std::swap(hash, one);
            combined += one * 0x9E3779B97F4A7C15ull;
        }
        const auto severity = static_cast<std::uint8_t>(event.severity);
        mix(combined, &severity, sizeof severity);
        return combined;
    }
    for (FieldId id : fields)
        add(id, event.value(id));
    return hash;
}

bool FilterRule::keepRateLimited(const Event &event) {
    const std::uint64_t key = m_groupBy.empty() ? 0 : keyOf(event, m_groupBy, false);
    Bucket *bucket = m_buckets.find(key);
    if (!bucket)
        bucket = &m_buckets.insert(key, Bucket {m_capacity, event.timestampNs});
    if (event.timestampNs > bucket->updatedNs) { // time going backwards refills nothing
        bucket->tokens
            = std::min(m_capacity, bucket->tokens + double(event.timestampNs - bucket->updatedNs) * m_tokensPerNs);
        bucket->updatedNs = event.timestampNs;
    }
    if (bucket->tokens < 1)
        return false;
    bucket->tokens -= 1;
    return true;
}

bool FilterRule::keepSampled() {
    // Credit grows by the rate per event; an event is kept each time a whole unit is there, so
    // exactly that fraction is kept, evenly spread and reproducibly.
    if (m_sampleCredit >= 1) {
        m_sampleCredit -= 1;
        m_sampleCredit += m_sampleRate;
        return true;
    }
    m_sampleCredit += m_sampleRate;
    return false;
}

bool FilterRule::keepUnique(const Event &event) {
    const std::uint64_t key = keyOf(event, m_dedupFields, m_dedupFields.empty());
    if (std::int64_t *keptAt = m_seen.find(key)) {
        if (event.timestampNs - *keptAt <= m_windowNs)
            return false;
        *keptAt = event.timestampNs; // the window restarts with this one
        return true;
    }
    m_seen.insert(key, event.timestampNs);
    return true;
}

bool FilterRule::keep(const Event &event) {
    ++m_counters.matched;
    bool kept = false;
    switch (m_action) {
    case FilterAction::Drop:
        kept = false;
        break;
    case FilterAction::RateLimit:
        kept = keepRateLimited(event);
        break;
    case FilterAction::Sample:
        kept = keepSampled();
        break;
    case FilterAction::Dedup:
        kept = keepUnique(event);
        break;
    }
    if (!kept)
        ++m_counters.dropped;
    return kept;
}

Result<std::vector<std::unique_ptr<FilterRule>>> parseFilterConfig(const config::Section &section) {
    if (auto ok = section.allowOnly({"rules"}); !ok)
        return ok.error();
    auto items = section.child("rules").elements();
    if (!items)
        return items.error();
    std::vector<std::unique_ptr<FilterRule>> rules;
    for (const config::Section &item : *items) {
        if (auto ok
            = item.allowOnly({"name", "condition", "action", "rate", "group_by", "sample_rate", "window", "fields"});
            !ok)
            return ok.error();
        auto name = item.requireString("name");
        if (!name)
            return name.error();
        auto actionName = item.requireString("action");
        if (!actionName)
            return actionName.error();
        if (!item.has("condition"))
            return item.error("filter rule '" + *name + "' needs a condition");
        auto condition = expr::Expression::fromConfig(item.child("condition"));
        if (!condition)
            return condition.error();
        // Each action takes only its own settings; another's is a mistake worth saying.
        const auto onlyFor = [&](std::initializer_list<const char *> keys, const char *action) -> Result<void> {
            for (const char *key : keys) {
                if (item.has(key))
                    return item.child(key).error(std::string("'") + key + "' applies to action " + action);
            }
            return {};
        };
        std::unique_ptr<FilterRule> rule;
        if (*actionName == "drop") {
            rule = std::make_unique<FilterRule>(*name, std::move(*condition), FilterAction::Drop);
        } else if (*actionName == "rate_limit") {
            auto rate = item.requireString("rate");
            if (!rate)
                return rate.error();
            auto parsed = parseRate(*rate);
            if (!parsed)
                return item.child("rate").error(parsed.error().message);
            auto groupBy = fieldList(item, "group_by");
            if (!groupBy)
                return groupBy.error();
            rule = std::make_unique<FilterRule>(*name, std::move(*condition), FilterAction::RateLimit);
            rule->setRateLimit(parsed->first, parsed->second, std::move(*groupBy));
        } else if (*actionName == "sample") {
            auto rate = item.number("sample_rate", -1, 0, 1);
            if (!rate)
                return rate.error();
            if (*rate <= 0)
                return item.error("action sample needs sample_rate in (0, 1]");
            rule = std::make_unique<FilterRule>(*name, std::move(*condition), FilterAction::Sample);
            rule->setSampleRate(*rate);
        } else if (*actionName == "dedup") {
            auto window = item.duration("window", std::chrono::seconds(60));
            if (!window)
                return window.error();
            if (window->count() <= 0)
                return item.child("window").error("must be greater than zero");
            auto fields = fieldList(item, "fields");
            if (!fields)
                return fields.error();
            rule = std::make_unique<FilterRule>(*name, std::move(*condition), FilterAction::Dedup);
            rule->setDedup(*window, std::move(*fields));
        } else {
            return item.child("action").error(
                "unknown filter action '" + *actionName + "' (drop, rate_limit, sample or dedup)");
        }
        const FilterAction action = rule->action();
        if (auto ok = onlyFor({"rate", "group_by"}, "rate_limit"); !ok && action != FilterAction::RateLimit)
            return ok.error();
        if (auto ok = onlyFor({"sample_rate"}, "sample"); !ok && action != FilterAction::Sample)
            return ok.error();
        if (auto ok = onlyFor({"window", "fields"}, "dedup"); !ok && action != FilterAction::Dedup)
            return ok.error();
        rules.push_back(std::move(rule));
    }
    return rules;
}

EventFilter::EventFilter(std::vector<std::unique_ptr<FilterRule>> rules)
    : m_rules(std::move(rules)) {
}

void EventFilter::process(EventBatch &batch) {
    m_counters.in += batch.size();
    if (m_rules.empty()) {
        m_counters.out += batch.size();
        return;
    }
    auto &events = batch.events();
    // Stable and in order: rate limits and dedup see events as they happened.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        bool keep = true;
        for (const auto &rule : m_rules) {
            if (rule->matches(events[i])) {
                keep = rule->keep(events[i]);
                break;
            }
        }
        if (keep) {
            if (kept != i)
                events[kept] = events[i];
            ++kept;
        }
    }
    m_counters.dropped += events.size() - kept;
    events.resize(kept); // the arena keeps the bytes until the batch goes
    m_counters.out += kept;
}

} // namespace vanopticon::sentinel
