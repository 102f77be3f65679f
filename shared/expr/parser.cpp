// SPDX-License-Identifier: Apache-2.0
#include "shared/expr/parser.h"

#include "shared/config/section.h"
#include "shared/event/severity.h"

#include <cctype>
#include <charconv>

namespace vanopticon::expr {

namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

bool isIdentifierStart(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool isIdentifierChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

struct Token {
    enum class Kind { End, Identifier, String, Number, Symbol };
    Kind kind = Kind::End;
    std::string text;
    std::size_t column = 0; // 1-based, for messages
};

class Lexer {
public:
    explicit Lexer(std::string_view text)
        : m_text(text) { }

    Result<std::vector<Token>> tokenize() {
        std::vector<Token> tokens;
        for (;;) {
            while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos])))
                ++m_pos;
            Token token;
            token.column = m_pos + 1;
            if (m_pos == m_text.size()) {
                tokens.push_back(token);
                return tokens;
            }
            const char c = m_text[m_pos];
            if (c == '"' || c == '\'') {
                auto text = readString(c);
                if (!text)
                    return text.error();
                token.kind = Token::Kind::String;
                token.text = std::move(*text);
            } else if (std::isdigit(static_cast<unsigned char>(c))
                || (c == '-' && m_pos + 1 < m_text.size()
                    && std::isdigit(static_cast<unsigned char>(m_text[m_pos + 1])))) {
                const std::size_t start = m_pos++;
                while (m_pos < m_text.size()
                    && (std::isdigit(static_cast<unsigned char>(m_text[m_pos])) || m_text[m_pos] == '.'))
                    ++m_pos;
                token.kind = Token::Kind::Number;
                token.text = std::string(m_text.substr(start, m_pos - start));
            } else if (isIdentifierStart(c)) {
                const std::size_t start = m_pos;
                while (m_pos < m_text.size() && isIdentifierChar(m_text[m_pos]))
                    ++m_pos;
                token.kind = Token::Kind::Identifier;
                token.text = std::string(m_text.substr(start, m_pos - start));
            } else {
                static constexpr std::string_view kTwoChar[] = {"==", "!=", ">=", "<=", "=~", "&&", "||"};
                token.kind = Token::Kind::Symbol;
                const std::string_view rest = m_text.substr(m_pos);
                bool matched = false;
                for (std::string_view symbol : kTwoChar) {
                    if (rest.starts_with(symbol)) {
                        token.text = std::string(symbol);
                        m_pos += 2;
                        matched = true;
                        break;
                    }
                }
                if (!matched) {
                    if (std::string_view("()[],<>!").find(c) == std::string_view::npos)
                        return makeError("at column " + std::to_string(m_pos + 1) + ": unexpected character '"
                            + std::string(1, c) + "'");
                    token.text = std::string(1, c);
                    ++m_pos;
                }
            }
            tokens.push_back(std::move(token));
        }
    }

private:
    Result<std::string> readString(char quoteChar) {
        const std::size_t start = m_pos++;
        std::string out;
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos++];
            if (c == quoteChar)
                return out;
            if (c == '\\') {
                if (m_pos == m_text.size())
                    break;
                const char escaped = m_text[m_pos++];
                switch (escaped) {
                case 'n':
                    out += '\n';
                    break;
                case 't':
                    out += '\t';
                    break;
                default:
                    out += escaped; // \" \' \\ and anything else stand for themselves
                }
                continue;
            }
            out += c;
        }
        return makeError("at column " + std::to_string(start + 1) + ": unterminated string");
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

// Recursive descent over the tokens:
//   or := and (("OR" | "||") and)*      and := unary (("AND" | "&&") unary)*
//   unary := ("NOT" | "!") unary | "(" or ")" | comparison
//   comparison := FIELD (OP value | ["NOT"] "IN" list | "EXISTS")
class Parser {
public:
    explicit Parser(std::vector<Token> tokens)
        : m_tokens(std::move(tokens)) { }

    Result<NodePtr> parse() {
        auto node = parseOr(0);
        if (!node)
            return node;
        if (peek().kind != Token::Kind::End)
            return fail("unexpected '" + peek().text + "' after a complete condition");
        return node;
    }

private:
    static constexpr int kMaxDepth = 64; // refuses pathological nesting instead of exhausting the stack

    const Token &peek() const { return m_tokens[m_pos]; }
    const Token &next() { return m_tokens[m_pos == m_tokens.size() - 1 ? m_pos : m_pos++]; }
    bool isKeyword(std::string_view word) const {
        return peek().kind == Token::Kind::Identifier && equalsIgnoreCase(peek().text, word);
    }
    bool isSymbol(std::string_view symbol) const { return peek().kind == Token::Kind::Symbol && peek().text == symbol; }
    Error fail(const std::string &message) const {
        return makeError("at column " + std::to_string(peek().column) + ": " + message);
    }

