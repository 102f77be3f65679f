// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/service/sigmadetections.h"

namespace vanopticon::analysis::sigma {

std::string alertRuleId(const RuleMetadata &meta) {
    if (!meta.id.empty())
        return meta.id;
    return meta.name.empty() ? meta.title : meta.name;
}

namespace {

std::string logsourceText(const Logsource &logsource) {
    std::string text;
    for (const auto &[key, value] : {std::pair {"category", &logsource.category}, {"product", &logsource.product},
             {"service", &logsource.service}}) {
        if (value->empty())
            continue;
        if (!text.empty())
            text += ", ";
        text += std::string(key) + " " + *value;
    }
    return text.empty() ? "any" : text;
}

} // namespace

Detection toDetection(const CompiledRule &rule, const Event &event, const EventRef &ref) {
    const RuleMetadata &meta = rule.rule.meta;
    Detection detection;
    detection.ruleId = alertRuleId(meta);
    detection.title = meta.title;
    detection.description = meta.description;
    detection.kind = DetectionKind::Signature;
    detection.severity = meta.level.value_or(Severity::Medium);
    detection.nodeId = std::string(ref.nodeId);
    detection.group.emplace_back("node_id", detection.nodeId);
    detection.firstSeenNs = event.timestampNs;
    detection.lastSeenNs = event.timestampNs;
    detection.eventCount = 1;
    detection.evidence.push_back(Evidence {ref.eventId, event.timestampNs});
    detection.explanation = "Sigma rule \"" + meta.title + "\" (" + meta.where.file + ") matched an event of logsource "
        + logsourceText(rule.rule.logsource) + "; condition: ";
    for (std::size_t i = 0; i < rule.rule.conditionTexts.size(); ++i)
        detection.explanation += (i ? " OR " : "") + rule.rule.conditionTexts[i];
    if (!rule.filters.empty())
        detection.explanation += " (after " + std::to_string(rule.filters.size()) + " global filter(s))";
    return detection;
}

} // namespace vanopticon::analysis::sigma
