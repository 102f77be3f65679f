// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/rule/correlationreader.h"

#include "analysis/sigma/rule/yamlscalar.h"
#include "shared/config/section.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

namespace vanopticon::analysis::sigma {

namespace {

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

bool isValueKind(CorrelationKind kind) {
    return kind == CorrelationKind::ValueCount || kind == CorrelationKind::ValueSum || kind == CorrelationKind::ValueAvg
        || kind == CorrelationKind::ValuePercentile;
}

bool isTemporalKind(CorrelationKind kind) {
    return kind == CorrelationKind::Temporal || kind == CorrelationKind::TemporalOrdered;
}

bool checkUnique(
    ReadContext &context, const YAML::Node &node, std::string_view what, const std::vector<std::string> &values) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i].empty())
            return context.fail(node, std::string(what) + " holds an empty entry");
        if (std::find(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(i), values[i])
            != values.begin() + static_cast<std::ptrdiff_t>(i))
            return context.fail(node, std::string(what) + " lists " + quoted(values[i]) + " twice");
    }
    return true;
}

// `Ns`, `Nm`, `Nh` or `Nd` as the specification writes it; the conversion is config's.
bool readTimespan(ReadContext &context, const YAML::Node &node, std::chrono::milliseconds &out) {
    std::string text;
    if (!node.IsScalar())
        return context.fail(node, "correlation.timespan must be a duration such as 90s, 10m, 1h or 7d");
    if (!context.text(node, "correlation.timespan", text, 32))
        return false;
    const bool shape = text.size() >= 2 && std::string_view("smhd").find(text.back()) != std::string_view::npos
        && std::all_of(text.begin(), text.end() - 1, [](char c) { return c >= '0' && c <= '9'; });
    if (!shape)
        return context.fail(node,
            "correlation.timespan " + quoted(text) + " is not a number followed by s, m, h or d (such as 90s or 1h)");
    auto duration = config::parseDuration(text);
    if (!duration)
        return context.fail(node, "correlation.timespan: " + duration.error().message);
    if (duration->count() == 0)
        return context.fail(node, "correlation.timespan must be longer than zero");
    out = *duration;
    return true;
}

bool readNumber(ReadContext &context, const YAML::Node &node, std::string_view what, double &out) {
    auto value = toSigmaValue(node);
    if (!value || !node.IsScalar())
        return context.fail(node, std::string(what) + " must be a number");
    const std::string &text = value->text;
    const char *begin = text.data() + (text.starts_with('+') ? 1 : 0);
    const auto [end, error] = std::from_chars(begin, text.data() + text.size(), out);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(out))
        return context.fail(node, std::string(what) + " must be a number, not " + quoted(text));
    return true;
}

bool readCondition(ReadContext &context, const YAML::Node &node, SigmaCorrelation &out) {
    if (!node.IsMap() || node.size() == 0)
        return context.fail(node, "correlation.condition must be a map such as {gte: 10}");
    if (!context.checkKeys(node, "correlation.condition"))
        return false;
    for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string &key = keyText(it->first);
        if (key == "field") {
            if (!context.texts(it->second, "correlation.condition.field", out.conditionFields))
                return false;
            if (out.conditionFields.empty())
                return context.fail(it->second, "correlation.condition.field is empty");
            if (!checkUnique(context, it->second, "correlation.condition.field", out.conditionFields))
                return false;
            continue;
        }
        const auto comparison = parseComparison(key);
        if (!comparison)
            return context.fail(it->first,
                "unknown key " + quoted(key)
                    + " in correlation.condition (expected gt, gte, lt, lte, eq, neq or field)");
        CorrelationCondition condition;
        condition.comparison = *comparison;
        if (!readNumber(context, it->second, "correlation.condition." + key, condition.value))
            return false;
        out.conditions.push_back(condition);
    }
    if (out.conditions.empty())
        return context.fail(node, "correlation.condition has no comparison (gt, gte, lt, lte, eq or neq)");
    return true;
}

