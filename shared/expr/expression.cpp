// SPDX-License-Identifier: Apache-2.0
#include "shared/expr/expression.h"

#include "shared/event/severity.h"
#include "shared/expr/parser.h"

#include <algorithm>
#include <charconv>

namespace vanopticon::expr {

namespace {

std::optional<double> asNumber(std::string_view text) {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

// Ordering: numbers as numbers, severity names by rank; otherwise the values are not comparable.
std::optional<int> compareOrdered(std::string_view actual, const Expression::Node &node) {
    if (node.number) {
        const auto value = asNumber(actual);
        if (!value)
            return std::nullopt;
        return *value < *node.number ? -1 : (*value > *node.number ? 1 : 0);
    }
    const auto left = parseSeverity(actual);
    const auto right = parseSeverity(node.values.front());
    if (!left || !right)
        return std::nullopt;
    return *left < *right ? -1 : (*left > *right ? 1 : 0);
}

bool compare(const Expression::Node &node, FieldLookup lookup) {
    const std::optional<std::string_view> actual = lookup(node.field);
    const auto anyValue = [&](auto predicate) {
        return actual && std::any_of(node.values.begin(), node.values.end(), [&](const std::string &v) {
            return predicate(*actual, std::string_view(v));
        });
    };
    switch (node.op) {
    case Operator::Equals:
    case Operator::In:
        return anyValue([](std::string_view a, std::string_view v) { return a == v; });
    case Operator::NotEquals:
    case Operator::NotIn:
        return !anyValue([](std::string_view a, std::string_view v) { return a == v; });
    case Operator::Contains:
        return anyValue([](std::string_view a, std::string_view v) { return a.find(v) != std::string_view::npos; });
    case Operator::StartsWith:
        return anyValue([](std::string_view a, std::string_view v) { return a.starts_with(v); });
    case Operator::EndsWith:
        return anyValue([](std::string_view a, std::string_view v) { return a.ends_with(v); });
    case Operator::Matches:
        return actual && std::regex_search(actual->begin(), actual->end(), *node.pattern);
    case Operator::Exists:
        return actual.has_value();
    case Operator::Greater:
    case Operator::GreaterEqual:
    case Operator::Less:
    case Operator::LessEqual: {
        if (!actual)
            return false;
        const auto order = compareOrdered(*actual, node);
        if (!order)
            return false;
        switch (node.op) {
        case Operator::Greater:
            return *order > 0;
        case Operator::GreaterEqual:
            return *order >= 0;
        case Operator::Less:
            return *order < 0;
        default:
            return *order <= 0;
        }
    }
    }
    return false;
}

bool evaluate(const Expression::Node &node, FieldLookup lookup) {
    switch (node.kind) {
    case Expression::Node::Kind::All:
        return std::all_of(
            node.children.begin(), node.children.end(), [&](const auto &child) { return evaluate(*child, lookup); });
    case Expression::Node::Kind::Any:
        return std::any_of(
            node.children.begin(), node.children.end(), [&](const auto &child) { return evaluate(*child, lookup); });
    case Expression::Node::Kind::Not:
        return !evaluate(*node.children.front(), lookup);
    case Expression::Node::Kind::Compare:
        return compare(node, lookup);
    }
    return false;
}

std::string quote(std::string_view value) {
    std::string out = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

void render(const Expression::Node &node, std::string &out) {
    switch (node.kind) {
    case Expression::Node::Kind::All:
    case Expression::Node::Kind::Any: {
        if (node.children.empty()) {
            out += node.kind == Expression::Node::Kind::All ? "true" : "false";
            return;
        }
        const char *joiner = node.kind == Expression::Node::Kind::All ? " AND " : " OR ";
        out += '(';
        for (std::size_t i = 0; i < node.children.size(); ++i) {
            if (i > 0)
                out += joiner;
            render(*node.children[i], out);
        }
        out += ')';
        return;
    }
    case Expression::Node::Kind::Not:
        out += "NOT ";
        render(*node.children.front(), out);
        return;
    case Expression::Node::Kind::Compare:
        out += fieldName(node.field);
        out += ' ';
        out += toString(node.op);
        if (node.op == Operator::Exists)
            return;
        out += ' ';
        if (node.op == Operator::In || node.op == Operator::NotIn) {
            out += '[';
            for (std::size_t i = 0; i < node.values.size(); ++i) {
                if (i > 0)
                    out += ", ";
                out += quote(node.values[i]);
            }
            out += ']';
        } else {
            out += quote(node.values.front());
        }
        return;
    }
}

} // namespace

std::string_view toString(Operator op) {
    switch (op) {
    case Operator::Equals:
        return "==";
    case Operator::NotEquals:
        return "!=";
    case Operator::In:
        return "in";
    case Operator::NotIn:
        return "not in";
    case Operator::Contains:
        return "contains";
    case Operator::StartsWith:
        return "startswith";
    case Operator::EndsWith:
        return "endswith";
    case Operator::Matches:
        return "=~";
    case Operator::Exists:
        return "exists";
    case Operator::Greater:
        return ">";
    case Operator::GreaterEqual:
        return ">=";
    case Operator::Less:
        return "<";
    case Operator::LessEqual:
        return "<=";
    }
    return "==";
}

Expression::Expression()
    : m_root(std::make_shared<const Node>()) {
}

Expression::Expression(std::shared_ptr<const Node> root)
    : m_root(std::move(root)) {
}

Result<Expression> Expression::parse(std::string_view text) {
    auto root = parseText(text);
    if (!root)
        return root.error();
    return Expression(std::move(*root));
}

Result<Expression> Expression::fromConfig(const config::Section &section) {
    auto root = buildFromConfig(section);
    if (!root)
        return root.error();
    return Expression(std::move(*root));
}

bool Expression::matches(FieldLookup lookup) const {
    return evaluate(*m_root, lookup);
}

std::string Expression::toString() const {
    std::string out;
    render(*m_root, out);
    return out;
}

bool Expression::matchesEverything() const {
    return m_root->kind == Node::Kind::All && m_root->children.empty();
}

} // namespace vanopticon::expr
