// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/ruleloader.h"

#include "shared/config/section.h"

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <system_error>
#include <unordered_map>

namespace vanopticon::analysis {

namespace {

// Where each id was first defined, to report duplicates across files.
using SeenIds = std::unordered_map<std::string, std::string>;

bool isIdCharacter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
        || c == '.' || c == ':';
}

Error inRule(Error error, const std::string &id) {
    error.message += " (rule '" + id + "')";
    return error;
}

Result<std::string> boundedText(const config::Section &rule, std::string_view key, bool required, std::size_t max) {
    auto text = required ? rule.requireString(key) : rule.string(key, "");
    if (!text)
        return text.error();
    if (required && text->empty())
        return rule.child(key).error("must not be empty");
    if (text->size() > max)
        return rule.child(key).error("is longer than " + std::to_string(max) + " characters");
    return text;
}

Result<std::vector<FieldId>> parseGroupBy(const config::Section &rule) {
    if (!rule.has("group_by"))
        return rule.error("missing required setting 'group_by'");
    const config::Section section = rule.child("group_by");
    auto names = rule.strings("group_by");
    if (!names)
        return names.error();
    if (names->empty())
        return section.error("needs at least one field");
    if (names->size() > ruleLimits::kMaxGroupBy)
        return section.error("takes at most " + std::to_string(ruleLimits::kMaxGroupBy) + " fields");
    std::vector<FieldId> fields;
    for (const std::string &name : *names) {
        if (name.empty() || name.size() > ruleLimits::kMaxIdLength)
            return section.error("'" + name + "' is not a field name");
        const FieldId id = internField(name);
        if (std::find(fields.begin(), fields.end(), id) != fields.end())
            return section.error("names '" + name + "' twice");
        fields.push_back(id);
    }
    return fields;
}

Result<std::chrono::milliseconds> parseWindow(const config::Section &rule) {
    if (!rule.has("window"))
        return rule.error("missing required setting 'window'");
    auto window = rule.duration("window", std::chrono::milliseconds::zero());
    if (!window)
        return window.error();
    if (*window <= std::chrono::milliseconds::zero())
        return rule.child("window").error("must be greater than zero");
    if (*window > ruleLimits::kMaxWindow)
        return rule.child("window").error("must be at most " + formatDuration(ruleLimits::kMaxWindow));
    return window;
}

Result<std::vector<std::string>> parseTags(const config::Section &rule) {
    auto tags = rule.strings("tags");
    if (!tags)
        return tags.error();
    if (tags->size() > ruleLimits::kMaxTags)
        return rule.child("tags").error("takes at most " + std::to_string(ruleLimits::kMaxTags) + " tags");
    for (const std::string &tag : *tags) {
        if (tag.empty() || tag.size() > ruleLimits::kMaxIdLength)
            return rule.child("tags").error("'" + tag + "' is not a valid tag");
    }
    return tags;
}

Result<void> parseEventCount(const config::Section &rule, CorrelationRule &out) {
    if (rule.has("steps"))
        return rule.child("steps").error("an event_count rule has no steps (a sequence is type temporal_ordered)");
    if (!rule.has("filter"))
        return rule.error("missing required setting 'filter'");
    auto filter = expr::Expression::fromConfig(rule.child("filter"));
    if (!filter)
        return filter.error();
    out.filter = std::move(*filter);
    if (!rule.has("threshold"))
        return rule.error("missing required setting 'threshold'");
    auto threshold = rule.integer("threshold", 0, 1, ruleLimits::kMaxThreshold);
    if (!threshold)
        return threshold.error();
    if (*threshold < 1)
        return rule.child("threshold").error("must be between 1 and " + std::to_string(ruleLimits::kMaxThreshold));
    out.threshold = static_cast<std::uint32_t>(*threshold);
    return {};
}

Result<void> parseTemporalOrdered(const config::Section &rule, CorrelationRule &out) {
    if (rule.has("threshold"))
        return rule.child("threshold").error("a temporal_ordered rule has no threshold (give a step a min_count)");
    if (rule.has("filter")) {
        auto filter = expr::Expression::fromConfig(rule.child("filter"));
        if (!filter)
            return filter.error();
        out.filter = std::move(*filter);
    }
    if (!rule.has("steps"))
        return rule.error("missing required setting 'steps'");
    const config::Section stepsSection = rule.child("steps");
    auto steps = stepsSection.elements();
    if (!steps)
        return steps.error();
    if (steps->size() < 2 || steps->size() > ruleLimits::kMaxSteps)
        return stepsSection.error("a temporal_ordered rule needs between 2 and " + std::to_string(ruleLimits::kMaxSteps)
            + " steps, got " + std::to_string(steps->size()));
    for (const config::Section &step : *steps) {
        if (!step.isMap())
            return step.error("expected a step (a mapping with filter and min_count)");
        if (auto allowed = step.allowOnly({"filter", "min_count"}); !allowed)
            return allowed.error();
        if (!step.has("filter"))
            return step.error("missing required setting 'filter'");
        auto filter = expr::Expression::fromConfig(step.child("filter"));
        if (!filter)
            return filter.error();
        auto minCount = step.integer("min_count", 1, 1, ruleLimits::kMaxMinCount);
        if (!minCount)
            return minCount.error();
        CorrelationStep parsed;
        parsed.filter = std::move(*filter);
        parsed.minCount = static_cast<std::uint32_t>(*minCount);
        out.steps.push_back(std::move(parsed));
    }
    return {};
}

Result<CorrelationRule> parseRule(const config::Section &rule) {
    if (!rule.isMap())
        return rule.error("expected a rule (a mapping with id, title, type, …)");
    // The id first, so every later error can name the rule.
    auto id = rule.requireString("id");
    if (!id)
        return id.error();
    if (id->empty() || id->size() > ruleLimits::kMaxIdLength || !std::all_of(id->begin(), id->end(), isIdCharacter))
        return rule.child("id").error("'" + *id
            + "' is not a valid rule id (letters, digits, '_', '-', '.', ':'; at most "
            + std::to_string(ruleLimits::kMaxIdLength) + ")");

    CorrelationRule out;
    out.id = *id;
    out.source = rule.where();
    const auto parse = [&]() -> Result<void> {
        if (auto allowed = rule.allowOnly({"id", "title", "description", "type", "severity", "confidence", "filter",
                "group_by", "window", "threshold", "steps", "tags"});
            !allowed)
            return allowed.error();

        auto type = rule.requireString("type");
        if (!type)
            return type.error();
        if (*type == "event_count")
            out.type = CorrelationType::EventCount;
        else if (*type == "temporal_ordered")
            out.type = CorrelationType::TemporalOrdered;
        else
            return rule.child("type").error("unknown type '" + *type + "' (expected event_count or temporal_ordered)");

        auto title = boundedText(rule, "title", true, ruleLimits::kMaxTitleLength);
        if (!title)
            return title.error();
        out.title = std::move(*title);
        auto description = boundedText(rule, "description", false, ruleLimits::kMaxDescriptionLength);
        if (!description)
            return description.error();
        out.description = std::move(*description);

        auto severityName = rule.requireString("severity");
        if (!severityName)
            return severityName.error();
        const auto severity = parseSeverity(*severityName);
        if (!severity)
            return rule.child("severity")
                .error("unknown severity '" + *severityName + "' (expected info, low, medium, high or critical)");
        out.severity = *severity;

        auto confidence = rule.number("confidence", 1.0, 0.0, 1.0);
        if (!confidence)
            return confidence.error();
        out.confidence = *confidence;

        auto groupBy = parseGroupBy(rule);
        if (!groupBy)
            return groupBy.error();
        out.groupBy = std::move(*groupBy);
        auto window = parseWindow(rule);
        if (!window)
            return window.error();
        out.window = *window;
        auto tags = parseTags(rule);
        if (!tags)
            return tags.error();
        out.tags = std::move(*tags);

        auto typed
            = out.type == CorrelationType::EventCount ? parseEventCount(rule, out) : parseTemporalOrdered(rule, out);
        if (!typed)
            return typed;
        // Belt and braces: the engine relies on these invariants.
        if (auto valid = validate(out); !valid)
            return rule.error(valid.error().message);
        return {};
    };
    if (auto parsed = parse(); !parsed)
        return inRule(parsed.error(), *id);
    return out;
}

Result<std::vector<CorrelationRule>> parseDocument(const config::Section &root, SeenIds &seen) {
    if (!root.isMap())
        return root.error("expected a mapping with a 'rules' list");
    if (auto allowed = root.allowOnly({"rules"}); !allowed)
        return allowed.error();
    if (!root.has("rules"))
        return root.error("missing required setting 'rules'");
    const config::Section rulesSection = root.child("rules");
    if (!rulesSection.isSequence() && !rulesSection.node().IsNull())
        return rulesSection.error("expected a list of rules");
    auto items = rulesSection.elements();
    if (!items)
        return items.error();
    if (items->size() > kMaxRulesPerFile)
        return rulesSection.error("holds more than " + std::to_string(kMaxRulesPerFile) + " rules");
    std::vector<CorrelationRule> rules;
    rules.reserve(items->size());
    for (const config::Section &item : *items) {
        auto rule = parseRule(item);
        if (!rule)
            return rule.error();
        const config::Section idSection = item.child("id");
        const auto [it, inserted] = seen.emplace(rule->id, idSection.where());
        if (!inserted)
            return idSection.error("duplicate rule id '" + rule->id + "' (first defined at " + it->second + ")");
        rules.push_back(std::move(*rule));
    }
    return rules;
}

Result<std::vector<CorrelationRule>> loadFile(const std::string &path, SeenIds &seen) {
    std::error_code ec;
    const std::filesystem::file_status status = std::filesystem::status(path, ec);
    if (ec)
        return makeError(path + ": cannot read the rules file: " + ec.message());
    if (!std::filesystem::is_regular_file(status))
        return makeError(path + ": not a regular file");
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec)
        return makeError(path + ": cannot read the rules file: " + ec.message());
    if (size > kMaxRulesFileBytes)
        return makeError(path + ": the rules file is larger than " + std::to_string(kMaxRulesFileBytes >> 20) + " MiB");
    auto root = config::Section::loadFile(path);
    if (!root)
        return root.error();
    return parseDocument(*root, seen);
}

} // namespace

