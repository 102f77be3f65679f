// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/rule/documentreader.h"

#include "analysis/sigma/rule/correlationreader.h"
#include "analysis/sigma/rule/detectionreader.h"

#include <algorithm>
#include <array>
#include <optional>

namespace vanopticon::analysis::sigma {

namespace {

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

// The top-level keys the specifications name, picked out in one pass over the document.
struct TopLevel {
    std::optional<YAML::Node> title, id, name, related, taxonomy, status, description, license, references, author,
        date, modified, logsource, detection, fields, falsepositives, level, tags, scope, correlation, filter, generate,
        action;
};

using Slot = std::optional<YAML::Node> TopLevel::*;
const std::array<std::pair<std::string_view, Slot>, 23> kTopLevelKeys = {{
    {"title", &TopLevel::title},
    {"id", &TopLevel::id},
    {"name", &TopLevel::name},
    {"related", &TopLevel::related},
    {"taxonomy", &TopLevel::taxonomy},
    {"status", &TopLevel::status},
    {"description", &TopLevel::description},
    {"license", &TopLevel::license},
    {"references", &TopLevel::references},
    {"author", &TopLevel::author},
    {"date", &TopLevel::date},
    {"modified", &TopLevel::modified},
    {"logsource", &TopLevel::logsource},
    {"detection", &TopLevel::detection},
    {"fields", &TopLevel::fields},
    {"falsepositives", &TopLevel::falsepositives},
    {"level", &TopLevel::level},
    {"tags", &TopLevel::tags},
    {"scope", &TopLevel::scope},
    {"correlation", &TopLevel::correlation},
    {"filter", &TopLevel::filter},
    {"generate", &TopLevel::generate},
    {"action", &TopLevel::action},
}};

constexpr std::string_view kStatuses[] = {"stable", "test", "experimental", "deprecated", "unsupported"};
constexpr std::string_view kRelationTypes[] = {"derived", "obsolete", "merged", "renamed", "similar"};
constexpr std::string_view kLevels[] = {"informational", "low", "medium", "high", "critical"};

template<std::size_t N> bool oneOf(const std::string_view (&choices)[N], std::string_view value) {
    return std::find(std::begin(choices), std::end(choices), value) != std::end(choices);
}

template<std::size_t N> std::string listed(const std::string_view (&choices)[N]) {
    std::string out;
    for (std::string_view choice : choices)
        out += (out.empty() ? "" : ", ") + std::string(choice);
    return out;
}

bool optionalText(ReadContext &context, const std::optional<YAML::Node> &node, std::string_view what, std::string &out,
    std::size_t maxCharacters = kMaxTextBytes) {
    return !node || context.text(*node, what, out, maxCharacters);
}

bool optionalTexts(
    ReadContext &context, const std::optional<YAML::Node> &node, std::string_view what, std::vector<std::string> &out) {
    return !node || context.texts(*node, what, out);
}

bool readRelated(ReadContext &context, const YAML::Node &node, std::vector<RelatedRule> &out) {
    if (node.IsNull())
        return true;
    if (!node.IsSequence())
        return context.fail(node, "related must be a list of {id, type}");
    for (const YAML::Node &entry : node) {
        if (!entry.IsMap())
            return context.fail(entry, "an entry of related must be a map {id, type}");
        if (!context.checkKeys(entry, "related"))
            return false;
        RelatedRule related;
        bool hasId = false, hasType = false;
        for (auto it = entry.begin(); it != entry.end(); ++it) {
            const std::string &key = keyText(it->first);
            if (key == "id") {
                hasId = true;
                if (!context.text(it->second, "related.id", related.id, kMaxNameCharacters))
                    return false;
            } else if (key == "type") {
                hasType = true;
                if (!context.text(it->second, "related.type", related.type, 32))
                    return false;
            }
        }
        if (!hasId || related.id.empty())
            return context.fail(entry, "an entry of related has no id");
        if (!hasType || !oneOf(kRelationTypes, related.type))
            return context.fail(
                entry, "the type of related " + quoted(related.id) + " must be one of " + listed(kRelationTypes));
        out.push_back(std::move(related));
    }
    return true;
}

bool readMetadata(ReadContext &context, const YAML::Node &root, const TopLevel &top, RuleMetadata &meta) {
    meta.where = context.where(root);
    if (!top.title)
        return context.fail(root, "the document has no title");
    if (!context.text(*top.title, "title", meta.title, kMaxTitleCharacters))
        return false;
    if (meta.title.empty())
        return context.fail(*top.title, "the title is empty");
    if (!optionalText(context, top.id, "id", meta.id, kMaxNameCharacters)
        || !optionalText(context, top.name, "name", meta.name, kMaxNameCharacters)
        || !optionalText(context, top.taxonomy, "taxonomy", meta.taxonomy, kMaxNameCharacters)
        || !optionalText(context, top.status, "status", meta.status)
        || !optionalText(context, top.description, "description", meta.description, kMaxDescriptionCharacters)
        || !optionalText(context, top.license, "license", meta.license)
        || !optionalText(context, top.author, "author", meta.author)
        || !optionalText(context, top.date, "date", meta.date)
        || !optionalText(context, top.modified, "modified", meta.modified)
        || !optionalTexts(context, top.references, "references", meta.references)
        || !optionalTexts(context, top.tags, "tags", meta.tags)
        || !optionalTexts(context, top.falsepositives, "falsepositives", meta.falsepositives)
        || !optionalTexts(context, top.fields, "fields", meta.fields))
        return false;
    std::vector<std::string> scope; // validated, kept nowhere: the engine has no use for it
    if (!optionalTexts(context, top.scope, "scope", scope))
        return false;
    if (!meta.status.empty() && !oneOf(kStatuses, meta.status))
        return context.fail(*top.status, "status " + quoted(meta.status) + " is not one of " + listed(kStatuses));
    if (top.related && !readRelated(context, *top.related, meta.related))
        return false;
    if (top.level) {
        std::string level;
        if (!context.text(*top.level, "level", level, 32))
            return false;
        if (!level.empty()) {
            if (!oneOf(kLevels, level))
                return context.fail(*top.level, "level " + quoted(level) + " is not one of " + listed(kLevels));
            meta.level = parseSeverity(level);
        }
    }
    return true;
}

bool readLogsource(
    ReadContext &context, const YAML::Node &root, const std::optional<YAML::Node> &node, Logsource &out) {
    if (!node)
        return context.fail(root, "the document has no logsource");
    if (!node->IsMap())
        return context.fail(*node, "logsource must be a map (category, product, service, definition)");
    if (!context.checkKeys(*node, "logsource"))
        return false;
    // Other keys are allowed: the specification leaves logsource open to further attributes.
    for (auto it = node->begin(); it != node->end(); ++it) {
        const std::string &key = keyText(it->first);
        std::string *target = key == "category" ? &out.category
            : key == "product"                  ? &out.product
            : key == "service"                  ? &out.service
            : key == "definition"               ? &out.definition
                                                : nullptr;
        if (target && !context.text(it->second, "logsource." + key, *target))
            return false;
    }
    return true;
}

bool readRule(ReadContext &context, const YAML::Node &root, const TopLevel &top, SigmaRule &rule) {
    return readMetadata(context, root, top, rule.meta) && readLogsource(context, root, top.logsource, rule.logsource)
        && readDetection(context, *top.detection, "detection", {}, rule.searches, rule.conditionTexts, rule.condition);
}

bool readFilter(ReadContext &context, const YAML::Node &root, const TopLevel &top, SigmaFilter &filter) {
    if (!readMetadata(context, root, top, filter.meta)
        || !readLogsource(context, root, top.logsource, filter.logsource))
        return false;
    const YAML::Node &section = *top.filter;
    if (!section.IsMap())
        return context.fail(section, "filter must be a map of rules, search identifiers and a condition");
    std::optional<YAML::Node> rules;
    for (auto it = section.begin(); it != section.end(); ++it) {
        if (it->first.IsScalar() && it->first.Scalar() == "rules")
            rules.emplace(it->second);
    }
    if (!rules)
        return context.fail(section, "filter has no rules (the ids or names of the rules it applies to)");
    if (!context.texts(*rules, "filter.rules", filter.rules))
        return false;
    if (filter.rules.empty())
        return context.fail(*rules, "filter.rules is empty");
    for (std::size_t i = 0; i < filter.rules.size(); ++i) {
        if (filter.rules[i].empty())
            return context.fail(*rules, "filter.rules holds an empty entry");
        if (std::find(filter.rules.begin(), filter.rules.begin() + static_cast<std::ptrdiff_t>(i), filter.rules[i])
            != filter.rules.begin() + static_cast<std::ptrdiff_t>(i))
            return context.fail(*rules, "filter.rules lists " + quoted(filter.rules[i]) + " twice");
    }
    return readDetection(
        context, section, "filter", {"rules"}, filter.searches, filter.conditionTexts, filter.condition);
}

} // namespace

void readDocument(ReadContext &context, const YAML::Node &root, RuleCollection &out) {
    if (root.IsNull() || !root.IsDefined())
        return;
    if (!root.IsMap()) {
        context.fail(root,
            "a Sigma document must be a map (title, logsource, detection, …), not a "
                + std::string(root.IsSequence() ? "list" : "single value"));
        return;
    }
    if (!context.checkKeys(root, "the document"))
        return;
    TopLevel top;
    for (auto it = root.begin(); it != root.end(); ++it) {
        const std::string &key = keyText(it->first);
        for (const auto &[name, slot] : kTopLevelKeys) {
            if (key == name) {
                (top.*slot).emplace(it->second);
                break;
            }
        }
    }

    if (top.action && top.action->IsScalar()) {
        const std::string &action = top.action->Scalar();
        if (action == "global" || action == "reset" || action == "repeat") {
            context.fail(*top.action,
                "'action: " + action
                    + "' belongs to Sigma 1.x rule collections, which specification 2 no longer has; write each rule "
                      "as "
                      "a complete document");
            return;
        }
    }

    const int kinds = (top.detection ? 1 : 0) + (top.correlation ? 1 : 0) + (top.filter ? 1 : 0);
    if (kinds == 0) {
        context.fail(
            root, "the document is neither a rule (detection), a correlation (correlation) nor a filter (filter)");
        return;
    }
    if (kinds > 1) {
        context.fail(root,
            "a document is one of a rule (detection), a correlation (correlation) or a filter (filter), "
            "not several");
        return;
    }

    if (top.detection) {
        SigmaRule rule;
        if (readRule(context, root, top, rule))
            out.rules.push_back(std::move(rule));
    } else if (top.correlation) {
        SigmaCorrelation correlation;
        if (readMetadata(context, root, top, correlation.meta)
            && readCorrelation(context, *top.correlation, top.generate ? &*top.generate : nullptr, correlation))
            out.correlations.push_back(std::move(correlation));
    } else {
        SigmaFilter filter;
        if (readFilter(context, root, top, filter))
            out.filters.push_back(std::move(filter));
    }
}

} // namespace vanopticon::analysis::sigma
