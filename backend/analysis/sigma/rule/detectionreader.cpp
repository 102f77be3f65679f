// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/rule/detectionreader.h"

#include "analysis/sigma/rule/conditionparser.h"
#include "analysis/sigma/rule/yamlscalar.h"

#include <algorithm>
#include <optional>

namespace vanopticon::analysis::sigma {

namespace {

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

bool isNumeric(const SigmaValue &value) {
    return value.type == SigmaValue::Type::Number
        || (value.type == SigmaValue::Type::String && plainScalarType(value.text) == SigmaValue::Type::Number);
}

// The checks the specification's modifier appendix makes possible before compiling anything.
bool checkItem(ReadContext &context, const YAML::Node &key, const DetectionItem &item) {
    const std::string &keyName = keyText(key);
    const auto mod = [](Modifier m) { return quoted(toString(m)); };
    for (std::size_t i = 0; i < item.modifiers.size(); ++i) {
        const Modifier modifier = item.modifiers[i];
        const auto before = item.modifiers.begin() + static_cast<std::ptrdiff_t>(i);
        if (std::find(item.modifiers.begin(), before, modifier) != before)
            return context.fail(key, "the modifier " + mod(modifier) + " appears twice in " + quoted(keyName));
        const bool reFlag = modifier == Modifier::ReInsensitive || modifier == Modifier::ReMultiline
            || modifier == Modifier::ReDotAll;
        if (reFlag && std::find(item.modifiers.begin(), before, Modifier::Re) == before)
            return context.fail(key,
                mod(modifier) + " in " + quoted(keyName) + " is a flag of 're' and must follow it (as in 'Field|re|"
                    + std::string(toString(modifier)) + "')");
    }

    static constexpr Modifier kFieldOnly[] = {Modifier::Exists, Modifier::Fieldref, Modifier::Lt, Modifier::Lte,
        Modifier::Gt, Modifier::Gte, Modifier::Minute, Modifier::Hour, Modifier::Day, Modifier::Week, Modifier::Month,
        Modifier::Year, Modifier::Cidr};
    static constexpr Modifier kNumeric[] = {Modifier::Lt, Modifier::Lte, Modifier::Gt, Modifier::Gte, Modifier::Minute,
        Modifier::Hour, Modifier::Day, Modifier::Week, Modifier::Month, Modifier::Year};
    for (Modifier modifier : kFieldOnly) {
        if (!item.field && item.has(modifier))
            return context.fail(key, mod(modifier) + " needs a field name; it cannot apply to keywords");
    }

    for (const SigmaValue &value : item.values) {
        if (value.type != SigmaValue::Type::Null)
            continue;
        if (!item.field)
            return context.fail(key, "a keyword cannot be null");
        for (Modifier modifier : item.modifiers) {
            if (modifier != Modifier::Neq && modifier != Modifier::Cased)
                return context.fail(key,
                    "null (the field is absent or empty) cannot take the modifier " + mod(modifier) + " in "
                        + quoted(keyName));
        }
    }

    if (item.has(Modifier::All) && item.values.size() < 2)
        return context.fail(key,
            "'all' in " + quoted(keyName)
                + " needs a list of at least two values (the specification refuses it on one)");

    if (item.has(Modifier::Exists)) {
        if (item.modifiers.size() != 1)
            return context.fail(key, "'exists' cannot be combined with other modifiers in " + quoted(keyName));
        if (item.values.size() != 1 || item.values[0].type != SigmaValue::Type::Boolean)
            return context.fail(key, "'exists' in " + quoted(keyName) + " takes one value, true or false");
    }

    const std::size_t comparisons = static_cast<std::size_t>(std::count_if(item.modifiers.begin(), item.modifiers.end(),
        [](Modifier m) { return m == Modifier::Lt || m == Modifier::Lte || m == Modifier::Gt || m == Modifier::Gte; }));
    if (comparisons > 1)
        return context.fail(key, quoted(keyName) + " has more than one of lt, lte, gt and gte");
    for (Modifier modifier : kNumeric) {
        if (!item.has(modifier))
            continue;
        for (const SigmaValue &value : item.values) {
            if (!isNumeric(value))
                return context.fail(key,
                    mod(modifier) + " in " + quoted(keyName) + " takes numbers; " + quoted(value.text) + " is not one");
        }
    }

    if (item.has(Modifier::Fieldref)) {
        for (const SigmaValue &value : item.values) {
            if (value.text.empty())
                return context.fail(key, "'fieldref' in " + quoted(keyName) + " takes field names, not an empty text");
        }
    }
    return true;
}

bool readValue(ReadContext &context, const YAML::Node &key, const YAML::Node &node, std::vector<SigmaValue> &out) {
    if (!context.spend(node))
        return false;
    auto value = toSigmaValue(node);
    if (!value)
        return context.fail(node, "the value of " + quoted(keyText(key)) + ": " + value.error().message);
    if (value->text.size() > kMaxTextBytes)
        return context.fail(
            node, "a value of " + quoted(keyText(key)) + " is longer than " + std::to_string(kMaxTextBytes) + " bytes");
    out.push_back(std::move(*value));
    return true;
}

// `Field|mod|mod: value` or `Field: [values]`.
bool readItem(ReadContext &context, const YAML::Node &key, const YAML::Node &value, DetectionItem &item) {
    const std::string &keyName = keyText(key);
    item.where = context.where(key);
    std::string_view rest = keyName;
    const std::size_t pipe = rest.find('|');
    const std::string_view field = rest.substr(0, pipe);
    if (!field.empty())
        item.field = std::string(field);
    rest = pipe == std::string_view::npos ? std::string_view() : rest.substr(pipe + 1);
    while (pipe != std::string_view::npos) {
        const std::size_t next = rest.find('|');
        const std::string_view name = rest.substr(0, next);
        const auto modifier = parseModifier(name);
        if (!modifier) {
            if (name.empty())
                return context.fail(key, quoted(keyName) + " has an empty modifier ('||' or a trailing '|')");
            return context.fail(key, "unknown modifier " + quoted(name) + " in " + quoted(keyName));
        }
        item.modifiers.push_back(*modifier);
        if (next == std::string_view::npos)
            break;
        rest.remove_prefix(next + 1);
    }

    if (value.IsMap())
        return context.fail(value,
            "the value of " + quoted(keyName)
                + " is a map; a value is a text, number, boolean or null, or a list of them");
    if (value.IsSequence()) {
        item.values.reserve(std::min<std::size_t>(value.size(), kMaxNodesPerDocument));
        for (const YAML::Node &element : value) {
            if (element.IsMap() || element.IsSequence())
                return context.fail(element,
                    "a value of " + quoted(keyName) + " is a " + (element.IsMap() ? "map" : "list")
                        + "; a list of values holds texts, numbers or booleans");
            if (element.IsNull())
                return context.fail(element,
                    "null cannot be part of a list of values (in " + quoted(keyName)
                        + "); write a separate search identifier for it");
            if (!readValue(context, key, element, item.values))
                return false;
        }
    } else if (!readValue(context, key, value, item.values)) {
        return false;
    }
    return checkItem(context, key, item);
}

bool readMap(ReadContext &context, const YAML::Node &map, const std::string &what, DetectionMap &out) {
    if (map.size() == 0)
        return context.fail(map, what + " is an empty map");
    if (!context.checkKeys(map, what))
        return false;
    out.items.reserve(map.size());
    for (auto it = map.begin(); it != map.end(); ++it) {
        out.items.emplace_back();
        if (!readItem(context, it->first, it->second, out.items.back()))
            return false;
    }
    return true;
}

bool readSearch(ReadContext &context, std::string_view sectionName, const YAML::Node &key, const YAML::Node &value,
    SearchIdentifier &search) {
    search.name = keyText(key);
    search.where = context.where(key);
    const std::string what = std::string(sectionName) + "." + search.name;
    if (value.IsMap()) {
        search.alternatives.emplace_back();
        return readMap(context, value, what, search.alternatives.back());
    }
    if (!value.IsSequence()) {
        if (search.name == "timeframe")
            return context.fail(
                key, what + " belongs to the obsolete aggregation syntax; write a correlation rule with a timespan");
        return context.fail(value.IsNull() ? key : value,
            what
                + (value.IsNull() ? " is empty"
                                  : " must be a map (field: value), a list of maps or a list of keywords"));
    }
    if (value.size() == 0)
        return context.fail(value, what + " is an empty list");
    // Keywords of a mixed list go into one keyword item, an alternative like the maps (all OR).
    std::optional<std::size_t> keywordAlternative;
    for (const YAML::Node &element : value) {
        if (element.IsMap()) {
            search.alternatives.emplace_back();
            if (!readMap(context, element, what, search.alternatives.back()))
                return false;
            continue;
        }
        if (element.IsSequence())
            return context.fail(element, what + " holds a list inside its list");
        if (element.IsNull())
            return context.fail(element, what + " holds an empty keyword (null)");
        if (!keywordAlternative) {
            keywordAlternative = search.alternatives.size();
            DetectionItem keywords;
            keywords.where = context.where(element);
            search.alternatives.emplace_back().items.push_back(std::move(keywords));
        }
        if (!readValue(context, key, element, search.alternatives[*keywordAlternative].items.front().values))
            return false;
    }
    return true;
}

bool readConditions(ReadContext &context, std::string_view sectionName, const YAML::Node &key, const YAML::Node &value,
    const std::vector<SearchIdentifier> &searches, std::vector<std::string> &texts, ConditionNode &condition) {
    const std::string what = std::string(sectionName) + ".condition";
    std::vector<YAML::Node> nodes;
    if (value.IsScalar()) {
        nodes.push_back(value);
    } else if (value.IsSequence() && value.size() > 0) {
        if (!context.spend(value, value.size()))
            return false;
        for (const YAML::Node &element : value)
            nodes.push_back(element);
    } else if (value.IsNull() || value.IsSequence()) {
        return context.fail(value.IsNull() ? key : value, what + " is empty");
    } else {
        return context.fail(value, what + " must be a text or a list of texts, not a map");
    }
    std::vector<ConditionNode> parsed;
    for (const YAML::Node &node : nodes) {
        std::string text;
        if (!node.IsScalar() && !node.IsNull())
            return context.fail(node, "an entry of " + what + " must be a text");
        if (!context.text(node, what, text, kMaxConditionLength))
            return false;
        auto tree = parseCondition(text, searches);
        if (!tree)
            return context.fail(node, what + " " + quoted(text) + ": " + tree.error().message);
        texts.push_back(std::move(text));
        parsed.push_back(std::move(*tree));
    }
    if (parsed.size() == 1) {
        condition = std::move(parsed.front());
    } else {
        condition = ConditionNode {};
        condition.kind = ConditionNode::Kind::Or;
        condition.children = std::move(parsed);
    }
    return true;
}

} // namespace

bool readDetection(ReadContext &context, const YAML::Node &section, std::string_view sectionName,
    std::initializer_list<std::string_view> reserved, std::vector<SearchIdentifier> &searches,
    std::vector<std::string> &conditionTexts, ConditionNode &condition) {
    if (!section.IsMap())
        return context.fail(section, std::string(sectionName) + " must be a map of search identifiers and a condition");
    if (!context.checkKeys(section, sectionName))
        return false;
    std::optional<YAML::Node> conditionKey, conditionValue;
    for (auto it = section.begin(); it != section.end(); ++it) {
        const std::string &name = keyText(it->first);
        if (name == "condition") {
            conditionKey.emplace(it->first);
            conditionValue.emplace(it->second);
            continue;
        }
        if (std::find(reserved.begin(), reserved.end(), name) != reserved.end())
            continue;
        searches.emplace_back();
        if (!readSearch(context, sectionName, it->first, it->second, searches.back()))
            return false;
    }
    if (!conditionValue)
        return context.fail(section, std::string(sectionName) + " has no condition");
    if (searches.empty())
        return context.fail(section, std::string(sectionName) + " defines no search identifier");
    return readConditions(context, sectionName, *conditionKey, *conditionValue, searches, conditionTexts, condition);
}

} // namespace vanopticon::analysis::sigma
