// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/json/jsonflattener.h"

#include "shared/core/jsonwriter.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

namespace vanopticon::sentinel {

namespace {

namespace dom = simdjson::dom;

// simdjson's own nesting bound: deeper documents are refused rather than flattened.
constexpr std::size_t kMinParserDepth = 64;
constexpr std::size_t kInitialCapacity = 4096;

std::string_view failureReason(simdjson::error_code error) {
    switch (error) {
    case simdjson::EMPTY:
        return "empty record";
    case simdjson::CAPACITY:
        return "record exceeds the size limit";
    case simdjson::UTF8_ERROR:
        return "invalid UTF-8";
    case simdjson::NUMBER_ERROR:
    case simdjson::NUMBER_OUT_OF_RANGE:
        return "invalid or out-of-range number";
    case simdjson::STRING_ERROR:
    case simdjson::UNESCAPED_CHARS:
    case simdjson::UNCLOSED_STRING:
        return "invalid string";
    case simdjson::DEPTH_ERROR:
        return "nested too deeply";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
        return "invalid literal";
    case simdjson::MEMALLOC:
        return "out of memory";
    default:
        return "invalid JSON";
    }
}

bool hasControlCharacter(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

template<typename Number> void appendNumber(std::string &out, Number number) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof(buffer), number);
    out.append(buffer, result.ptr);
}

// Compact JSON text of an element. Recursion is bounded by the parser's depth limit.
void appendJson(std::string &out, dom::element element) {
    switch (element.type()) {
    case dom::element_type::OBJECT: {
        out += '{';
        bool first = true;
        for (const dom::key_value_pair member : dom::object(element)) {
            if (!first)
                out += ',';
            first = false;
            appendJsonString(out, member.key);
            out += ':';
            appendJson(out, member.value);
        }
        out += '}';
        break;
    }
    case dom::element_type::ARRAY: {
        out += '[';
        bool first = true;
        for (const dom::element item : dom::array(element)) {
            if (!first)
                out += ',';
            first = false;
            appendJson(out, item);
        }
        out += ']';
        break;
    }
    case dom::element_type::STRING:
        appendJsonString(out, std::string_view(element));
        break;
    case dom::element_type::INT64:
        appendNumber(out, std::int64_t(element));
        break;
    case dom::element_type::UINT64:
        appendNumber(out, std::uint64_t(element));
        break;
    case dom::element_type::DOUBLE:
        appendNumber(out, double(element));
        break;
    case dom::element_type::BOOL:
        out += bool(element) ? "true" : "false";
        break;
    case dom::element_type::NULL_VALUE:
        out += "null";
        break;
    }
}

} // namespace

struct JsonFlattener::Impl {
    // Where a piece of text lives until parse() ends: m_names and m_text grow while a record is
    // walked, so leaves refer to them by offset and become views only at the end.
    struct Span {
        const char *data = nullptr; // outside the buffers (parser strings, literals), or null
        std::uint32_t offset = 0; // in m_text when data is null
        std::uint32_t length = 0;
    };
    struct Pending {
        std::uint32_t nameOffset = 0;
        std::uint32_t nameLength = 0;
        Span value;
        Span first;
        JsonValueKind kind = JsonValueKind::String;
    };

    explicit Impl(JsonLimits limitsIn)
        : limits(limitsIn)
        , parser(limitsIn.maxRecordBytes) {
        // A failure here is not final: parse() allocates again, and reports it.
        const simdjson::error_code error = parser.allocate(
            std::min(kInitialCapacity, limits.maxRecordBytes), std::max(kMinParserDepth, limits.maxDepth + 1));
        (void)error;
    }

    ParseOutcome parse(std::string_view record, std::size_t readable);
    void walkObject(dom::object object, std::size_t depth);
    void addLeaf(JsonValueKind kind, Span value, Span first);
    static Span external(std::string_view value) {
        return Span {value.data(), 0, static_cast<std::uint32_t>(value.size())};
    }
    Span scalarText(dom::element element);
    std::string_view resolve(const Span &span) const {
        if (span.data != nullptr)
            return {span.data, span.length};
        return std::string_view(written).substr(span.offset, span.length);
    }

    JsonLimits limits;
    dom::parser parser;
    std::unique_ptr<char[]> padded;
    std::size_t paddedCapacity = 0;
    std::string path; // dotted name of the key being walked
    std::string names; // names of the leaves, one after another
    std::string written; // numbers and JSON text written for the leaves
    std::vector<Pending> pending;
    std::vector<JsonField> fields;
    std::size_t dropped = 0;
    std::size_t objectsAsText = 0;
};

JsonFlattener::Impl::Span JsonFlattener::Impl::scalarText(dom::element element) {
    const auto offset = static_cast<std::uint32_t>(written.size());
    switch (element.type()) {
    case dom::element_type::STRING:
        return external(std::string_view(element));
    case dom::element_type::INT64:
        appendNumber(written, std::int64_t(element));
        break;
    case dom::element_type::UINT64:
        appendNumber(written, std::uint64_t(element));
        break;
    case dom::element_type::DOUBLE:
        appendNumber(written, double(element));
        break;
    case dom::element_type::BOOL:
        return external(bool(element) ? std::string_view("true") : std::string_view("false"));
    case dom::element_type::NULL_VALUE:
        return external("null");
    case dom::element_type::OBJECT:
    case dom::element_type::ARRAY:
        appendJson(written, element);
        break;
    }
    return Span {nullptr, offset, static_cast<std::uint32_t>(written.size() - offset)};
}

