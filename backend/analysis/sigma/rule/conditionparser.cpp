// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/rule/conditionparser.h"

#include <string>

namespace vanopticon::analysis::sigma {

namespace {

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

// Iterative, so a long pattern with many stars cannot recurse; backtracks only to the last star.
bool globMatches(std::string_view pattern, std::string_view text) {
    std::size_t p = 0, t = 0;
    std::size_t starP = std::string_view::npos, starT = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            starP = p++;
            starT = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (starP != std::string_view::npos) {
            p = starP + 1;
            t = ++starT;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

struct Token {
    enum class Kind { End, Word, Open, Close };
    Kind kind = Kind::End;
    std::string_view text;
    std::size_t column = 0; // 1-based, for messages
};

// Words are maximal runs of characters other than white space and parentheses: search
// identifiers are YAML keys and may hold any other character.
class Parser {
public:
    Parser(std::string_view text, const std::vector<SearchIdentifier> &searches)
        : m_text(text)
        , m_searches(searches) { }

    Result<ConditionNode> parse() {
        if (auto pipe = m_text.find('|'); pipe != std::string_view::npos)
            return makeError("at column " + std::to_string(pipe + 1)
                + ": the aggregation syntax ('| count() …') is obsolete; write a correlation rule instead");
        advance();
        if (m_token.kind == Token::Kind::End)
            return makeError("the condition is empty");
        auto node = parseOr(0);
        if (!node)
            return node;
        if (m_token.kind == Token::Kind::Close)
            return fail("')' without a matching '('");
        if (m_token.kind != Token::Kind::End)
            return fail("unexpected '" + std::string(m_token.text) + "' after a complete condition");
        return node;
    }

private:
    void advance() {
        while (m_pos < m_text.size() && isSpace(m_text[m_pos]))
            ++m_pos;
        m_token.column = m_pos + 1;
        if (m_pos == m_text.size()) {
            m_token.kind = Token::Kind::End;
            m_token.text = {};
            return;
        }
        const char c = m_text[m_pos];
        if (c == '(' || c == ')') {
            m_token.kind = c == '(' ? Token::Kind::Open : Token::Kind::Close;
            m_token.text = m_text.substr(m_pos++, 1);
            return;
        }
        const std::size_t start = m_pos;
        while (m_pos < m_text.size() && !isSpace(m_text[m_pos]) && m_text[m_pos] != '(' && m_text[m_pos] != ')')
            ++m_pos;
        m_token.kind = Token::Kind::Word;
        m_token.text = m_text.substr(start, m_pos - start);
    }

    bool isKeyword(std::string_view word) const {
        return m_token.kind == Token::Kind::Word && equalsIgnoreCase(m_token.text, word);
    }
    bool isAnyKeyword() const {
        for (std::string_view keyword : {"and", "or", "not", "of", "them", "all", "any"}) {
            if (isKeyword(keyword))
                return true;
        }
        return false;
    }
    bool isKnown(std::string_view name) const {
        for (const SearchIdentifier &search : m_searches) {
            if (search.name == name)
                return true;
        }
        return false;
    }
    Error fail(const std::string &message) const {
        return makeError("at column " + std::to_string(m_token.column) + ": " + message);
    }
    std::string describeToken() const {
        switch (m_token.kind) {
        case Token::Kind::End:
            return "the end of the condition";
        case Token::Kind::Close:
            return "')'";
        default:
            return "'" + std::string(m_token.text) + "'";
        }
    }

    Result<ConditionNode> parseOr(int depth) {
        return parseChain(depth, "or", ConditionNode::Kind::Or, &Parser::parseAnd);
    }
    Result<ConditionNode> parseAnd(int depth) {
        return parseChain(depth, "and", ConditionNode::Kind::And, &Parser::parseNot);
    }

    // `a op b op c` becomes one node with three children (and / or are associative).
    Result<ConditionNode> parseChain(
        int depth, std::string_view keyword, ConditionNode::Kind kind, Result<ConditionNode> (Parser::*operand)(int)) {
        auto first = (this->*operand)(depth);
        if (!first || !isKeyword(keyword))
            return first;
        ConditionNode node;
        node.kind = kind;
        node.children.push_back(std::move(*first));
        while (isKeyword(keyword)) {
            advance();
            auto next = (this->*operand)(depth);
            if (!next)
                return next;
            node.children.push_back(std::move(*next));
        }
        return node;
    }

    Result<ConditionNode> parseNot(int depth) {
        if (!isKeyword("not"))
            return parsePrimary(depth);
        if (depth >= kMaxConditionDepth)
            return fail("the condition is nested too deeply (more than " + std::to_string(kMaxConditionDepth)
                + " levels of 'not' and parentheses)");
        advance();
        auto operand = parseNot(depth + 1);
        if (!operand)
            return operand;
        ConditionNode node;
        node.kind = ConditionNode::Kind::Not;
        node.children.push_back(std::move(*operand));
        return node;
    }

    Result<ConditionNode> parsePrimary(int depth) {
        switch (m_token.kind) {
        case Token::Kind::End:
            return fail("expected a search identifier, '(' or 'not' at the end of the condition");
        case Token::Kind::Close:
            return fail("expected a search identifier, '(' or 'not' before ')'");
        case Token::Kind::Open: {
            if (depth >= kMaxConditionDepth)
                return fail("the condition is nested too deeply (more than " + std::to_string(kMaxConditionDepth)
                    + " levels of 'not' and parentheses)");
            const std::size_t openColumn = m_token.column;
            advance();
            auto inner = parseOr(depth + 1);
            if (!inner)
                return inner;
            if (m_token.kind != Token::Kind::Close)
                return makeError("at column " + std::to_string(openColumn) + ": '(' is not closed (found "
                    + describeToken() + " instead of ')')");
            advance();
            return inner;
        }
        case Token::Kind::Word:
            break;
        }
        if (isKeyword("1") || isKeyword("any") || isKeyword("all"))
            return parseQuantified();
        if (isAnyKeyword())
            return fail(
                "expected a search identifier, '(' or 'not', found the keyword '" + std::string(m_token.text) + "'");
        if (m_token.text.find_first_not_of("0123456789") == std::string_view::npos && !isKnown(m_token.text))
            return fail("only '1 of' and 'all of' count search identifiers; '" + std::string(m_token.text)
                + "' is not a quantifier of the specification");
        if (m_token.text.find('*') != std::string_view::npos)
            return fail("the pattern '" + std::string(m_token.text) + "' needs '1 of' or 'all of' before it");
        const std::string name(m_token.text);
        if (!isKnown(name))
            return fail("unknown search identifier '" + name + "'");
        advance();
        ConditionNode node;
        node.kind = ConditionNode::Kind::Identifier;
        node.name = name;
        return node;
    }

    Result<ConditionNode> parseQuantified() {
        ConditionNode node;
        node.kind = isKeyword("all") ? ConditionNode::Kind::AllOf : ConditionNode::Kind::OneOf;
        const std::string quantifier(m_token.text);
        advance();
        if (!isKeyword("of"))
            return fail("expected 'of' after '" + quantifier + "', found " + describeToken());
        advance();
        if (m_token.kind != Token::Kind::Word || (isAnyKeyword() && !isKeyword("them")))
            return fail("expected a search identifier pattern or 'them' after '" + quantifier + " of', found "
                + describeToken());
        const std::string pattern = isKeyword("them") ? std::string("*") : std::string(m_token.text);
        if (matchingSearches(pattern, m_searches).empty()) {
            if (pattern == "*")
                return fail("'" + quantifier
                    + " of them' finds no search identifier (those starting with '_' do not "
                      "count)");
            return fail("'" + quantifier + " of " + pattern + "' matches no search identifier");
        }
        advance();
        node.name = pattern;
        return node;
    }

    std::string_view m_text;
    const std::vector<SearchIdentifier> &m_searches;
    std::size_t m_pos = 0;
    Token m_token;
};

} // namespace

Result<ConditionNode> parseCondition(std::string_view text, const std::vector<SearchIdentifier> &searches) {
    if (text.size() > kMaxConditionLength)
        return makeError("the condition is longer than " + std::to_string(kMaxConditionLength) + " characters");
    return Parser(text, searches).parse();
}

bool patternMatches(std::string_view pattern, std::string_view name) {
    if (name.starts_with('_') && !pattern.starts_with('_'))
        return false;
    return globMatches(pattern, name);
}

std::vector<std::size_t> matchingSearches(std::string_view pattern, const std::vector<SearchIdentifier> &searches) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < searches.size(); ++i) {
        if (patternMatches(pattern, searches[i].name))
            out.push_back(i);
    }
    return out;
}

} // namespace vanopticon::analysis::sigma
