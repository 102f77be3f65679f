// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/engine/sigmadetector.h"

#include "analysis/sigma/correlation/sigmacorrelationcompiler.h"
#include "analysis/sigma/rule/sigmaloader.h"

#include <unordered_map>

namespace vanopticon::analysis::sigma {

namespace {

// Signals: rule i is signal i; correlation j is signal rules + j.
struct CompiledCorrelations {
    std::vector<CorrelationRule> rules;
    std::vector<LoadFailure> failures;
    std::vector<std::uint8_t> ruleAlerts;
};

CompiledCorrelations compileCorrelations(const CompiledRuleSet &set) {
    CompiledCorrelations out;
    out.ruleAlerts.assign(set.rules.size(), 1);
    std::unordered_map<std::string, SignalId> byReference;
    for (std::size_t i = 0; i < set.rules.size(); ++i) {
        const RuleMetadata &meta = set.rules[i].rule.meta;
        for (const std::string *key : {&meta.id, &meta.name}) {
            if (!key->empty())
                byReference.emplace(*key, static_cast<SignalId>(i));
        }
    }
    for (std::size_t j = 0; j < set.correlations.size(); ++j) {
        const RuleMetadata &meta = set.correlations[j].meta;
        for (const std::string *key : {&meta.id, &meta.name}) {
            if (!key->empty())
                byReference.emplace(*key, static_cast<SignalId>(set.rules.size() + j));
        }
    }
    const auto resolve = [&](std::string_view reference) -> std::optional<SignalId> {
        const auto it = byReference.find(std::string(reference));
        if (it == byReference.end())
            return std::nullopt;
        return it->second;
    };
    std::vector<std::size_t> sources; // parallel to out.rules: index into set.correlations
    for (std::size_t j = 0; j < set.correlations.size(); ++j) {
        const SigmaCorrelation &correlation = set.correlations[j];
        auto compiled = compileCorrelation(correlation, resolve, static_cast<SignalId>(set.rules.size() + j));
        if (!compiled) {
            out.failures.push_back(LoadFailure {correlation.meta.where, compiled.error().message});
            continue;
        }
        out.rules.push_back(std::move(*compiled));
        sources.push_back(j);
    }
    // A cycle, or a chain on a correlation decided at window close, leaves out only the
    // correlations concerned; the others run. Leaving one out can expose another: check again.
    for (auto problems = CorrelationEngine::checkChains(out.rules); !problems.empty();
         problems = CorrelationEngine::checkChains(out.rules)) {
        std::vector<std::uint8_t> drop(out.rules.size(), 0);
        for (const ChainProblem &problem : problems) {
            if (!drop[problem.rule])
                out.failures.push_back(
                    LoadFailure {set.correlations[sources[problem.rule]].meta.where, problem.message});
            drop[problem.rule] = 1;
        }
        std::size_t kept = 0;
        for (std::size_t i = 0; i < out.rules.size(); ++i) {
            if (drop[i])
                continue;
            if (kept != i) { // never self-move: that would empty the rule
                out.rules[kept] = std::move(out.rules[i]);
                sources[kept] = sources[i];
            }
            ++kept;
        }
        out.rules.resize(kept);
        sources.resize(kept);
    }
    // Rules a correlation in service refers to stop alerting on their own unless it says `generate`.
    for (const std::size_t j : sources) {
        const SigmaCorrelation &correlation = set.correlations[j];
        if (correlation.generate)
            continue;
        for (const std::string &reference : correlation.rules) {
            if (const auto signal = resolve(reference); signal && *signal < set.rules.size())
                out.ruleAlerts[*signal] = 0;
        }
    }
    return out;
}

} // namespace

SigmaDetector::SigmaDetector(
    std::unique_ptr<SigmaEvaluator> evaluator, CorrelationEngine correlation, std::vector<std::uint8_t> ruleAlerts)
    : m_evaluator(std::move(evaluator))
    , m_correlation(std::move(correlation))
    , m_ruleAlerts(std::move(ruleAlerts)) {
}

Result<std::unique_ptr<SigmaDetector>> SigmaDetector::create(const SigmaOptions &options) {
    SigmaOptions resolved = options;
    if (!options.placeholdersFile.empty()) {
        auto placeholders = loadPlaceholders(options.placeholdersFile);
        if (!placeholders)
            return placeholders.error();
        for (auto &[name, values] : *placeholders)
            resolved.compile.placeholders[name] = std::move(values);
    }
    if (options.fixedLogsource)
        return create(loadRules(options.rulePaths), LogsourceMap::fixed(*options.fixedLogsource), resolved);
    auto logsources = LogsourceMap::loadFile(options.logsourcesFile);
    if (!logsources)
        return logsources.error();
    return create(loadRules(options.rulePaths), std::move(*logsources), resolved);
}

Result<std::unique_ptr<SigmaDetector>> SigmaDetector::create(
    RuleCollection collection, LogsourceMap logsources, const SigmaOptions &options) {
    if (options.fixedLogsource)
        logsources = LogsourceMap::fixed(*options.fixedLogsource);
    auto compiled = compileRuleSet(std::move(collection), options.compile);
    if (!compiled)
        return compiled.error();
    CompiledCorrelations correlations = compileCorrelations(**compiled);
    (*compiled)->failures.insert(
        (*compiled)->failures.end(), correlations.failures.begin(), correlations.failures.end());
    auto engine = CorrelationEngine::create(std::move(correlations.rules), options.correlationLimits);
    if (!engine)
        return engine.error();
    auto evaluator = SigmaEvaluator::create(std::move(*compiled), std::move(logsources), options.scanCacheSlots);
    if (!evaluator)
        return evaluator.error();
    return std::unique_ptr<SigmaDetector>(
        new SigmaDetector(std::move(*evaluator), std::move(*engine), std::move(correlations.ruleAlerts)));
}

void SigmaDetector::process(const EventBatch &batch, std::span<const EventRef> refs, Output &out) {
    m_matches.clear();
    m_evaluator->evaluate(batch, m_matches);
    for (const RuleMatch &match : m_matches) {
        if (m_ruleAlerts[match.rule])
            out.matches.push_back(match);
    }
    if (m_correlation.ruleCount() == 0)
        return;
    m_signals.clear();
    m_fieldMappings.clear();
    std::size_t next = 0;
    for (std::uint32_t event = 0; event < batch.size(); ++event) {
        for (; next < m_matches.size() && m_matches[next].event == event; ++next)
            m_signals.add(static_cast<SignalId>(m_matches[next].rule));
        m_signals.endEvent();
        m_fieldMappings.push_back(m_evaluator->fieldMappings(event));
    }
    // Group-by and value fields are read as the rules read the event: through its logsource's
    // field mappings (a Security 4688 event's NewProcessName as Image).
    m_correlation.process(batch, refs, m_signals, out.correlations, m_fieldMappings);
}

} // namespace vanopticon::analysis::sigma
