// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/match/valuematcher.h"

#include "analysis/sigma/match/fieldvalue.h"

namespace vanopticon::analysis::sigma {

namespace {

unsigned char fold(unsigned char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + ('a' - 'A')) : c;
}

bool sameBytes(std::string_view a, std::string_view b, bool caseSensitive) {
    if (a.size() != b.size())
        return false;
    if (caseSensitive)
        return a == b;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (fold(static_cast<unsigned char>(a[i])) != fold(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

bool containsBytes(std::string_view haystack, std::string_view needle, bool caseSensitive) {
    if (needle.size() > haystack.size())
        return false;
    for (std::size_t pos = 0; pos + needle.size() <= haystack.size(); ++pos) {
        if (sameBytes(haystack.substr(pos, needle.size()), needle, caseSensitive))
            return true;
    }
    return false;
}

bool compare(double field, NumberMatch::Op op, double value) {
    switch (op) {
    case NumberMatch::Op::Lt:
        return field < value;
    case NumberMatch::Op::Lte:
        return field <= value;
    case NumberMatch::Op::Gt:
        return field > value;
    case NumberMatch::Op::Gte:
        return field >= value;
    case NumberMatch::Op::Eq:
        return field == value;
    }
    return false;
}

struct Visitor {
    std::optional<std::string_view> value;
    const Event &event;

    bool operator()(const Glob &glob) const { return value && glob.matches(*value); }
    bool operator()(const Regex &regex) const { return value && regex.matches(*value); }
    bool operator()(const NullMatch &) const { return !value || value->empty(); }
    bool operator()(const ExistsMatch &exists) const { return value.has_value() == exists.exists; }
    bool operator()(const NumberMatch &number) const {
        if (!value)
            return false;
        if (number.timePart) {
            const auto part = readTimePart(*value, *number.timePart);
            return part && compare(*part, number.op, number.value);
        }
        const auto read = readNumber(*value);
        return read && compare(*read, number.op, number.value);
    }
    bool operator()(const CidrMatch &cidr) const { return value && cidr.network.contains(*value); }
    bool operator()(const FieldRefMatch &ref) const { return matchesFieldRef(ref, value, event.lookup(ref.other)); }
};

} // namespace

bool matchesValue(const ValueMatcher &matcher, std::optional<std::string_view> value, const Event &event) {
    return std::visit(Visitor {value, event}, matcher);
}

bool matchesFieldRef(
    const FieldRefMatch &ref, std::optional<std::string_view> value, std::optional<std::string_view> other) {
    if (!value || !other)
        return false;
    const std::string_view mine = *value;
    const std::string_view theirs = *other;
    switch (ref.position) {
    case FieldRefMatch::Position::Whole:
        return sameBytes(mine, theirs, ref.caseSensitive);
    case FieldRefMatch::Position::Prefix:
        return mine.size() >= theirs.size() && sameBytes(mine.substr(0, theirs.size()), theirs, ref.caseSensitive);
    case FieldRefMatch::Position::Suffix:
        return mine.size() >= theirs.size()
            && sameBytes(mine.substr(mine.size() - theirs.size()), theirs, ref.caseSensitive);
    case FieldRefMatch::Position::Anywhere:
        return containsBytes(mine, theirs, ref.caseSensitive);
    }
    return false;
}

} // namespace vanopticon::analysis::sigma
