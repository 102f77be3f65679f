// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/correlationengine.h"
#include "analysis/correlate/signaltable.h"
#include "analysis/sigma/engine/sigmaevaluator.h"

#include <memory>
#include <string>
#include <vector>

namespace vanopticon::analysis::sigma {

// Where the rules come from and how they are matched (the `sigma:` configuration).
struct SigmaOptions {
    std::vector<std::string> rulePaths; // files or directories of Sigma rules, correlations, filters
    std::string logsourcesFile; // the event → logsource mapping (resources/sigma/logsources.yaml)
    std::string placeholdersFile; // optional: `expand` values, read on every create (added to compile's)
    // Every event belongs to this logsource instead (replaying a file known to be, say, a Cisco
    // AAA log that nothing in the events identifies).
    std::optional<Logsource> fixedLogsource;
    CompileOptions compile;
    CorrelationLimits correlationLimits;
    std::size_t scanCacheSlots = SigmaEvaluator::kDefaultScanCacheSlots; // see ScanCache; 0: off
};

// Sigma detection rules and Sigma correlations together: the evaluator finds the rules each
// event matches; those matches are the signals the correlation engine counts, groups and
// orders (one correlation engine for Sigma and the project's YAML correlation rules).
// Not thread-safe: one per ingest thread.
class SigmaDetector {
public:
    // Loads (the rules, the logsource mapping unless fixed, the placeholders) and compiles. Rules, filters and
    // correlations that fail are listed in the rule set's `failures` and left out; an Error only when nothing sensible
    // can run (the logsource mapping does not load, Hyperscan fails).
    static Result<std::unique_ptr<SigmaDetector>> create(const SigmaOptions &options);
    static Result<std::unique_ptr<SigmaDetector>> create(
        RuleCollection collection, LogsourceMap logsources, const SigmaOptions &options);

    struct Output {
        std::vector<RuleMatch> matches; // rules that fire on their own (all but those only correlated)
        std::vector<Detection> correlations; // Sigma correlation detections
    };
    // `refs` parallel to the batch's events (EventRef::eventId names evidence).
    void process(const EventBatch &batch, std::span<const EventRef> refs, Output &out);

    const CompiledRuleSet &rules() const { return m_evaluator->rules(); }
    SigmaEvaluator &evaluator() { return *m_evaluator; }
    const SigmaEvaluator &evaluator() const { return *m_evaluator; }
    const CorrelationEngine &correlation() const { return m_correlation; }
    std::size_t correlationCount() const { return m_correlation.ruleCount(); }
    // Whether rule `index` alerts on its own: not when a correlation refers to it without
    // `generate: true`.
    bool ruleAlerts(std::uint32_t index) const { return m_ruleAlerts[index] != 0; }

private:
    SigmaDetector(
        std::unique_ptr<SigmaEvaluator> evaluator, CorrelationEngine correlation, std::vector<std::uint8_t> ruleAlerts);

    std::unique_ptr<SigmaEvaluator> m_evaluator;
    CorrelationEngine m_correlation;
    std::vector<std::uint8_t> m_ruleAlerts;
    std::vector<RuleMatch> m_matches; // scratch
    SignalTable m_signals; // scratch
    std::vector<std::span<const FieldMapping>> m_fieldMappings; // scratch: each event's logsource's
};

} // namespace vanopticon::analysis::sigma