    Result<NodePtr> parseOr(int depth) {
        auto first = parseAnd(depth);
        if (!first)
            return first;
        if (!isKeyword("or") && !isSymbol("||"))
            return first;
        auto node = std::make_shared<Expression::Node>();
        node->kind = Expression::Node::Kind::Any;
        node->children.push_back(std::move(*first));
        while (isKeyword("or") || isSymbol("||")) {
            next();
            auto operand = parseAnd(depth);
            if (!operand)
                return operand;
            node->children.push_back(std::move(*operand));
        }
        return NodePtr(std::move(node));
    }

    Result<NodePtr> parseAnd(int depth) {
        auto first = parseUnary(depth);
        if (!first)
            return first;
        if (!isKeyword("and") && !isSymbol("&&"))
            return first;
        auto node = std::make_shared<Expression::Node>();
        node->kind = Expression::Node::Kind::All;
        node->children.push_back(std::move(*first));
        while (isKeyword("and") || isSymbol("&&")) {
            next();
            auto operand = parseUnary(depth);
            if (!operand)
                return operand;
            node->children.push_back(std::move(*operand));
        }
        return NodePtr(std::move(node));
    }

    Result<NodePtr> parseUnary(int depth) {
        if (depth > kMaxDepth)
            return fail("condition nested too deeply");
        if (isKeyword("not") || isSymbol("!")) {
            next();
            auto operand = parseUnary(depth + 1);
            if (!operand)
                return operand;
            auto node = std::make_shared<Expression::Node>();
            node->kind = Expression::Node::Kind::Not;
            node->children.push_back(std::move(*operand));
            return NodePtr(std::move(node));
        }
        if (isSymbol("(")) {
            next();
            auto inner = parseOr(depth + 1);
            if (!inner)
                return inner;
            if (!isSymbol(")"))
                return fail("expected ')'");
            next();
            return inner;
        }
        return parseComparison();
    }

    Result<std::string> parseValue() {
        const Token &token = peek();
        if (token.kind == Token::Kind::String || token.kind == Token::Kind::Number
            || token.kind == Token::Kind::Identifier) {
            return std::string(next().text);
        }
        return fail(token.kind == Token::Kind::End ? "expected a value at the end"
                                                   : "expected a value, got '" + token.text + "'");
    }

    Result<std::vector<std::string>> parseList() {
        if (!isSymbol("["))
            return fail("expected '[' to start a list");
        next();
        std::vector<std::string> values;
        if (isSymbol("]")) {
            next();
            return values;
        }
        for (;;) {
            auto value = parseValue();
            if (!value)
                return value.error();
            values.push_back(std::move(*value));
            if (isSymbol(",")) {
                next();
                continue;
            }
            if (isSymbol("]")) {
                next();
                return values;
            }
            return fail("expected ',' or ']' in a list");
        }
    }

    Result<NodePtr> parseComparison() {
        if (peek().kind != Token::Kind::Identifier)
            return fail(peek().kind == Token::Kind::End ? "expected a condition at the end"
                                                        : "expected a field name, got '" + peek().text + "'");
        const Token fieldToken = next();
        std::optional<Operator> op;
        if (isKeyword("exists")) {
            next();
            return makeComparison(fieldToken.text, Operator::Exists, {});
        }
        if (isKeyword("not")) {
            next();
            if (!isKeyword("in"))
                return fail("expected 'in' after 'not'");
            next();
            auto values = parseList();
            if (!values)
                return values.error();
            return makeComparison(fieldToken.text, Operator::NotIn, std::move(*values));
        }
        if (isKeyword("in")) {
            next();
            auto values = parseList();
            if (!values)
                return values.error();
            return makeComparison(fieldToken.text, Operator::In, std::move(*values));
        }
        if (peek().kind == Token::Kind::Symbol || peek().kind == Token::Kind::Identifier)
            op = operatorFromName(peek().text);
        if (!op)
            return fail("expected an operator after '" + fieldToken.text + "'");
        next();
        auto value = parseValue();
        if (!value)
            return value.error();
        auto node = makeComparison(fieldToken.text, *op, {std::move(*value)});
        if (!node)
            return fail(node.error().message);
        return node;
    }

    std::vector<Token> m_tokens;
    std::size_t m_pos = 0;
};

Result<NodePtr> buildGroup(Expression::Node::Kind kind, const config::Section &list) {
    auto node = std::make_shared<Expression::Node>();
    node->kind = kind;
    if (kind == Expression::Node::Kind::Not) {
        auto operand = buildFromConfig(list);
        if (!operand)
            return operand;
        node->children.push_back(std::move(*operand));
        return NodePtr(std::move(node));
    }
    auto items = list.elements();
    if (!items)
        return items.error();
    if (items->empty())
        return list.error("an all/any list needs at least one condition");
    for (const config::Section &item : *items) {
        auto child = buildFromConfig(item);
        if (!child)
            return child;
        node->children.push_back(std::move(*child));
    }
    return NodePtr(std::move(node));
}

} // namespace