void JsonFlattener::Impl::addLeaf(JsonValueKind kind, Span value, Span first) {
    if (pending.size() >= limits.maxFields) {
        ++dropped;
        return;
    }
    Pending leaf;
    leaf.nameOffset = static_cast<std::uint32_t>(names.size());
    leaf.nameLength = static_cast<std::uint32_t>(path.size());
    names += path;
    leaf.value = value;
    leaf.first = first;
    leaf.kind = kind;
    pending.push_back(leaf);
}

void JsonFlattener::Impl::walkObject(dom::object object, std::size_t depth) {
    for (const dom::key_value_pair member : object) {
        const std::size_t mark = path.size();
        if (mark != 0)
            path += '.';
        path += member.key;
        if (member.key.empty() || hasControlCharacter(member.key) || path.size() > limits.maxNameBytes) {
            ++dropped;
            path.resize(mark);
            continue;
        }
        const dom::element value = member.value;
        switch (value.type()) {
        case dom::element_type::OBJECT:
            if (depth + 1 > limits.maxDepth) {
                ++objectsAsText;
                addLeaf(JsonValueKind::Object, scalarText(value), Span {});
            } else {
                walkObject(dom::object(value), depth + 1);
            }
            break;
        case dom::element_type::ARRAY: {
            const dom::array array(value);
            Span first;
            if (array.size() > 0) {
                const dom::element head = array.at(0).value_unsafe();
                const dom::element_type type = head.type();
                if (type != dom::element_type::OBJECT && type != dom::element_type::ARRAY
                    && type != dom::element_type::NULL_VALUE)
                    first = scalarText(head);
            }
            addLeaf(JsonValueKind::Array, scalarText(value), first);
            break;
        }
        case dom::element_type::STRING:
            addLeaf(JsonValueKind::String, scalarText(value), Span {});
            break;
        case dom::element_type::INT64:
        case dom::element_type::UINT64:
        case dom::element_type::DOUBLE:
            addLeaf(JsonValueKind::Number, scalarText(value), Span {});
            break;
        case dom::element_type::BOOL:
            addLeaf(JsonValueKind::Bool, scalarText(value), Span {});
            break;
        case dom::element_type::NULL_VALUE:
            addLeaf(JsonValueKind::Null, scalarText(value), Span {});
            break;
        }
        path.resize(mark);
    }
}

ParseOutcome JsonFlattener::Impl::parse(std::string_view record, std::size_t readable) {
    path.clear();
    names.clear();
    written.clear();
    pending.clear();
    fields.clear();
    dropped = 0;
    objectsAsText = 0;

    if (record.size() > limits.maxRecordBytes)
        return {"record exceeds the size limit"};
    // Windows tools begin a file with a byte order mark; RFC 8259 lets a parser ignore it.
    if (record.starts_with("\xEF\xBB\xBF")) {
        record.remove_prefix(3);
        readable = readable >= 3 ? readable - 3 : 0;
    }
    const char *data = record.data();
    if (readable < record.size() + simdjson::SIMDJSON_PADDING) {
        if (paddedCapacity < record.size()) {
            paddedCapacity = std::max(record.size(), kInitialCapacity);
            padded = std::make_unique<char[]>(paddedCapacity + simdjson::SIMDJSON_PADDING);
        }
        std::copy(record.begin(), record.end(), padded.get());
        data = padded.get();
    }

    dom::element root;
    if (const simdjson::error_code error = parser.parse(data, record.size(), false).get(root))
        return {failureReason(error)};
    if (root.type() != dom::element_type::OBJECT)
        return {"not a JSON object"};
    walkObject(dom::object(root), 1);

    fields.reserve(pending.size());
    for (const Pending &leaf : pending) {
        fields.push_back(JsonField {std::string_view(names).substr(leaf.nameOffset, leaf.nameLength),
            resolve(leaf.value), resolve(leaf.first), leaf.kind});
    }
    return {};
}

JsonFlattener::JsonFlattener(JsonLimits limits)
    : m_impl(std::make_unique<Impl>(limits)) {
}

JsonFlattener::~JsonFlattener() = default;

ParseOutcome JsonFlattener::parse(std::string_view record, std::size_t readable) {
    return m_impl->parse(record, readable);
}

std::span<const JsonField> JsonFlattener::fields() const {
    return m_impl->fields;
}

std::size_t JsonFlattener::droppedFields() const {
    return m_impl->dropped;
}

std::size_t JsonFlattener::objectsAsText() const {
    return m_impl->objectsAsText;
}

const JsonLimits &JsonFlattener::limits() const {
    return m_impl->limits;
}

} // namespace vanopticon::sentinel