bool readAliases(ReadContext &context, const YAML::Node &node, SigmaCorrelation &out) {
    if (!node.IsMap())
        return context.fail(node, "correlation.aliases must be a map of alias: {rule: field}");
    if (!context.checkKeys(node, "correlation.aliases"))
        return false;
    for (auto it = node.begin(); it != node.end(); ++it) {
        FieldAlias alias;
        alias.alias = keyText(it->first);
        const std::string what = "correlation.aliases." + alias.alias;
        const YAML::Node fields = it->second; // a copy: it-> yields a temporary
        if (!fields.IsMap() || fields.size() == 0)
            return context.fail(fields.IsNull() ? it->first : fields, what + " must be a map of rule: field");
        if (!context.checkKeys(fields, what))
            return false;
        for (auto field = fields.begin(); field != fields.end(); ++field) {
            const std::string &rule = keyText(field->first);
            std::string name;
            if (!field->second.IsScalar() || !context.text(field->second, what + "." + rule, name) || name.empty())
                return context.fail(field->second, what + "." + rule + " must be a field name");
            if (std::find(out.rules.begin(), out.rules.end(), rule) == out.rules.end())
                return context.fail(
                    field->first, what + " names the rule " + quoted(rule) + ", which correlation.rules does not list");
            alias.fieldByRule.emplace_back(rule, std::move(name));
        }
        out.aliases.push_back(std::move(alias));
    }
    return true;
}

} // namespace

bool readCorrelation(
    ReadContext &context, const YAML::Node &section, const YAML::Node *generate, SigmaCorrelation &out) {
    if (!section.IsMap())
        return context.fail(section, "correlation must be a map (type, rules, group-by, timespan, condition)");
    if (!context.checkKeys(section, "correlation"))
        return false;
    std::optional<YAML::Node> type, rules, aliases, groupBy, timespan, condition, innerGenerate;
    for (auto it = section.begin(); it != section.end(); ++it) {
        const std::string &key = keyText(it->first);
        if (key == "type")
            type.emplace(it->second);
        else if (key == "rules")
            rules.emplace(it->second);
        else if (key == "aliases")
            aliases.emplace(it->second);
        else if (key == "group-by")
            groupBy.emplace(it->second);
        else if (key == "timespan")
            timespan.emplace(it->second);
        else if (key == "condition")
            condition.emplace(it->second);
        else if (key == "generate")
            innerGenerate.emplace(it->second);
        else
            return context.fail(it->first,
                "unknown key " + quoted(key)
                    + " in correlation (expected type, rules, aliases, group-by, timespan, condition, generate)");
    }

    if (!type)
        return context.fail(section, "correlation has no type");
    std::string typeName;
    if (!context.text(*type, "correlation.type", typeName, 32))
        return false;
    const auto kind = parseCorrelationKind(typeName);
    if (!kind)
        return context.fail(*type,
            "correlation.type " + quoted(typeName)
                + " is not one of event_count, value_count, temporal, temporal_ordered, value_sum, value_avg, "
                  "value_percentile");
    out.kind = *kind;

    if (!rules)
        return context.fail(section, "correlation has no rules");
    if (!context.texts(*rules, "correlation.rules", out.rules))
        return false;
    if (out.rules.empty())
        return context.fail(*rules, "correlation.rules is empty");
    if (!checkUnique(context, *rules, "correlation.rules", out.rules))
        return false;

    if (!groupBy)
        return context.fail(section, "correlation has no group-by (the specification requires it for every type)");
    if (!context.texts(*groupBy, "correlation.group-by", out.groupBy))
        return false;
    if (out.groupBy.empty())
        return context.fail(*groupBy, "correlation.group-by is empty");
    if (!checkUnique(context, *groupBy, "correlation.group-by", out.groupBy))
        return false;

    if (!timespan)
        return context.fail(section, "correlation has no timespan");
    if (!readTimespan(context, *timespan, out.timespan))
        return false;

    if (aliases && !readAliases(context, *aliases, out))
        return false;

    if (condition) {
        if (!readCondition(context, *condition, out))
            return false;
    } else if (isTemporalKind(out.kind)) {
        out.conditions.push_back({Comparison::Gte, static_cast<double>(out.rules.size())});
    } else {
        return context.fail(section, "a correlation of type " + typeName + " needs a condition (such as {gte: 10})");
    }
    if (isValueKind(out.kind) && out.conditionFields.empty())
        return context.fail(*condition, "a correlation of type " + typeName + " needs correlation.condition.field");
    if (!isValueKind(out.kind) && !out.conditionFields.empty())
        return context.fail(
            *condition, "correlation.condition.field applies to the value_* types only, not to " + typeName);

    if (generate && innerGenerate)
        return context.fail(*innerGenerate, "generate is given twice (at the top level and in correlation)");
    const YAML::Node *generateNode = innerGenerate ? &*innerGenerate : generate;
    if (generateNode) {
        auto value = toSigmaValue(*generateNode);
        if (!value || value->type != SigmaValue::Type::Boolean)
            return context.fail(*generateNode, "generate must be true or false");
        out.generate = value->text == "true" || value->text == "True" || value->text == "TRUE";
    }
    return true;
}

} // namespace vanopticon::analysis::sigma
