// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/service/sigmareport.h"

#include "analysis/sigma/service/sigmadetections.h"
#include "analysis/sigma/service/sigmaservice.h"
#include "shared/core/prometheustext.h"

#include <QJsonArray>

#include <algorithm>
#include <numeric>

using namespace Qt::StringLiterals;

namespace vanopticon::analysis::sigma {

namespace {

QString qs(const std::string &text) {
    return QString::fromStdString(text);
}

double cost(const RuleStats &stats) {
    return stats.estimatedSeconds();
}

} // namespace

std::optional<RuleOrder> parseRuleOrder(const QString &text) {
    if (text == u"matches"_s)
        return RuleOrder::Matches;
    if (text == u"cost"_s)
        return RuleOrder::Cost;
    if (text == u"evaluations"_s)
        return RuleOrder::Evaluations;
    return std::nullopt;
}

QJsonObject sigmaRuleReport(const SigmaService &service, RuleOrder order, int limit) {
    const SigmaDetector &detector = service.detector();
    const CompiledRuleSet &set = detector.rules();
    const auto stats = detector.evaluator().ruleStats();

    std::vector<std::uint32_t> ranked(set.rules.size());
    std::iota(ranked.begin(), ranked.end(), 0U);
    const auto key = [&](std::uint32_t i) -> double {
        switch (order) {
        case RuleOrder::Matches:
            return static_cast<double>(stats[i].matches);
        case RuleOrder::Cost:
            return cost(stats[i]);
        case RuleOrder::Evaluations:
            return static_cast<double>(stats[i].evaluations);
        }
        return 0;
    };
    const std::size_t shown = std::min(ranked.size(), static_cast<std::size_t>(std::max(limit, 0)));
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(shown), ranked.end(),
        [&](std::uint32_t a, std::uint32_t b) { return key(a) != key(b) ? key(a) > key(b) : a < b; });

    QJsonArray items;
    for (std::size_t n = 0; n < shown; ++n) {
        const std::uint32_t i = ranked[n];
        const RuleMetadata &meta = set.rules[i].rule.meta;
        items.append(QJsonObject {{u"rule_id"_s, qs(alertRuleId(meta))}, {u"title"_s, qs(meta.title)},
            {u"level"_s, meta.level ? qs(std::string(toString(*meta.level))) : QString()},
            {u"file"_s, qs(meta.where.file)}, {u"alerts"_s, detector.ruleAlerts(i)},
            {u"evaluations"_s, static_cast<qint64>(stats[i].evaluations)},
            {u"matches"_s, static_cast<qint64>(stats[i].matches)}, {u"cost_seconds"_s, cost(stats[i])}});
    }
    QJsonArray failures;
    for (const LoadFailure &failure : set.failures) {
        failures.append(QJsonObject {{u"file"_s, qs(failure.where.file)},
            {u"line"_s, static_cast<qint64>(failure.where.line)}, {u"reason"_s, qs(failure.reason)}});
    }
    const SigmaService::Status &status = service.status();
    const EvaluatorTotals &totals = detector.evaluator().totals();
    return QJsonObject {{u"generation"_s, static_cast<qint64>(status.generation)},
        {u"loaded_at"_s, status.loadedAt.toString(Qt::ISODateWithMs)}, {u"reloading"_s, status.reloading},
        {u"last_reload_error"_s, status.lastReloadError.isEmpty() ? QJsonValue() : QJsonValue(status.lastReloadError)},
        {u"rules"_s, static_cast<qint64>(set.rules.size())},
        {u"correlations"_s, static_cast<qint64>(detector.correlationCount())},
        {u"failed"_s, static_cast<qint64>(set.failures.size())}, {u"failures"_s, failures},
        {u"events"_s, static_cast<qint64>(totals.events)}, {u"matches"_s, static_cast<qint64>(totals.matches)},
        {u"items"_s, items}};
}

void appendSigmaMetrics(const SigmaService &service, PrometheusText &out) {
    const SigmaDetector &detector = service.detector();
    const SigmaEvaluator &evaluator = detector.evaluator();
    const CompiledRuleSet &set = detector.rules();
    const SigmaService::Status &status = service.status();

    out.family("vanopticon_sigma_rules", "gauge", "Sigma rules in service, and those that failed to load or compile.");
    out.sample("vanopticon_sigma_rules", static_cast<double>(set.rules.size()), {{"state", "loaded"}});
    out.sample("vanopticon_sigma_rules", static_cast<double>(set.failures.size()), {{"state", "failed"}});
    out.family("vanopticon_sigma_correlations", "gauge", "Sigma correlation rules in service.");
    out.sample("vanopticon_sigma_correlations", static_cast<double>(detector.correlationCount()));
    out.family("vanopticon_sigma_rule_set_generation", "gauge", "Rule sets put in service (1 + reloads).");
    out.sample("vanopticon_sigma_rule_set_generation", static_cast<double>(status.generation));
    out.family("vanopticon_sigma_reload_failures_total", "counter", "Reloads that failed (the old rules stayed).");
    out.sample("vanopticon_sigma_reload_failures_total", static_cast<double>(status.reloadsFailed));

    const EvaluatorTotals &totals = evaluator.totals();
    out.family("vanopticon_sigma_events_total", "counter", "Events evaluated by the rule set in service.");
    out.sample("vanopticon_sigma_events_total", static_cast<double>(totals.events));
    out.family("vanopticon_sigma_candidates_total", "counter", "Rules evaluated because one of their patterns hit.");
    out.sample("vanopticon_sigma_candidates_total", static_cast<double>(totals.candidates));
    out.family("vanopticon_sigma_scan_failures_total", "counter", "Pattern scans that failed (Hyperscan errors).");
    out.sample("vanopticon_sigma_scan_failures_total", static_cast<double>(totals.scanFailures));

    const auto stats = evaluator.ruleStats();
    const auto perRule = [&](std::string_view name, std::string_view help, auto value) {
        out.family(name, "counter", help);
        for (std::size_t i = 0; i < set.rules.size(); ++i) {
            if (stats[i].evaluations == 0)
                continue;
            const std::string id = alertRuleId(set.rules[i].rule.meta);
            out.sample(name, value(stats[i]), {{"rule_id", id}, {"title", set.rules[i].rule.meta.title}});
        }
    };
    perRule("vanopticon_sigma_rule_evaluations_total", "Times the rule's condition was evaluated.",
        [](const RuleStats &s) { return static_cast<double>(s.evaluations); });
    perRule("vanopticon_sigma_rule_matches_total", "Events the rule matched.",
        [](const RuleStats &s) { return static_cast<double>(s.matches); });
    perRule("vanopticon_sigma_rule_evaluation_seconds_total", "Estimated time spent evaluating the rule (sampled).",
        [](const RuleStats &s) { return s.estimatedSeconds(); });
}

} // namespace vanopticon::analysis::sigma
