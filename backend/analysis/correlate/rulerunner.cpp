// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/rulerunner.h"

#include "analysis/correlate/eventcounter.h"
#include "analysis/correlate/eventtime.h"
#include "analysis/correlate/grouptable.h"
#include "analysis/correlate/sequencematcher.h"

#include <algorithm>
#include <cassert>

namespace vanopticon::analysis {

namespace {

std::string plural(std::uint64_t count, std::string_view noun) {
    return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

std::chrono::milliseconds spanOf(std::int64_t firstNs, std::int64_t lastNs) {
    return std::chrono::milliseconds(static_cast<std::int64_t>(eventtime::distance(lastNs, firstNs) / 1'000'000));
}

// The parts every rule type shares: a group table and its upkeep.
template<typename State> class GroupedRunner : public RuleRunner {
public:
    GroupedRunner(CorrelationRule rule, const CorrelationLimits &limits)
        : RuleRunner(std::move(rule), limits)
        , m_groups(limits.maxGroupsPerRule) { }

    void sweep(const NodeClock &clock, std::size_t budget) override {
        const std::int64_t windowNs = m_windowNs;
        m_counters.groupsExpired += m_groups.sweep(
            [&](const typename GroupTable<State>::Group &group) {
                return group.newestNs < eventtime::windowStart(clock.now(group.nodeSlot), windowNs);
            },
            budget);
    }
    std::size_t groupCount() const override { return m_groups.size(); }

protected:
    typename GroupTable<State>::Group &touchGroup(std::int64_t timestampNs, std::uint32_t nodeSlot) {
        auto touched = m_groups.touch(m_key);
        if (touched.evictedAnother)
            ++m_counters.groupsEvicted;
        auto &group = touched.group;
        group.newestNs = touched.created ? timestampNs : std::max(group.newestNs, timestampNs);
        group.nodeSlot = nodeSlot;
        return group;
    }

    GroupTable<State> m_groups;
};

class EventCountRunner final : public GroupedRunner<EventCountState> {
public:
    EventCountRunner(CorrelationRule rule, const CorrelationLimits &limits)
        : GroupedRunner(std::move(rule), limits)
        , m_counter(m_windowNs, m_rule.threshold, limits.maxEvidencePerGroup)
        , m_filterText(m_rule.filter.toString()) { }

    void process(
        const Event &event, const EventRef &ref, std::uint32_t nodeSlot, std::vector<Detection> &out) override {
        if (!m_rule.filter.matches(event))
            return;
        ++m_counters.eventsMatched;
        if (!buildKey(event))
            return;
        auto &group = touchGroup(event.timestampNs, nodeSlot);
        CountOutcome outcome = m_counter.add(group.state, event.timestampNs, ref.eventId);
        if (outcome.late) {
            ++m_counters.eventsLate;
            return;
        }
        if (!outcome.fired)
            return;
        Detection detection = makeDetection(event, ref);
        detection.firstSeenNs = outcome.firstSeenNs;
        detection.lastSeenNs = outcome.lastSeenNs;
        detection.eventCount = outcome.eventCount;
        detection.evidence = std::move(outcome.evidence);
        const std::string window = formatDuration(m_rule.window);
        const std::string threshold = std::to_string(m_rule.threshold);
        if (outcome.repeat) {
            detection.explanation = plural(outcome.eventCount, "more event") + " matching " + m_filterText + " from "
                + describeGroup(detection) + ", still at or above the threshold (" + threshold + " within " + window
                + ")";
        } else {
            detection.explanation = plural(outcome.eventCount, "event") + " matching " + m_filterText + " from "
                + describeGroup(detection) + " within " + window + " (threshold " + threshold + ")";
        }
        out.push_back(std::move(detection));
        ++m_counters.detectionsEmitted;
    }

private:
    EventCounter m_counter;
    std::string m_filterText;
};

class SequenceRunner final : public GroupedRunner<SequenceState> {
public:
    SequenceRunner(CorrelationRule rule, const CorrelationLimits &limits)
        : GroupedRunner(std::move(rule), limits)
        , m_matcher(m_windowNs, minCounts(m_rule), limits.maxEvidencePerGroup) {
        for (std::size_t k = 0; k < m_rule.steps.size(); ++k) {
            const CorrelationStep &step = m_rule.steps[k];
            if (k > 0)
                m_stepsText += ", then ";
            m_stepsText += step.minCount == 1 ? "1 event" : "at least " + plural(step.minCount, "event");
            m_stepsText += " matching " + step.filter.toString();
        }
    }

    void process(
        const Event &event, const EventRef &ref, std::uint32_t nodeSlot, std::vector<Detection> &out) override {
        if (!m_rule.filter.matches(event))
            return;
        std::uint32_t mask = 0;
        for (std::size_t k = 0; k < m_rule.steps.size(); ++k) {
            if (m_rule.steps[k].filter.matches(event))
                mask |= 1u << k;
        }
        if (mask == 0)
            return;
        ++m_counters.eventsMatched;
        if (!buildKey(event))
            return;
        auto &group = touchGroup(event.timestampNs, nodeSlot);
        SequenceOutcome outcome = m_matcher.add(group.state, mask, event.timestampNs, ref.eventId);
        if (outcome.late) {
            ++m_counters.eventsLate;
            return;
        }
        if (!outcome.completed)
            return;
        Detection detection = makeDetection(event, ref);
        detection.firstSeenNs = outcome.firstSeenNs;
        detection.lastSeenNs = outcome.lastSeenNs;
        detection.eventCount = outcome.eventCount;
        detection.evidence = std::move(outcome.evidence);
        detection.explanation = "sequence completed by " + describeGroup(detection) + " within "
            + formatDuration(m_rule.window) + ": " + m_stepsText + " (" + plural(detection.eventCount, "event")
            + " over " + formatDuration(spanOf(detection.firstSeenNs, detection.lastSeenNs)) + ")";
        out.push_back(std::move(detection));
        ++m_counters.detectionsEmitted;
        // A completed sequence starts over: the next one needs all its steps again.
        m_groups.erase(group);
    }

private:
    static std::vector<std::uint32_t> minCounts(const CorrelationRule &rule) {
        std::vector<std::uint32_t> counts;
        for (const CorrelationStep &step : rule.steps)
            counts.push_back(std::max<std::uint32_t>(step.minCount, 1));
        return counts;
    }

    SequenceMatcher m_matcher;
    std::string m_stepsText;
};

} // namespace

RuleRunner::RuleRunner(CorrelationRule rule, const CorrelationLimits &limits)
    : m_rule(std::move(rule))
    , m_windowNs(std::chrono::duration_cast<std::chrono::nanoseconds>(m_rule.window).count())
    , m_maxGroupValueBytes(limits.maxGroupValueBytes) {
    assert(validate(m_rule).ok());
    m_counters.ruleId = m_rule.id;
}

RuleCounters RuleRunner::counters() const {
    RuleCounters counters = m_counters;
    counters.groupsLive = groupCount();
    return counters;
}

bool RuleRunner::buildKey(const Event &event) {
    m_key.clear();
    for (const FieldId id : m_rule.groupBy) {
        const std::optional<std::string_view> value = event.lookup(id);
        if (!value || value->empty()) {
            ++m_counters.eventsWithoutGroup;
            return false;
        }
        if (value->size() > m_maxGroupValueBytes) {
            ++m_counters.eventsGroupTooLong;
            return false;
        }
        // Length-prefixed, so no value can imitate a boundary between two values.
        const auto size = static_cast<std::uint32_t>(value->size());
        m_key.append(reinterpret_cast<const char *>(&size), sizeof size);
        m_key.append(*value);
    }
    return true;
}

Detection RuleRunner::makeDetection(const Event &event, const EventRef &ref) const {
    Detection detection;
    detection.ruleId = m_rule.id;
    detection.title = m_rule.title;
    detection.description = m_rule.description;
    detection.kind = DetectionKind::Signature;
    detection.severity = m_rule.severity;
    detection.confidence = m_rule.confidence;
    detection.group.reserve(m_rule.groupBy.size());
    for (const FieldId id : m_rule.groupBy)
        detection.group.emplace_back(std::string(fieldName(id)), std::string(event.value(id)));
    detection.nodeId = std::string(ref.nodeId);
    return detection;
}

std::string RuleRunner::describeGroup(const Detection &detection) {
    std::string text;
    for (const auto &[name, value] : detection.group) {
        if (!text.empty())
            text += ", ";
        text += name + " " + value;
    }
    return text;
}

std::unique_ptr<RuleRunner> makeRuleRunner(CorrelationRule rule, const CorrelationLimits &limits) {
    switch (rule.type) {
    case CorrelationType::EventCount:
        return std::make_unique<EventCountRunner>(std::move(rule), limits);
    case CorrelationType::TemporalOrdered:
        return std::make_unique<SequenceRunner>(std::move(rule), limits);
    }
    return nullptr;
}

} // namespace vanopticon::analysis
