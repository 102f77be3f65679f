// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/threatintel/stixpattern.h"

#include <algorithm>

namespace vanopticon::sentinel {

namespace {

constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxValues = 10'000;

bool isWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Recursive descent over the STIX 2.1 pattern grammar, reducing as it goes.
class Reducer {
public:
    explicit Reducer(std::string_view text)
        : m_text(text) { }

    Result<StixReduction> run() {
        auto result = observationExpressions(0);
        if (!result)
            return result;
        skipSpace();
        if (m_pos != m_text.size())
            return fail("unexpected text");
        return result;
    }

private:
    Error fail(std::string_view what) const {
        return makeError(std::string(what) + " at offset " + std::to_string(m_pos));
    }

    void skipSpace() {
        while (m_pos < m_text.size()
            && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\n' || m_text[m_pos] == '\r'))
            ++m_pos;
    }

    bool peek(char c) {
        skipSpace();
        return m_pos < m_text.size() && m_text[m_pos] == c;
    }

    bool accept(char c) {
        if (!peek(c))
            return false;
        ++m_pos;
        return true;
    }

    // A keyword such as AND, matched whole and case-sensitively as the grammar defines them.
    bool acceptKeyword(std::string_view keyword) {
        skipSpace();
        if (m_text.substr(m_pos, keyword.size()) != keyword)
            return false;
        const std::size_t after = m_pos + keyword.size();
        if (after < m_text.size() && isWordChar(m_text[after]))
            return false;
        m_pos = after;
        return true;
    }

    static StixReduction combineAnd(StixReduction a, StixReduction b) {
        // Either side's values cover every match on their own; taking both only adds hits.
        a.complete = a.complete || b.complete;
        if (a.reason.empty())
            a.reason = std::move(b.reason);
        a.values.insert(
            a.values.end(), std::make_move_iterator(b.values.begin()), std::make_move_iterator(b.values.end()));
        return a;
    }

    static StixReduction combineOr(StixReduction a, StixReduction b) {
        a.complete = a.complete && b.complete;
        if (a.reason.empty())
            a.reason = std::move(b.reason);
        a.values.insert(
            a.values.end(), std::make_move_iterator(b.values.begin()), std::make_move_iterator(b.values.end()));
        return a;
    }

    Result<StixReduction> bounded(Result<StixReduction> result) const {
        if (result && result->values.size() > kMaxValues)
            return fail("more than " + std::to_string(kMaxValues) + " values in one pattern");
        return result;
    }

    // observationExpressions: Or (FOLLOWEDBY Or)*
    Result<StixReduction> observationExpressions(int depth) {
        if (depth > kMaxDepth)
            return fail("pattern nested too deeply");
        auto left = observationOr(depth);
        while (left && acceptKeyword("FOLLOWEDBY")) {
            auto right = observationOr(depth);
            if (!right)
                return right;
            left = bounded(combineAnd(std::move(*left), std::move(*right)));
        }
        return left;
    }

    Result<StixReduction> observationOr(int depth) {
        auto left = observationAnd(depth);
        while (left && acceptKeyword("OR")) {
            auto right = observationAnd(depth);
            if (!right)
                return right;
            left = bounded(combineOr(std::move(*left), std::move(*right)));
        }
        return left;
    }

    Result<StixReduction> observationAnd(int depth) {
        auto left = observation(depth);
        while (left && acceptKeyword("AND")) {
            auto right = observation(depth);
            if (!right)
                return right;
            left = bounded(combineAnd(std::move(*left), std::move(*right)));
        }
        return left;
    }

    // '[' comparison ']' or '(' observationExpressions ')', each followed by any qualifiers.
    Result<StixReduction> observation(int depth) {
        Result<StixReduction> result = makeError("");
        if (accept('[')) {
            result = comparisonOr(depth + 1);
            if (result && !accept(']'))
                return fail("expected ']'");
        } else if (accept('(')) {
            result = observationExpressions(depth + 1);
            if (result && !accept(')'))
                return fail("expected ')'");
        } else {
            return fail("expected '[' or '('");
        }
        while (result) {
            // Qualifiers narrow when a match counts; the values stay the same.
            if (acceptKeyword("WITHIN")) {
                if (!number() || !acceptKeyword("SECONDS"))
                    return fail("expected WITHIN <number> SECONDS");
            } else if (acceptKeyword("REPEATS")) {
                if (!number() || !acceptKeyword("TIMES"))
                    return fail("expected REPEATS <number> TIMES");
            } else if (acceptKeyword("START")) {
                std::string ignored;
                if (!literal(ignored) || !acceptKeyword("STOP") || !literal(ignored))
                    return fail("expected START t'…' STOP t'…'");
            } else {
                break;
            }
        }
        return result;
    }

    Result<StixReduction> comparisonOr(int depth) {
        if (depth > kMaxDepth)
            return fail("pattern nested too deeply");
        auto left = comparisonAnd(depth);
        while (left && acceptKeyword("OR")) {
            auto right = comparisonAnd(depth);
            if (!right)
                return right;
            left = bounded(combineOr(std::move(*left), std::move(*right)));
        }
        return left;
    }

    Result<StixReduction> comparisonAnd(int depth) {
        auto left = propertyTest(depth);
        while (left && acceptKeyword("AND")) {
            auto right = propertyTest(depth);
            if (!right)
                return right;
            left = bounded(combineAnd(std::move(*left), std::move(*right)));
        }
        return left;
    }

    bool number() {
        skipSpace();
        const std::size_t start = m_pos;
        while (m_pos < m_text.size() && ((m_text[m_pos] >= '0' && m_text[m_pos] <= '9') || m_text[m_pos] == '.'))
            ++m_pos;
        return m_pos > start;
    }

    // A quoted string (optionally h'…', b'…', t'…'), with \' and \\ escapes resolved.
    bool literal(std::string &out) {
        skipSpace();
        if (m_pos + 1 < m_text.size() && (m_text[m_pos] == 'h' || m_text[m_pos] == 'b' || m_text[m_pos] == 't')
            && m_text[m_pos + 1] == '\'')
            ++m_pos;
        if (m_pos >= m_text.size() || m_text[m_pos] != '\'')
            return false;
        ++m_pos;
        out.clear();
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos++];
            if (c == '\'')
                return true;
            if (c == '\\') {
                if (m_pos >= m_text.size())
                    return false;
                out += m_text[m_pos++];
                continue;
            }
            out += c;
        }
        return false; // unterminated
    }

