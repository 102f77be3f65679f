// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/sigma/match/cidr.h"
#include "analysis/sigma/match/glob.h"
#include "analysis/sigma/match/regex.h"
#include "shared/event/event.h"
#include "shared/event/fieldid.h"

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

namespace vanopticon::analysis::sigma {

// The time part a time modifier takes from a date value before comparing it.
enum class TimePart : std::uint8_t { Minute, Hour, Day, Week, Month, Year };

// Field is absent, or present and empty (`Field: null`).
struct NullMatch { };

// `Field|exists: true|false`.
struct ExistsMatch {
    bool exists = true;
};

// lt / lte / gt / gte (and a plain number under a time modifier, which compares for equality):
// the field's value read as a number (or its time part) compared with `value`. A value that is
// not a number never matches.
struct NumberMatch {
    enum class Op : std::uint8_t { Lt, Lte, Gt, Gte, Eq };
    Op op = Op::Eq;
    double value = 0;
    std::optional<TimePart> timePart;
};

// `cidr`: the field's value is an IPv4 or IPv6 address inside the network.
struct CidrMatch {
    Cidr network;
};

// `fieldref`: compares with the value of another field of the same event (absent → no match).
struct FieldRefMatch {
    enum class Position : std::uint8_t { Whole, Prefix, Suffix, Anywhere }; // startswith/endswith/contains
    FieldId other = 0;
    Position position = Position::Whole;
    bool caseSensitive = false;
};

// One value of an item after its modifiers. Glob and Regex are what the engine puts into its
// shared automata; the others it evaluates directly.
using ValueMatcher = std::variant<Glob, Regex, NullMatch, ExistsMatch, NumberMatch, CidrMatch, FieldRefMatch>;

// The reference semantics of one value against one event: `value` is the field's value, or
// nullopt when the event does not have the field.
bool matchesValue(const ValueMatcher &matcher, std::optional<std::string_view> value, const Event &event);
// `fieldref` with the other field's value already looked up (the engine looks it up through the
// logsource's field mappings, as it does the item's own field).
bool matchesFieldRef(
    const FieldRefMatch &ref, std::optional<std::string_view> value, std::optional<std::string_view> other);

} // namespace vanopticon::analysis::sigma
