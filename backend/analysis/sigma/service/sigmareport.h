// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace vanopticon {
class PrometheusText;
}

namespace vanopticon::analysis::sigma {

class SigmaService;

// Which rules come first in the report: the noisiest, the most expensive, the most evaluated.
enum class RuleOrder { Matches, Cost, Evaluations };
std::optional<RuleOrder> parseRuleOrder(const QString &text); // "matches", "cost", "evaluations"

// The rule set in service and what each rule cost and found since it was loaded ("track rule
// performance and efficacy"): GET /api/v1/sigma/rules (docs/API.md).
QJsonObject sigmaRuleReport(const SigmaService &service, RuleOrder order, int limit);

// The same as Prometheus families (vanopticon_sigma_*). Per-rule series only for rules that
// were evaluated at least once, so a corpus of thousands of rules for other platforms does not
// make thousands of zero series.
void appendSigmaMetrics(const SigmaService &service, PrometheusText &out);

} // namespace vanopticon::analysis::sigma