    // Any literal the grammar allows: string forms, numbers, booleans.
    bool anyLiteral(std::string &out) {
        skipSpace();
        if (literal(out))
            return true;
        const std::size_t start = m_pos;
        if (m_pos < m_text.size() && (m_text[m_pos] == '-' || m_text[m_pos] == '+'))
            ++m_pos;
        while (m_pos < m_text.size() && isWordChar(m_text[m_pos]) && m_text[m_pos] != '-')
            ++m_pos;
        if (m_pos < m_text.size() && m_text[m_pos] == '.') {
            ++m_pos;
            while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9')
                ++m_pos;
        }
        out.assign(m_text.substr(start, m_pos - start));
        return m_pos > start;
    }

    // object-type:property(.property | [index])*, properties optionally quoted ('SHA-256').
    bool objectPath(std::string &type, std::string &property) {
        skipSpace();
        const std::size_t start = m_pos;
        while (m_pos < m_text.size() && isWordChar(m_text[m_pos]))
            ++m_pos;
        if (m_pos == start || m_pos >= m_text.size() || m_text[m_pos] != ':')
            return false;
        type.assign(m_text.substr(start, m_pos - start));
        ++m_pos;
        property.clear();
        bool first = true;
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c == '\'') {
                std::string quoted;
                if (!literal(quoted))
                    return false;
                property += quoted;
            } else if (isWordChar(c) || c == '.') {
                property += c;
                ++m_pos;
            } else if (c == '[') {
                // A list index, "[0]" or "[*]"; a ']' alone closes the observation instead.
                const std::size_t close = m_text.find(']', m_pos);
                if (close == std::string_view::npos || close == m_pos + 1)
                    return false;
                const std::string_view index = m_text.substr(m_pos + 1, close - m_pos - 1);
                if (index != "*"
                    && !std::all_of(index.begin(), index.end(), [](char d) { return d >= '0' && d <= '9'; }))
                    return false;
                property += m_text.substr(m_pos, close + 1 - m_pos);
                m_pos = close + 1;
            } else {
                break;
            }
            first = false;
        }
        return !first;
    }

    static StixReduction unreducible(std::string reason) { return StixReduction {{}, false, std::move(reason)}; }

    // What a comparison on this path can yield, or nullopt when it names nothing we match.
    static std::optional<IndicatorKind> kindOf(std::string_view type, std::string_view property) {
        if ((type == "ipv4-addr" || type == "ipv6-addr") && property == "value")
            return IndicatorKind::Ip;
        if (type == "network-traffic" && (property == "src_ref.value" || property == "dst_ref.value"))
            return IndicatorKind::Ip;
        if (type == "domain-name" && property == "value")
            return IndicatorKind::Domain;
        if (type == "url" && property == "value")
            return IndicatorKind::Url;
        if (property.starts_with("hashes."))
            return IndicatorKind::Hash;
        return std::nullopt;
    }

    static std::optional<Indicator> indicatorOf(IndicatorKind kind, std::string_view value) {
        switch (kind) {
        case IndicatorKind::Ip:
            return ipIndicator(value);
        case IndicatorKind::Domain:
            return domainIndicator(value, true);
        case IndicatorKind::Hash:
            return hashIndicator(value);
        case IndicatorKind::Url:
            return urlIndicator(value);
        }
        return std::nullopt;
    }

    Result<StixReduction> propertyTest(int depth) {
        if (accept('(')) {
            auto inner = comparisonOr(depth + 1);
            if (inner && !accept(')'))
                return fail("expected ')'");
            return inner;
        }
        if (acceptKeyword("EXISTS")) {
            std::string type, property;
            if (!objectPath(type, property))
                return fail("expected an object path after EXISTS");
            return unreducible("EXISTS " + type + ":" + property + " is not a value");
        }
        std::string type, property;
        if (!objectPath(type, property))
            return fail("expected an object path");
        const std::string path = type + ":" + property;
        const bool negated = acceptKeyword("NOT");
        skipSpace();

        std::string op;
        static constexpr std::string_view kSymbols[] = {"!=", "<=", ">=", "=", "<", ">"};
        for (std::string_view symbol : kSymbols) {
            if (m_text.substr(m_pos, symbol.size()) == symbol) {
                op = symbol;
                m_pos += symbol.size();
                break;
            }
        }
        if (op.empty()) {
            for (std::string_view word : {"IN", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET"}) {
                if (acceptKeyword(word)) {
                    op = word;
                    break;
                }
            }
        }
        if (op.empty())
            return fail("expected a comparison operator after " + path);

        std::vector<std::string> literals;
        if (op == "IN") {
            if (!accept('('))
                return fail("expected '(' after IN");
            do {
                std::string value;
                if (!anyLiteral(value))
                    return fail("expected a value in the IN list");
                literals.push_back(std::move(value));
                if (literals.size() > kMaxValues)
                    return fail("more than " + std::to_string(kMaxValues) + " values in one pattern");
            } while (accept(','));
            if (!accept(')'))
                return fail("expected ')' after the IN list");
        } else {
            std::string value;
            if (!anyLiteral(value))
                return fail("expected a value after " + path + " " + op);
            literals.push_back(std::move(value));
        }

        if (negated || op == "!=")
            return unreducible(path + " " + (negated ? "NOT " : "") + op + " is a negation");
        if (op != "=" && op != "IN")
            return unreducible(path + " " + op + " cannot be reduced to values");
        const std::optional<IndicatorKind> kind = kindOf(type, property);
        if (!kind)
            return unreducible(path + " is not an address, domain, URL or hash");
        StixReduction reduction;
        reduction.complete = true;
        for (const std::string &value : literals) {
            std::optional<Indicator> indicator = indicatorOf(*kind, value);
            if (!indicator) {
                // One value we cannot hold: the rest still count, but no longer cover every match.
                reduction.complete = false;
                if (reduction.reason.empty())
                    reduction.reason
                        = path + ": '" + value.substr(0, 80) + "' is not a valid " + std::string(toString(*kind));
                continue;
            }
            reduction.values.push_back(std::move(*indicator));
        }
        return reduction;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

} // namespace

Result<StixReduction> reduceStixPattern(std::string_view pattern) {
    if (pattern.size() > kMaxStixPatternLength)
        return makeError("pattern longer than " + std::to_string(kMaxStixPatternLength) + " bytes");
    return Reducer(pattern).run();
}

} // namespace vanopticon::sentinel
