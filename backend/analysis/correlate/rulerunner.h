// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/correlationengine.h"

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::analysis {

// The signals one event carries: those the caller gave and those rules emitted on it so far.
class EventSignals {
public:
    EventSignals(std::span<const SignalId> given, const std::vector<SignalId> &emitted)
        : m_given(given)
        , m_emitted(&emitted) { }
    bool empty() const { return m_given.empty() && m_emitted->empty(); }
    template<typename Visit> void forEach(Visit visit) const {
        for (const SignalId id : m_given)
            visit(id);
        for (const SignalId id : *m_emitted)
            visit(id);
    }

private:
    std::span<const SignalId> m_given;
    const std::vector<SignalId> *m_emitted;
};

// One rule inside the engine: which events it takes and into which groups, its counters, and
// (in the subclasses) what a group remembers.
class RuleRunner {
public:
    // `fields`: how the runner reads the event in hand (the engine sets its mappings per event).
    RuleRunner(CorrelationRule rule, const CorrelationLimits &limits, const FieldReader &fields);
    virtual ~RuleRunner() = default;
    RuleRunner(const RuleRunner &) = delete;
    RuleRunner &operator=(const RuleRunner &) = delete;

    // True when the rule fired on this event (the event then carries the rule's `emits`).
    virtual bool process(const Event &event, const EventRef &ref, std::uint32_t nodeSlot, const EventSignals &carried,
        std::vector<Detection> &out)
        = 0;
    // Removes groups whose window has passed on their node's clock, deciding those that wait for
    // their window to close; looks at most at `budget` groups.
    virtual void sweep(const NodeClock &clock, std::size_t budget, std::vector<Detection> &out) = 0;
    virtual std::size_t groupCount() const = 0;
    // The engine calls this before each batch.
    void beginBatch(CorrelationEngine::Repeats repeats) {
        ++m_batch;
        m_mergeRepeats = repeats == CorrelationEngine::Repeats::MergedPerBatch;
    }

    const CorrelationRule &rule() const { return m_rule; }
    RuleCounters counters() const;

protected:
    // One group an event goes to, and the steps it meets there (bit 0 for kinds without steps).
    struct Routed {
        std::string_view key;
        std::uint32_t stepMask;
    };
    // The groups the event goes to: none when the rule does not take it or its group fields are
    // missing (counted). Usually one; aliases can send one event to several. The keys stay valid
    // until the next call.
    std::span<const Routed> route(const Event &event, const EventSignals &carried);
    // The value fields of the event as one key (length-prefixed, like group keys) in m_value;
    // false (counted) when one is absent, empty or too long.
    bool buildValue(const Event &event);
    // The value field as a finite number; nullopt (counted) otherwise.
    std::optional<double> numericValue(const Event &event);

    // A detection with the rule's fields, the group (decoded from its key) and the node filled in.
    Detection makeDetection(std::string_view key, std::string_view nodeId) const;
    // (name, value) pairs of a key built from `fields`.
    static std::vector<std::pair<std::string, std::string>> decodeKey(
        std::string_view key, std::span<const FieldId> fields);
    // "User alice, SourceIp 203.0.113.7"
    static std::string describeGroup(const Detection &detection);
    // What the rule takes, for explanations: its label, else its filter.
    std::string takesText() const;
    static std::string stepText(const CorrelationStep &step);
    // "User" or "User and Computer"
    std::string valueFieldsText() const;

    CorrelationRule m_rule;
    const FieldReader &m_fields;
    std::int64_t m_windowNs;
    std::size_t m_maxGroupValueBytes;
    std::string m_value;
    RuleCounters m_counters;
    std::uint64_t m_batch = 0; // numbers the batches, from 1
    bool m_mergeRepeats = false;

private:
    struct Route {
        SignalId signal;
        std::uint32_t view;
        std::uint32_t stepMask;
    };
    bool appendKey(const Event &event, std::span<const FieldId> fields, std::string &key);

    std::vector<std::vector<FieldId>> m_views; // view 0: group_by; then the aliases' field lists
    std::vector<Route> m_routes; // by signal
    bool m_takesBySignal = false; // kinds without steps: by signal, else by filter
    std::uint32_t m_filterSteps = 0; // steps taken by their filter (no signals)
    std::uint32_t m_stepFilters = 0; // steps with signals and a filter that must also match
    std::vector<std::uint32_t> m_viewMasks; // scratch, per view
    std::vector<std::string> m_keys; // one per view, reused so keys do not allocate once warm
    std::vector<Routed> m_routed;
};

std::unique_ptr<RuleRunner> makeRuleRunner(
    CorrelationRule rule, const CorrelationLimits &limits, const FieldReader &fields);

} // namespace vanopticon::analysis
