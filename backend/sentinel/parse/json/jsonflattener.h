// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/parse/rfc3164.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace vanopticon::sentinel {

enum class JsonValueKind : std::uint8_t {
    String, // value: the unescaped text
    Number, // value: the number as text (integers exactly, other numbers in shortest round-trip form)
    Bool, // value: "true" or "false"
    Null, // value: "null"
    Array, // value: the array as compact JSON text; first: its first element when that is a scalar
    Object, // an object nested deeper than JsonLimits::maxDepth, as compact JSON text
};

// One leaf of a flattened JSON object. Views into the flattener, valid until its next parse().
struct JsonField {
    std::string_view name; // dotted path of the keys: {"user":{"name":…}} → "user.name"
    std::string_view value;
    std::string_view first; // Array only: the first element as text (strings unescaped); else empty
    JsonValueKind kind = JsonValueKind::String;
};

// Bounds on what one record may cost. A record that exceeds maxRecordBytes is refused; past the
// other bounds the record is kept and the excess is dropped and counted.
struct JsonLimits {
    std::size_t maxRecordBytes = std::size_t {64} * 1024; // the file tail's line bound
    std::size_t maxDepth = 8; // objects nested deeper stay whole, one field of JSON text
    std::size_t maxFields = 256; // leaves past this are dropped
    std::size_t maxNameBytes = 256; // leaves with a longer dotted name are dropped
};

// Parses one JSON text that must be an object (simdjson's DOM API, which validates all of it:
// structure, numbers, string escapes and UTF-8) and flattens it into leaves. Empty objects leave
// nothing; null values are leaves of kind Null. Keys are kept as written, so {"a.b":1} and
// {"a":{"b":1}} both give "a.b"; empty keys and keys with control characters are dropped. A UTF-8
// byte order mark before the object is ignored.
// Buffers are reused: after warm-up, parsing allocates nothing. Not thread-safe.
class JsonFlattener {
public:
    explicit JsonFlattener(JsonLimits limits = {});
    ~JsonFlattener();
    JsonFlattener(const JsonFlattener &) = delete;
    JsonFlattener &operator=(const JsonFlattener &) = delete;

    // `readable` is how many bytes from record.data() may be read (at least record.size()); when
    // that leaves simdjson's padding (64 bytes) to spare the record is parsed where it is,
    // otherwise it is first copied into a reused padded buffer.
    ParseOutcome parse(std::string_view record, std::size_t readable = 0);

    std::span<const JsonField> fields() const;
    // In the last record parsed: leaves dropped (bounds, bad keys) and objects kept as text.
    std::size_t droppedFields() const;
    std::size_t objectsAsText() const;
    const JsonLimits &limits() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace vanopticon::sentinel
