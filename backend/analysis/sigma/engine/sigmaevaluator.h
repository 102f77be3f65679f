// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/sigma/engine/compiledruleset.h"
#include "analysis/sigma/engine/scancache.h"
#include "analysis/sigma/logsource/logsourcemap.h"
#include "shared/event/event.h"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace vanopticon::analysis::sigma {

// Event `event` (index in its batch) matched rule `rule` (index in the compiled set).
struct RuleMatch {
    std::uint32_t event = 0;
    std::uint32_t rule = 0;
};

// What one rule cost and found ("track rule performance and efficacy").
struct RuleStats {
    std::uint64_t evaluations = 0; // the rule was a candidate and its condition was evaluated
    std::uint64_t matches = 0;
    std::uint64_t sampledNs = 0; // time of the sampled evaluations (every kSampleEvery-th)
    std::uint32_t samples = 0;

    static constexpr std::uint64_t kSampleEvery = 64;
    // Estimated evaluation time in total (sampled mean × evaluations).
    double estimatedSeconds() const;
};

struct EvaluatorTotals {
    std::uint64_t events = 0;
    std::uint64_t fieldsScanned = 0;
    std::uint64_t candidates = 0; // rules evaluated because one of their patterns hit
    std::uint64_t alwaysEvaluated = 0; // rules evaluated for every event of their logsource
    std::uint64_t notApplicable = 0; // candidates skipped: the event is of another logsource
    std::uint64_t matches = 0;
    std::uint64_t scanFailures = 0; // Hyperscan errors (that field's patterns did not hit)
    std::uint64_t scansCached = 0; // field values whose hits came from the ScanCache
};

// Runs a compiled rule set over events: scans each field once against its shared automata (only
// fields some rule of the event's logsource looks at), evaluates only the rules a hit made
// candidates (and those that cannot be triggered), within the event's logsource. One per thread; many may share one
// CompiledRuleSet.
class SigmaEvaluator {
public:
    // `scanCacheSlots`: per field, how many recent values' hits to remember (0: scan every value).
    static constexpr std::size_t kDefaultScanCacheSlots = 2048;
    static Result<std::unique_ptr<SigmaEvaluator>> create(std::shared_ptr<const CompiledRuleSet> rules,
        LogsourceMap logsources, std::size_t scanCacheSlots = kDefaultScanCacheSlots);

    // Appends the matches of every event of the batch, in event order (rules in index order
    // within an event).
    void evaluate(const EventBatch &batch, std::vector<RuleMatch> &out);
    void evaluate(const Event &event, std::uint32_t eventIndex, std::vector<RuleMatch> &out);

    const CompiledRuleSet &rules() const { return *m_rules; }
    const std::shared_ptr<const CompiledRuleSet> &sharedRules() const { return m_rules; }
    std::span<const RuleStats> ruleStats() const { return m_stats; }
    const EvaluatorTotals &totals() const { return m_totals; }
    LogsourceMap &logsources() { return m_logsources; }
    // The field mappings of event `event` of the last batch evaluated (its logsource's), so that
    // correlations read its fields as its rules did.
    std::span<const FieldMapping> fieldMappings(std::uint32_t event) const;

private:
    SigmaEvaluator(std::shared_ptr<const CompiledRuleSet> rules, LogsourceMap logsources, std::size_t scanCacheSlots);

    // What an event of one logsource needs: which rule logsource groups apply to it, and which
    // fields have patterns of those rules (scanning any other field could only find candidates
    // that do not apply).
    struct LogsourcePlan {
        bool ready = false;
        std::vector<std::uint8_t> appliesToGroup; // logsource group → 0/1
        std::vector<std::uint8_t> scanField; // FieldId → 0/1
        bool scanKeywords = false;
        std::vector<FieldMapping> fieldMappings; // the logsource's (LogsourceMap `fields`)
        bool scans(FieldId id) const { return id < scanField.size() && scanField[id]; }
    };

    void nextEpoch();
    void scanField(std::uint32_t field, std::string_view value);
    void markHit(PatternId id);
    const LogsourcePlan &plan(LogsourceId id);
    void scanMappedFields(const Event &event, const Field &field);
    bool evaluateRule(std::uint32_t index, const Event &event);
    bool evaluateStep(const CompiledRule &rule, std::uint32_t step, const Event &event);
    bool evaluateSearch(const CompiledRule &rule, const CompiledSearch &search, const Event &event);
    bool evaluateItem(const CompiledItem &item, const Event &event);
    bool valueHolds(const CompiledItem &item, std::size_t value, std::optional<std::string_view> fieldValue,
        const Event &event) const;
    bool isKeywordField(FieldId id) const;

    std::shared_ptr<const CompiledRuleSet> m_rules;
    LogsourceMap m_logsources;
    PatternScratch m_scratch;
    ScanCache m_scanCache;
    std::vector<PatternId> m_scanHits; // the current scan's, for the cache
    std::uint32_t m_epoch = 0;
    std::vector<std::uint32_t> m_patternHit; // PatternId → epoch of its last hit
    std::vector<std::uint32_t> m_candidateMark; // rule → epoch it last became a candidate
    std::vector<std::uint32_t> m_candidates; // this event's
    std::vector<LogsourcePlan> m_plans; // by LogsourceId, made on first sight
    const LogsourcePlan *m_plan = nullptr; // the current event's
    FieldReader m_fields; // reads the current event through its logsource's field mappings
    std::vector<LogsourceId> m_eventLogsources; // of the last batch evaluated, by event
    std::vector<RuleStats> m_stats;
    EvaluatorTotals m_totals;
};

} // namespace vanopticon::analysis::sigma
