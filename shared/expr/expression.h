// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "shared/core/result.h"
#include "shared/event/fieldid.h"

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::config {
class Section;
}

// The project's one condition-expression language, used by the filter, the correlation rules,
// the policy engine and queries. Two front ends compile to the same tree:
//   text:  severity >= "high" AND (service == "sshd" OR SourceIp in ["10.0.0.1", "10.0.0.2"])
//   YAML:  {all: [{field: severity, operator: gte, value: high}, {any: […]}, {not: …}, "text form"]}
namespace vanopticon::expr {

enum class Operator {
    Equals,
    NotEquals, // also true when the field is absent
    In,
    NotIn, // also true when the field is absent
    Contains,
    StartsWith,
    EndsWith,
    Matches, // ECMAScript regular expression, searched anywhere in the value
    Exists,
    Greater,
    GreaterEqual,
    Less,
    LessEqual, // numbers compare as numbers, severity names by rank; anything else never matches
};

std::string_view toString(Operator op);

// Where an expression reads field values from: any type with
// `std::optional<std::string_view> lookup(FieldId) const` (absent field → nullopt).
// Non-owning and allocation-free, so it costs nothing per event.
class FieldLookup {
public:
    template<typename Source>
    FieldLookup(const Source &source)
        : m_source(&source)
        , m_lookup([](const void *s, FieldId id) -> std::optional<std::string_view> {
            return static_cast<const Source *>(s)->lookup(id);
        }) { }
    std::optional<std::string_view> operator()(FieldId id) const { return m_lookup(m_source, id); }

private:
    const void *m_source;
    std::optional<std::string_view> (*m_lookup)(const void *, FieldId);
};

class Expression {
public:
    // An expression that matches everything (an empty condition).
    Expression();

    static Result<Expression> parse(std::string_view text);
    static Result<Expression> fromConfig(const config::Section &section);

    bool matches(FieldLookup lookup) const;
    // Canonical text form; parse(toString()) gives an equivalent expression.
    std::string toString() const;
    bool matchesEverything() const;

    struct Node;

private:
    explicit Expression(std::shared_ptr<const Node> root);
    std::shared_ptr<const Node> m_root; // immutable once built, so copies share it
};

struct Expression::Node {
    enum class Kind { All, Any, Not, Compare };
    Kind kind = Kind::All;
    std::vector<std::shared_ptr<const Node>> children; // All / Any / Not
    FieldId field = 0; // Compare
    Operator op = Operator::Equals;
    std::vector<std::string> values;
    std::optional<double> number; // for ordering operators, when the value is numeric
    std::shared_ptr<const std::regex> pattern; // for Matches
};

} // namespace vanopticon::expr
