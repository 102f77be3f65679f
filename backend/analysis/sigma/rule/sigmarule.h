// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/event/severity.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The Sigma rule model: what the loader (sigmaloader.h) produces from YAML and the compiler
// (engine/) consumes. Plain data, validated by the loader: every field that the specification
// (v2.1, ../shared/data/sigma-specification) makes mandatory is present, every modifier is known
// and every name in a condition resolves.
namespace vanopticon::analysis::sigma {

// "file:line:column" (1-based) of a YAML node, for messages.
struct SourceLocation {
    std::string file;
    int line = 0;
    int column = 0;

    std::string toString() const; // "rules/x.yml:12:5"
};

// The value modifiers of the specification's appendix, in the order the item writes them.
enum class Modifier : std::uint8_t {
    Contains,
    StartsWith,
    EndsWith,
    All,
    Exists,
    Cased,
    Neq,
    Windash,
    Re,
    ReInsensitive, // re|i
    ReMultiline, // re|m
    ReDotAll, // re|s
    Base64,
    Base64Offset,
    Utf16le, // also `wide`
    Utf16be,
    Utf16, // with a byte order mark
    Lt,
    Lte,
    Gt,
    Gte,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
    Cidr,
    Expand,
    Fieldref,
};

std::string_view toString(Modifier modifier); // as rules write it: "contains", "re", "i", …
std::optional<Modifier> parseModifier(std::string_view text); // "wide" → Utf16le; re's i/m/s too

// One value of a detection item. YAML decides the type: a plain scalar that reads as a number,
// `true`/`false` or `null`/`~` is that; a quoted scalar is always a string.
struct SigmaValue {
    enum class Type : std::uint8_t { String, Number, Boolean, Null };
    Type type = Type::String;
    std::string text; // the scalar as written ("4688", "true", "" for null); wildcards unprocessed
};

// `Field|mod1|mod2: value(s)`, or a keyword (no field: matched anywhere, see the engine).
struct DetectionItem {
    std::optional<std::string> field; // nullopt for keywords
    std::vector<Modifier> modifiers;
    std::vector<SigmaValue> values; // a scalar is a list of one; an empty list matches nothing
    SourceLocation where;

    bool has(Modifier modifier) const;
};

// A map of items: all must match (AND).
struct DetectionMap {
    std::vector<DetectionItem> items;
};

// One search identifier of `detection:` (`selection`, `filter_main_*`, `keywords`): a map, or a
// list of maps (any of them, OR), or a list of keywords (one keyword item).
struct SearchIdentifier {
    std::string name;
    std::vector<DetectionMap> alternatives; // OR of the maps
    SourceLocation where;
};

// The parsed `condition`.
struct ConditionNode {
    enum class Kind : std::uint8_t {
        Identifier, // `selection`: `name` is the search identifier
        And,
        Or,
        Not, // one child
        OneOf, // `1 of name*` / `1 of them`: `name` is the pattern ("them" is stored as "*")
        AllOf, // `all of name*` / `all of them`
    };
    Kind kind = Kind::Identifier;
    std::string name;
    std::vector<ConditionNode> children;
};

struct Logsource {
    std::string category, product, service, definition;
};

struct RelatedRule {
    std::string id;
    std::string type; // derived, obsolete, merged, renamed, similar
};

// The metadata every rule kind shares.
struct RuleMetadata {
    std::string title; // mandatory
    std::string id; // optional in the specification; the loader does not invent one
    std::string name; // optional: the name correlations and filters may refer to
    std::string status, description, author, date, modified, license, taxonomy;
    std::vector<RelatedRule> related;
    std::vector<std::string> references, tags, falsepositives, fields;
    std::optional<Severity> level; // informational → Info, low, medium, high, critical
    SourceLocation where; // the document's start
};

// A detection rule.
struct SigmaRule {
    RuleMetadata meta;
    Logsource logsource;
    std::vector<SearchIdentifier> searches;
    std::vector<std::string> conditionTexts; // as written; several conditions are OR'ed
    ConditionNode condition; // the parsed conditions (an Or node when there are several)
};

enum class CorrelationKind : std::uint8_t {
    EventCount,
    ValueCount,
    Temporal,
    TemporalOrdered,
    ValueSum,
    ValueAvg,
    ValuePercentile,
};
std::string_view toString(CorrelationKind kind); // "event_count", …
std::optional<CorrelationKind> parseCorrelationKind(std::string_view text);

enum class Comparison : std::uint8_t { Gt, Gte, Lt, Lte, Eq, Neq };
std::string_view toString(Comparison comparison); // "gt", "gte", …
std::optional<Comparison> parseComparison(std::string_view text);

struct CorrelationCondition {
    Comparison comparison = Comparison::Gte;
    double value = 0;
};

// `aliases: {alias: {rule_ref: field, …}}`: one group-by name that means a different field in
// each referenced rule.
struct FieldAlias {
    std::string alias;
    std::vector<std::pair<std::string, std::string>> fieldByRule; // (rule reference, field)
};

// A correlation rule (specification: sigma-correlation-rules-specification.md).
struct SigmaCorrelation {
    RuleMetadata meta;
    CorrelationKind kind = CorrelationKind::EventCount;
    std::vector<std::string> rules; // references: ids or names of rules or correlations
    std::vector<FieldAlias> aliases;
    std::vector<std::string> groupBy;
    std::chrono::milliseconds timespan {0};
    std::vector<CorrelationCondition> conditions; // AND; temporal kinds default to "gte: number of rules"
    std::vector<std::string> conditionFields; // value_* kinds: the field(s) in the condition
    bool generate = false; // the referenced rules also alert on their own
};

// A global filter (sigma-filters-specification.md): `rule AND NOT filter` for each listed rule.
struct SigmaFilter {
    RuleMetadata meta;
    Logsource logsource;
    std::vector<std::string> rules; // ids or names
    std::vector<SearchIdentifier> searches;
    std::vector<std::string> conditionTexts;
    ConditionNode condition;
};

// A file or directory tree that did not load, and why.
struct LoadFailure {
    SourceLocation where;
    std::string reason;
};

// Everything loaded from some files or directories.
struct RuleCollection {
    std::vector<SigmaRule> rules;
    std::vector<SigmaCorrelation> correlations;
    std::vector<SigmaFilter> filters;
    std::vector<LoadFailure> failures;
    std::size_t filesRead = 0;
};

} // namespace vanopticon::analysis::sigma
