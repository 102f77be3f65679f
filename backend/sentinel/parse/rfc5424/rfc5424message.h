// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace vanopticon::sentinel {

// One SD-PARAM: `name="value"`. The value is the text between the quotes as written, escapes
// (\" \\ \]) still in place: most values have none, and unescaping costs a copy (see
// unescapeParamValue()).
struct Rfc5424Param {
    std::string_view name;
    std::string_view value;
    bool escaped = false; // the value holds at least one escape
};

// One SD-ELEMENT: `[id param="value" …]`; its params are a range of Rfc5424Message::params.
struct Rfc5424Element {
    std::string_view id;
    std::uint16_t firstParam = 0;
    std::uint16_t paramCount = 0; // kept (see Rfc5424Message::paramsOmitted)
};

// One RFC 5424 message: views into the parsed line (valid as long as it is). A NILVALUE ("-")
// is an empty view.
struct Rfc5424Message {
    // More SD elements than this and the message is refused (each ID is compared with every other
    // for duplicates); params beyond kMaxParams are checked but not kept.
    static constexpr std::size_t kMaxElements = 32;
    static constexpr std::size_t kMaxParams = 64;

    int priority = 0; // <PRI>, 0 … 191
    int facility = 0;
    int severity = 0; // 0 (emerg) … 7 (debug)
    int version = 0; // 1 … 999; only 1 is defined so far
    std::int64_t timestampNs = 0; // UTC ns since the epoch; 0 for NILVALUE
    bool hasTimestamp = false;
    std::int32_t utcOffsetSeconds = 0; // the zone the sender wrote the timestamp in

    std::string_view hostname;
    std::string_view appName;
    std::string_view procId;
    std::string_view msgId;
    std::string_view structuredData; // "[…][…]" as written; empty for NILVALUE

    std::array<Rfc5424Element, kMaxElements> elements {};
    std::size_t elementCount = 0;
    std::array<Rfc5424Param, kMaxParams> params {};
    std::size_t paramCount = 0;
    std::size_t paramsOmitted = 0; // well-formed params beyond kMaxParams

    std::string_view message; // MSG after the separating space, without its BOM; empty when absent
    bool hasBom = false; // MSG began with the UTF-8 BOM: the sender declares it UTF-8

    std::span<const Rfc5424Element> sdElements() const { return {elements.data(), elementCount}; }
    std::span<const Rfc5424Param> paramsOf(const Rfc5424Element &element) const {
        return {params.data() + element.firstParam, element.paramCount};
    }
};

} // namespace vanopticon::sentinel