std::optional<Operator> operatorFromName(std::string_view name) {
    struct Entry {
        std::string_view name;
        Operator op;
    };
    static constexpr Entry kNames[] = {
        {"==", Operator::Equals},
        {"equals", Operator::Equals},
        {"eq", Operator::Equals},
        {"!=", Operator::NotEquals},
        {"not_equals", Operator::NotEquals},
        {"ne", Operator::NotEquals},
        {"in", Operator::In},
        {"not_in", Operator::NotIn},
        {"contains", Operator::Contains},
        {"startswith", Operator::StartsWith},
        {"starts_with", Operator::StartsWith},
        {"endswith", Operator::EndsWith},
        {"ends_with", Operator::EndsWith},
        {"=~", Operator::Matches},
        {"matches", Operator::Matches},
        {"exists", Operator::Exists},
        {">", Operator::Greater},
        {"gt", Operator::Greater},
        {">=", Operator::GreaterEqual},
        {"gte", Operator::GreaterEqual},
        {"<", Operator::Less},
        {"lt", Operator::Less},
        {"<=", Operator::LessEqual},
        {"lte", Operator::LessEqual},
    };
    for (const Entry &entry : kNames) {
        if (equalsIgnoreCase(entry.name, name))
            return entry.op;
    }
    return std::nullopt;
}

Result<NodePtr> makeComparison(std::string_view field, Operator op, std::vector<std::string> values) {
    if (field.empty())
        return makeError("a condition needs a field name");
    auto node = std::make_shared<Expression::Node>();
    node->kind = Expression::Node::Kind::Compare;
    node->field = internField(field);
    node->op = op;
    const std::string opName(toString(op));
    if (op == Operator::Exists) {
        if (!values.empty())
            return makeError("'exists' takes no value");
    } else if (op == Operator::In || op == Operator::NotIn) {
        if (values.empty())
            return makeError("'" + opName + "' needs a non-empty list of values");
    } else if (values.size() != 1) {
        return makeError("'" + opName + "' needs exactly one value");
    }
    if (op == Operator::Matches) {
        try {
            node->pattern = std::make_shared<const std::regex>(values.front(), std::regex::ECMAScript);
        } catch (const std::regex_error &e) {
            return makeError("'" + values.front() + "' is not a valid regular expression: " + e.what());
        }
    }
    if (op == Operator::Greater || op == Operator::GreaterEqual || op == Operator::Less || op == Operator::LessEqual) {
        const std::string &text = values.front();
        double number = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
        if (ec == std::errc() && end == text.data() + text.size())
            node->number = number;
        else if (!parseSeverity(text))
            return makeError("'" + opName + "' compares numbers or severities, not '" + text + "'");
    }
    node->values = std::move(values);
    return NodePtr(std::move(node));
}

Result<NodePtr> parseText(std::string_view text) {
    auto tokens = Lexer(text).tokenize();
    if (!tokens)
        return tokens.error();
    return Parser(std::move(*tokens)).parse();
}

Result<NodePtr> buildFromConfig(const config::Section &section) {
    if (section.isScalar()) {
        auto node = parseText(section.node().Scalar());
        if (!node)
            return section.error(node.error().message);
        return node;
    }
    if (section.isSequence())
        return buildGroup(Expression::Node::Kind::All, section);
    if (!section.isMap())
        return section.error("expected a condition: a text expression, or a mapping with all/any/not or field");
    if (section.has("all") || section.has("any") || section.has("not")) {
        if (section.node().size() != 1)
            return section.error("all / any / not must be the only key of their mapping");
        if (section.has("all"))
            return buildGroup(Expression::Node::Kind::All, section.child("all"));
        if (section.has("any"))
            return buildGroup(Expression::Node::Kind::Any, section.child("any"));
        return buildGroup(Expression::Node::Kind::Not, section.child("not"));
    }
    if (auto allowed = section.allowOnly({"field", "operator", "value"}); !allowed)
        return allowed.error();
    auto field = section.requireString("field");
    if (!field)
        return field.error();
    auto opName = section.string("operator", "equals");
    if (!opName)
        return opName.error();
    const auto op = operatorFromName(*opName);
    if (!op)
        return section.child("operator").error("unknown operator '" + *opName + "'");
    std::vector<std::string> values;
    if (*op != Operator::Exists) {
        if (!section.has("value"))
            return section.error("missing 'value' for operator '" + *opName + "'");
        auto list = section.strings("value");
        if (!list)
            return list.error();
        values = std::move(*list);
    }
    auto node = makeComparison(*field, *op, std::move(values));
    if (!node)
        return section.error(node.error().message);
    return node;
}

} // namespace vanopticon::expr