Result<std::vector<CorrelationRule>> parseCorrelationRules(const std::string &text, const std::string &nameForErrors) {
    if (text.size() > kMaxRulesFileBytes)
        return makeError(
            nameForErrors + ": the rules text is larger than " + std::to_string(kMaxRulesFileBytes >> 20) + " MiB");
    auto root = config::Section::loadString(text, nameForErrors);
    if (!root)
        return root.error();
    SeenIds seen;
    return parseDocument(*root, seen);
}

Result<std::vector<CorrelationRule>> loadCorrelationRules(const std::string &path) {
    SeenIds seen;
    return loadFile(path, seen);
}

Result<std::vector<CorrelationRule>> loadCorrelationRuleDirectory(const std::string &directory) {
    std::error_code ec;
    std::filesystem::directory_iterator it(directory, ec);
    if (ec)
        return makeError(directory + ": cannot read the rules directory: " + ec.message());
    std::vector<std::filesystem::path> files;
    for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
        const std::filesystem::path &path = it->path();
        const std::string name = path.filename().string();
        const std::string extension = path.extension().string();
        // Hidden files are editors' and tools' business, not rules.
        if (name.starts_with('.') || (extension != ".yaml" && extension != ".yml"))
            continue;
        std::error_code typeError;
        if (it->is_regular_file(typeError))
            files.push_back(path);
    }
    if (ec)
        return makeError(directory + ": cannot read the rules directory: " + ec.message());
    std::sort(files.begin(), files.end());

    std::vector<CorrelationRule> rules;
    SeenIds seen;
    for (const std::filesystem::path &file : files) {
        auto loaded = loadFile(file.string(), seen);
        if (!loaded)
            return loaded.error();
        if (rules.size() + loaded->size() > kMaxRulesPerFile * 10)
            return makeError(directory + ": holds more than " + std::to_string(kMaxRulesPerFile * 10) + " rules");
        std::move(loaded->begin(), loaded->end(), std::back_inserter(rules));
    }
    return rules;
}

} // namespace vanopticon::analysis
