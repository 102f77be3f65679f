// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/match/itemmatcher.h"

#include "analysis/sigma/match/fieldvalue.h"
#include "analysis/sigma/match/transforms.h"

#include <algorithm>
#include <cmath>

namespace vanopticon::analysis::sigma {

namespace {

using Kind = Glob::Token::Kind;

// What an item's values become; one item has one kind.
enum class ValueKind : std::uint8_t { Text, Regex, Cidr, Number, Exists, FieldRef };

std::string_view kindName(ValueKind kind) {
    switch (kind) {
    case ValueKind::Text:
        return "text";
    case ValueKind::Regex:
        return "re";
    case ValueKind::Cidr:
        return "cidr";
    case ValueKind::Number:
        return "a number comparison";
    case ValueKind::Exists:
        return "exists";
    case ValueKind::FieldRef:
        return "fieldref";
    }
    return "?";
}

bool isPosition(Modifier m) {
    return m == Modifier::Contains || m == Modifier::StartsWith || m == Modifier::EndsWith;
}

bool isTransform(Modifier m) {
    switch (m) {
    case Modifier::Windash:
    case Modifier::Expand:
    case Modifier::Base64:
    case Modifier::Base64Offset:
    case Modifier::Utf16le:
    case Modifier::Utf16be:
    case Modifier::Utf16:
        return true;
    default:
        return false;
    }
}

bool isEncoding(Modifier m) {
    return m == Modifier::Base64 || m == Modifier::Base64Offset;
}

bool isUtf16(Modifier m) {
    return m == Modifier::Utf16le || m == Modifier::Utf16be || m == Modifier::Utf16;
}

std::optional<NumberMatch::Op> comparison(Modifier m) {
    switch (m) {
    case Modifier::Lt:
        return NumberMatch::Op::Lt;
    case Modifier::Lte:
        return NumberMatch::Op::Lte;
    case Modifier::Gt:
        return NumberMatch::Op::Gt;
    case Modifier::Gte:
        return NumberMatch::Op::Gte;
    default:
        return std::nullopt;
    }
}

std::optional<TimePart> timePart(Modifier m) {
    switch (m) {
    case Modifier::Minute:
        return TimePart::Minute;
    case Modifier::Hour:
        return TimePart::Hour;
    case Modifier::Day:
        return TimePart::Day;
    case Modifier::Week:
        return TimePart::Week;
    case Modifier::Month:
        return TimePart::Month;
    case Modifier::Year:
        return TimePart::Year;
    default:
        return std::nullopt;
    }
}

// The range a time part's value can have, for `hour: 25`-style mistakes.
std::pair<int, int> timePartRange(TimePart part) {
    switch (part) {
    case TimePart::Minute:
        return {0, 59};
    case TimePart::Hour:
        return {0, 23};
    case TimePart::Day:
        return {1, 31};
    case TimePart::Week:
        return {1, 53};
    case TimePart::Month:
        return {1, 12};
    case TimePart::Year:
        return {0, 9999};
    }
    return {0, 0};
}

std::string quoted(Modifier m) {
    return "'" + std::string(toString(m)) + "'";
}

// The modifiers read once, with their contradictions refused.
struct Plan {
    ValueKind kind = ValueKind::Text;
    std::optional<Modifier> kindModifier; // the modifier that decided `kind`
    std::optional<Modifier> position;
    std::optional<Modifier> encoding; // base64 / base64offset
    std::optional<Modifier> utf16;
    std::optional<NumberMatch::Op> op;
    std::optional<TimePart> part;
    Regex::Flags regexFlags;
    bool all = false;
    bool negate = false;
    bool cased = false;
    bool transformed = false; // a transform or position modifier came before (re/cidr/exists want the raw value)
    bool hasTransform = false;
};

Result<Plan> readModifiers(const DetectionItem &item) {
    Plan plan;
    std::vector<Modifier> seen;
    auto setKind = [&](ValueKind kind, Modifier m) -> Result<void> {
        if (plan.kindModifier && plan.kind != kind)
            return makeError(quoted(*plan.kindModifier) + " and " + quoted(m) + " contradict each other");
        plan.kind = kind;
        plan.kindModifier = m;
        return {};
    };
    for (const Modifier m : item.modifiers) {
        if (std::find(seen.begin(), seen.end(), m) != seen.end())
            return makeError(quoted(m) + " is given twice");
        seen.push_back(m);
        if (m == Modifier::All) {
            plan.all = true;
        } else if (m == Modifier::Neq) {
            plan.negate = true;
        } else if (m == Modifier::Cased) {
            plan.cased = true;
        } else if (isPosition(m)) {
            if (plan.position)
                return makeError(quoted(*plan.position) + " and " + quoted(m) + " contradict each other");
            plan.position = m;
            plan.transformed = true;
        } else if (isTransform(m)) {
            if (isEncoding(m) && plan.encoding)
                return makeError(quoted(*plan.encoding) + " and " + quoted(m) + " contradict each other");
            if (isUtf16(m) && plan.utf16)
                return makeError(quoted(*plan.utf16) + " and " + quoted(m) + " contradict each other");
            if (isUtf16(m) && plan.encoding)
                return makeError(quoted(m) + " must come before " + quoted(*plan.encoding)
                    + ": the text is encoded as UTF-16 first, then as Base64");
            if (isEncoding(m))
                plan.encoding = m;
            if (isUtf16(m))
                plan.utf16 = m;
            plan.transformed = true;
            plan.hasTransform = true;
        } else if (m == Modifier::Re || m == Modifier::Cidr || m == Modifier::Exists) {
            if (plan.transformed)
                return makeError(quoted(m) + " applies to the value as written: put it before the other modifiers");
            const ValueKind kind
                = m == Modifier::Re ? ValueKind::Regex : (m == Modifier::Cidr ? ValueKind::Cidr : ValueKind::Exists);
            if (auto set = setKind(kind, m); !set)
                return set.error();
        } else if (m == Modifier::ReInsensitive || m == Modifier::ReMultiline || m == Modifier::ReDotAll) {
            if (plan.kind != ValueKind::Regex)
                return makeError(quoted(m) + " is a flag of 're' and must follow it");
            if (m == Modifier::ReInsensitive)
                plan.regexFlags.caseless = true;
            else if (m == Modifier::ReMultiline)
                plan.regexFlags.multiline = true;
            else
                plan.regexFlags.dotAll = true;
        } else if (m == Modifier::Fieldref) {
            if (auto set = setKind(ValueKind::FieldRef, m); !set)
                return set.error();
        } else if (const auto op = comparison(m)) {
            if (plan.op)
                return makeError("two comparisons contradict each other (" + quoted(m) + ")");
            plan.op = op;
            if (auto set = setKind(ValueKind::Number, m); !set)
                return set.error();
        } else if (const auto part = timePart(m)) {
            if (plan.part)
                return makeError("two time parts contradict each other (" + quoted(m) + ")");
            plan.part = part;
            if (auto set = setKind(ValueKind::Number, m); !set)
                return set.error();
        }
    }

    // Modifiers that have no meaning for the item's kind.
    const bool keyword = !item.field.has_value();
    switch (plan.kind) {
    case ValueKind::Text:
        break;
    case ValueKind::Regex:
        if (plan.position)
            return makeError("'re' cannot be combined with " + quoted(*plan.position)
                + ": a regular expression matches anywhere unless it anchors itself with ^ or $");
        if (plan.hasTransform)
            return makeError("'re' cannot be combined with value transformations");
        if (plan.cased)
            return makeError("'re' is case-sensitive already ('re|i' makes it insensitive); 'cased' does not apply");
        break;
    case ValueKind::Cidr:
    case ValueKind::Number:
    case ValueKind::Exists:
        if (plan.position || plan.hasTransform || plan.cased)
            return makeError(std::string(kindName(plan.kind)) + " cannot be combined with string modifiers");
        break;
    case ValueKind::FieldRef:
        if (plan.hasTransform)
            return makeError("'fieldref' cannot be combined with value transformations");
        break;
    }
    if (plan.kind == ValueKind::Exists && (plan.all || plan.negate))
        return makeError("'exists' takes no other modifiers ('exists: false' is its negation)");
    if (keyword && plan.kind != ValueKind::Text && plan.kind != ValueKind::Regex)
        return makeError(std::string(kindName(plan.kind)) + " needs a field; keywords are text");
    return plan;
}

std::optional<bool> readBoolean(const SigmaValue &value) {
    std::string lower;
    for (const char c : value.text)
        lower += static_cast<char>((c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c);
    if (lower == "true")
        return true;
    if (lower == "false")
        return false;
    return std::nullopt;
}

std::string_view typeName(SigmaValue::Type type) {
    switch (type) {
    case SigmaValue::Type::String:
        return "a string";
    case SigmaValue::Type::Number:
        return "a number";
    case SigmaValue::Type::Boolean:
        return "a boolean";
    case SigmaValue::Type::Null:
        return "null";
    }
    return "?";
}

// One rule value through the string modifiers, in the order written: its variants (any of them
// matches). Empty when an `expand` placeholder is not configured.
Result<std::vector<GlobTokens>> transformText(
    const DetectionItem &item, const SigmaValue &value, const Plan &plan, const MatchContext &context) {
    std::vector<GlobTokens> variants;
    // Numbers and booleans are their text; only strings have wildcards.
    if (value.type == SigmaValue::Type::String)
        variants.push_back(Glob::fromSigma(value.text, true).tokens());
    else
        variants.push_back(Glob::literal(value.text, true).tokens());

    for (const Modifier m : item.modifiers) {
        std::vector<GlobTokens> next;
        for (GlobTokens &tokens : variants) {
            const bool leadingStar = !tokens.empty() && tokens.front().kind == Kind::AnyRun;
            const bool trailingStar = !tokens.empty() && tokens.back().kind == Kind::AnyRun;
            switch (m) {
            case Modifier::Contains:
            case Modifier::StartsWith:
            case Modifier::EndsWith:
                if (m != Modifier::StartsWith && !leadingStar)
                    tokens.insert(tokens.begin(), Glob::Token {Kind::AnyRun, {}});
                if (m != Modifier::EndsWith && !trailingStar)
                    tokens.push_back(Glob::Token {Kind::AnyRun, {}});
                next.push_back(std::move(tokens));
                break;
            case Modifier::Windash:
            case Modifier::Expand: {
                auto expanded = m == Modifier::Windash
                    ? windashVariants(tokens)
                    : expandPlaceholders(tokens, context.placeholders, context.unresolvedPlaceholders);
                if (!expanded)
                    return expanded.error();
                for (GlobTokens &variant : *expanded)
                    next.push_back(std::move(variant));
                break;
            }
            case Modifier::Base64:
            case Modifier::Base64Offset: {
                const Glob glob = Glob::fromTokens(tokens, true);
                if (glob.hasWildcards()) {
                    return makeError(quoted(m)
                        + " cannot encode a value with wildcards ('*' or '?'): put 'contains', 'startswith' or "
                          "'endswith' after it");
                }
                const std::string bytes = glob.literalText();
                if (m == Modifier::Base64) {
                    next.push_back(Glob::literal(base64Encode(bytes), true).tokens());
                    break;
                }
                for (const std::string &encoded : base64OffsetEncode(bytes)) {
                    if (encoded.empty())
                        return makeError("'base64offset' needs a value of at least two bytes");
                    next.push_back(Glob::literal(encoded, true).tokens());
                }
                break;
            }
            case Modifier::Utf16le:
            case Modifier::Utf16be:
            case Modifier::Utf16: {
                const Utf16Form form = m == Modifier::Utf16le
                    ? Utf16Form::LittleEndian
                    : (m == Modifier::Utf16be ? Utf16Form::BigEndian : Utf16Form::LittleEndianWithBom);
                auto encoded = utf16EncodeTokens(tokens, form);
                if (!encoded)
                    return encoded.error();
                next.push_back(std::move(*encoded));
                break;
            }
            default:
                next.push_back(std::move(tokens));
                break;
            }
        }
        if (next.size() > kMaxValueVariants) {
            return makeError(
                "the modifiers turn the value into more than " + std::to_string(kMaxValueVariants) + " variants");
        }
        variants = std::move(next);
    }
    // A keyword is searched for in the whole text of the event, as full-text searches do.
    if (!item.field && !plan.position) {
        for (GlobTokens &tokens : variants) {
            if (tokens.empty() || tokens.front().kind != Kind::AnyRun)
                tokens.insert(tokens.begin(), Glob::Token {Kind::AnyRun, {}});
            if (tokens.back().kind != Kind::AnyRun)
                tokens.push_back(Glob::Token {Kind::AnyRun, {}});
        }
    }
    return variants;
}

// Under `all`, the variants of one value are still alternatives: (any variant of value 1) AND
// (any variant of value 2). A flat list cannot say that, so such a value becomes one regular
// expression with an alternative per variant (same language as the globs: see
// Glob::toHyperscanExpression, which PCRE reads too).
Result<ValueMatcher> alternation(const std::vector<Glob> &variants, bool caseSensitive) {
    std::string pattern = "(?:";
    for (std::size_t i = 0; i < variants.size(); ++i) {
        if (i > 0)
            pattern += '|';
        pattern += variants[i].toHyperscanExpression();
    }
    pattern += ')';
    auto regex = Regex::compile(pattern, Regex::Flags {!caseSensitive, false, true});
    if (!regex)
        return regex.error();
    return ValueMatcher {std::move(*regex)};
}

Result<std::vector<ValueMatcher>> compileText(
    const DetectionItem &item, const Plan &plan, const MatchContext &context) {
    std::vector<std::vector<Glob>> groups;
    for (const SigmaValue &value : item.values) {
        auto variants = transformText(item, value, plan, context);
        if (!variants)
            return variants.error();
        std::vector<Glob> globs;
        for (GlobTokens &tokens : *variants) {
            Glob glob = Glob::fromTokens(std::move(tokens), plan.cased);
            if (std::find(globs.begin(), globs.end(), glob) == globs.end())
                globs.push_back(std::move(glob));
        }
        groups.push_back(std::move(globs));
    }
    std::vector<ValueMatcher> values;
    if (plan.all) {
        // One value that can never match makes the whole AND fail.
        if (std::any_of(groups.begin(), groups.end(), [](const auto &group) { return group.empty(); }))
            return values;
        for (std::vector<Glob> &group : groups) {
            if (group.size() == 1) {
                values.emplace_back(std::move(group.front()));
                continue;
            }
            auto combined = alternation(group, plan.cased);
            if (!combined)
                return combined.error();
            values.push_back(std::move(*combined));
        }
        return values;
    }
    for (std::vector<Glob> &group : groups) {
        for (Glob &glob : group)
            values.emplace_back(std::move(glob));
    }
    return values;
}

Result<ValueMatcher> compileOther(const SigmaValue &value, const Plan &plan) {
    const std::string typeText = std::string(typeName(value.type));
    switch (plan.kind) {
    case ValueKind::Regex: {
        auto regex = Regex::compile(value.text, plan.regexFlags);
        if (!regex)
            return regex.error();
        return ValueMatcher {std::move(*regex)};
    }
    case ValueKind::Cidr: {
        if (value.type != SigmaValue::Type::String)
            return makeError("'cidr' needs a network such as 10.0.0.0/8, not " + typeText);
        auto network = Cidr::parse(value.text);
        if (!network)
            return network.error();
        return ValueMatcher {CidrMatch {std::move(*network)}};
    }
    case ValueKind::Number: {
        const std::optional<double> number
            = value.type == SigmaValue::Type::Number || value.type == SigmaValue::Type::String ? readNumber(value.text)
                                                                                               : std::nullopt;
        if (!number)
            return makeError("'" + value.text + "' is not a number (" + typeText + ")");
        NumberMatch match {plan.op.value_or(NumberMatch::Op::Eq), *number, plan.part};
        if (plan.part) {
            if (std::floor(*number) != *number)
                return makeError("a time part is a whole number, not '" + value.text + "'");
            const auto [lowest, highest] = timePartRange(*plan.part);
            if (!plan.op && (*number < lowest || *number > highest)) {
                return makeError("'" + value.text + "' is outside " + std::to_string(lowest) + "–"
                    + std::to_string(highest) + ", so it never matches");
            }
        }
        return ValueMatcher {match};
    }
    case ValueKind::Exists: {
        const auto flag = value.type == SigmaValue::Type::Boolean || value.type == SigmaValue::Type::String
            ? readBoolean(value)
            : std::nullopt;
        if (!flag)
            return makeError("'exists' takes true or false, not '" + value.text + "'");
        return ValueMatcher {ExistsMatch {*flag}};
    }
    case ValueKind::FieldRef: {
        if (value.type != SigmaValue::Type::String)
            return makeError("'fieldref' takes a field name, not " + typeText);
        const Glob name = Glob::fromSigma(value.text, true);
        if (name.hasWildcards() || name.literalText().empty())
            return makeError("'fieldref' takes a field name without wildcards, not '" + value.text + "'");
        FieldRefMatch ref;
        ref.other = internField(name.literalText());
        ref.caseSensitive = plan.cased;
        if (plan.position == Modifier::Contains)
            ref.position = FieldRefMatch::Position::Anywhere;
        else if (plan.position == Modifier::StartsWith)
            ref.position = FieldRefMatch::Position::Prefix;
        else if (plan.position == Modifier::EndsWith)
            ref.position = FieldRefMatch::Position::Suffix;
        return ValueMatcher {ref};
    }
    case ValueKind::Text:
        break;
    }
    return makeError("internal: text values are compiled elsewhere");
}

std::string describe(const DetectionItem &item) {
    std::string text = item.field ? *item.field : std::string("(keywords)");
    for (const Modifier m : item.modifiers) {
        text += '|';
        text += toString(m);
    }
    return text;
}

Result<ItemMatcher> compile(const DetectionItem &item, const MatchContext &context) {
    if (item.field && item.field->empty())
        return makeError("the field name is empty");
    auto plan = readModifiers(item);
    if (!plan)
        return plan.error();
    if (plan->all && item.values.size() == 1)
        return makeError("'all' needs a list of values (the specification does not allow it on a single value)");

    ItemMatcher matcher;
    if (item.field)
        matcher.field = internField(*item.field);
    matcher.all = plan->all;
    matcher.negate = plan->negate;

    // `Field: null`: absent or empty. Its own type, so never in a list with other values.
    const bool hasNull = std::any_of(
        item.values.begin(), item.values.end(), [](const SigmaValue &v) { return v.type == SigmaValue::Type::Null; });
    if (hasNull) {
        if (item.values.size() > 1)
            return makeError("null cannot be part of a list of values: put it in a selection of its own");
        if (!item.field)
            return makeError("null needs a field");
        if (std::any_of(item.modifiers.begin(), item.modifiers.end(), [](Modifier m) { return m != Modifier::Neq; }))
            return makeError("null takes no modifiers but 'neq'");
        matcher.values.emplace_back(NullMatch {});
        return matcher;
    }
    if (plan->kind == ValueKind::Exists && item.values.size() != 1)
        return makeError("'exists' takes one value, true or false");

    if (plan->kind == ValueKind::Text) {
        auto values = compileText(item, *plan, context);
        if (!values)
            return values.error();
        matcher.values = std::move(*values);
        return matcher;
    }
    for (const SigmaValue &value : item.values) {
        auto compiled = compileOther(value, *plan);
        if (!compiled)
            return compiled.error();
        matcher.values.push_back(std::move(*compiled));
    }
    return matcher;
}

} // namespace

bool ItemMatcher::matches(const Event &event, std::span<const FieldId> keywordFields) const {
    auto valueMatches = [&](const ValueMatcher &value) {
        if (field)
            return matchesValue(value, event.lookup(*field), event);
        return std::any_of(keywordFields.begin(), keywordFields.end(),
            [&](FieldId keywordField) { return matchesValue(value, event.lookup(keywordField), event); });
    };
    bool matched = false;
    if (!values.empty())
        matched = all ? std::all_of(values.begin(), values.end(), valueMatches)
                      : std::any_of(values.begin(), values.end(), valueMatches);
    return negate ? !matched : matched;
}

Result<ItemMatcher> compileItem(const DetectionItem &item, const MatchContext &context) {
    auto compiled = compile(item, context);
    if (!compiled)
        return makeError(describe(item) + ": " + compiled.error().message);
    return compiled;
}

} // namespace vanopticon::analysis::sigma
