// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/evtx/evtxjson.h"

#include "sentinel/collect/evtx/evtxrecord.h"
#include "sentinel/collect/journald/utf8text.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <vector>

namespace vanopticon::sentinel {

namespace {

namespace dom = simdjson::dom;

constexpr std::size_t kInitialCapacity = 64 * 1024;

// One top-level value found by the splitter: where it is, and why it will not be parsed.
struct Piece {
    std::size_t offset = 0;
    std::size_t size = 0;
    std::string_view refusal; // empty when it may be parsed
};

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::size_t lineOf(std::string_view text, std::size_t offset) {
    return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + std::ptrdiff_t(offset), '\n'));
}

Error structureError(std::string_view text, std::size_t offset, std::string_view what) {
    return makeError(
        "line " + std::to_string(lineOf(text, offset)) + ", byte " + std::to_string(offset) + ": " + std::string(what));
}

// evtx_dump's "Record <n>" line before an object (its default output): true when one starts at
// `pos`, which is moved past it.
bool skipRecordLine(std::string_view text, std::size_t textStart, std::size_t &pos) {
    if (text.compare(pos, 7, "Record ") != 0 || (pos > textStart && text[pos - 1] != '\n'))
        return false;
    std::size_t p = pos + 7;
    const std::size_t digits = p;
    while (p < text.size() && text[p] >= '0' && text[p] <= '9')
        ++p;
    if (p == digits)
        return false;
    while (p < text.size() && (text[p] == ' ' || text[p] == '\t' || text[p] == '\r'))
        ++p;
    if (p < text.size() && text[p] != '\n')
        return false;
    pos = p;
    return true;
}

// Finds the top-level objects without parsing them: strings are skipped (escapes included) and
// brackets counted, so an object too large or too deep for the parser is refused by its size and
// depth alone, and what follows it is still found. Whether the object is valid JSON is the
// parser's question.
Result<void> splitObjects(std::string_view text, std::vector<Piece> &pieces) {
    pieces.clear();
    const std::size_t textStart = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    std::size_t pos = textStart;
    while (true) {
        while (pos < text.size() && isSpace(text[pos]))
            ++pos;
        if (pos >= text.size())
            return {};
        if (text[pos] == 'R' && skipRecordLine(text, textStart, pos))
            continue;
        if (text[pos] != '{')
            return structureError(text, pos,
                text[pos] == '[' ? "a JSON array: expected one object per record, as evtx_dump writes them"
                                 : "not a JSON object: expected one object per record, as evtx_dump writes them");
        std::size_t depth = 0;
        std::size_t deepest = 0;
        bool inString = false;
        std::size_t end = 0;
        for (std::size_t p = pos; p < text.size() && end == 0; ++p) {
            const char c = text[p];
            if (inString) {
                if (c == '\\')
                    ++p;
                else if (c == '"')
                    inString = false;
                continue;
            }
            switch (c) {
            case '"':
                inString = true;
                break;
            case '{':
            case '[':
                deepest = std::max(deepest, ++depth);
                break;
            case '}':
            case ']':
                if (--depth == 0)
                    end = p + 1;
                break;
            default:
                break;
            }
        }
        Piece piece;
        piece.offset = pos;
        if (end == 0) {
            piece.size = text.size() - pos;
            piece.refusal = "the text ends inside the object";
            pieces.push_back(piece);
            return {};
        }
        piece.size = end - pos;
        if (piece.size > EvtxJsonReader::kMaxObjectBytes)
            piece.refusal = "the object is larger than 1 MiB";
        else if (deepest > EvtxJsonReader::kMaxDepth)
            piece.refusal = "the object is nested deeper than 32 levels";
        pieces.push_back(piece);
        pos = end;
    }
}

std::string_view failureReason(simdjson::error_code error) {
    switch (error) {
    case simdjson::UTF8_ERROR:
        return "invalid UTF-8";
    case simdjson::NUMBER_ERROR:
    case simdjson::NUMBER_OUT_OF_RANGE:
        return "an invalid or out-of-range number";
    case simdjson::STRING_ERROR:
    case simdjson::UNESCAPED_CHARS:
    case simdjson::UNCLOSED_STRING:
        return "an invalid string";
    case simdjson::DEPTH_ERROR:
        return "nested too deeply";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
        return "an invalid literal";
    case simdjson::MEMALLOC:
        return "out of memory";
    default:
        return "invalid JSON";
    }
}

// The element as an array / object, after its type was checked (an empty one otherwise). Named
// values, not simdjson_result temporaries: ranges over those would dangle.
dom::array asArray(dom::element element) {
    dom::array array;
    const simdjson::error_code error = element.get(array);
    (void)error;
    return array;
}

dom::object asObject(dom::element element) {
    dom::object object;
    const simdjson::error_code error = element.get(object);
    (void)error;
    return object;
}

// An object's member, when present.
bool memberOf(dom::object object, std::string_view key, dom::element &out) {
    return object.at_key(key).get(out) == simdjson::SUCCESS;
}

bool isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// 8-4-4-4-12 hex digits, no braces: how evtx_dump writes a GUID.
bool isBareGuid(std::string_view text) {
    if (text.size() != 36)
        return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !isHexDigit(text[i]))
            return false;
    }
    return true;
}

bool isUnnamedDataKey(std::string_view key) {
    // "Data", or "Data_2", … where evtx_dump numbers repeated keys
    if (key.substr(0, 4) != "Data")
        return false;
    if (key.size() == 4)
        return true;
    if (key.size() < 6 || key[4] != '_')
        return false;
    return std::all_of(key.begin() + 5, key.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The siblings "<key>_attributes" that --separate-json-attributes writes for the elements of one
// object, by key: found once per object, so looking an element's attributes up costs a binary
// search, not a walk over all its siblings.
class SeparateAttributes {
public:
    explicit SeparateAttributes(dom::object parent) {
        for (const dom::key_value_pair member : parent) {
            dom::object attributes;
            if (endsWithAttributes(member.key) && member.value.get(attributes) == simdjson::SUCCESS)
                m_entries.push_back({member.key.substr(0, member.key.size() - kSuffix.size()), attributes, false});
        }
        std::stable_sort(
            m_entries.begin(), m_entries.end(), [](const Entry &a, const Entry &b) { return a.owner < b.owner; });
    }

    bool empty() const { return m_entries.empty(); }
    // The attributes of the element under `owner` (the first, if written twice); marks them used.
    std::optional<dom::object> find(std::string_view owner) {
        if (m_entries.empty())
            return std::nullopt;
        const auto it = std::lower_bound(m_entries.begin(), m_entries.end(), owner,
            [](const Entry &entry, std::string_view key) { return entry.owner < key; });
        if (it == m_entries.end() || it->owner != owner)
            return std::nullopt;
        it->used = true;
        return it->attributes;
    }
    // Attributes whose element has no value of its own (evtx_dump leaves such an element out).
    template<typename Visit> void forEachUnused(Visit visit) const {
        for (const Entry &entry : m_entries) {
            if (!entry.used)
                visit(entry.owner, entry.attributes);
        }
    }

    static constexpr std::string_view kSuffix = "_attributes";
    static bool endsWithAttributes(std::string_view key) {
        return key.size() > kSuffix.size() && key.substr(key.size() - kSuffix.size()) == kSuffix;
    }

private:
    struct Entry {
        std::string_view owner;
        dom::object attributes;
        bool used = false;
    };
    std::vector<Entry> m_entries;
};

using SystemValue = EvtxRecord::SystemValue;
using enum EvtxRecord::SystemValue;

} // namespace

struct EvtxJsonReader::Impl {
    // Text that lives until the record is written: in the parsed document (strings), a literal,
    // or `written` by offset (numbers, joined and braced values), which may move while it grows.
    struct Text {
        const char *data = nullptr; // null: in written
        std::size_t offset = 0;
        std::size_t size = 0;
    };
    struct Item {
        Text name;
        Text value;
    };

    Impl()
        : parser(kMaxObjectBytes) {
        // A failure here is not final: parse() allocates again, and reports it.
        const simdjson::error_code error = parser.allocate(kInitialCapacity, kMaxDepth + 1);
        (void)error;
    }

    std::string_view readObject(std::string_view json, bool padded, const SyslogContext &context, EventBatch &out);
    void readSystem(dom::object system);
    void readSystemElement(
        std::string_view name, const dom::element *value, const std::optional<dom::object> &attributes);
    void readLeaves(dom::object group);
    void addItem(Text name, Text value);
    void addUnnamed(dom::element text);

    static Text external(std::string_view view) { return Text {view.data(), 0, view.size()}; }
    std::string_view view(const Text &text) const {
        if (text.data != nullptr)
            return {text.data, text.size};
        return std::string_view(written).substr(text.offset, text.size);
    }
    Text scalarText(dom::element element);
    Text textOf(dom::element element);
    void appendJoined(dom::element element, bool &first);
    Text braced(Text text);
    static std::optional<dom::object> attributesOf(
        dom::element value, std::string_view key, SeparateAttributes &separate);
    std::optional<Text> attribute(const std::optional<dom::object> &attributes, std::string_view name);
    void fail(const Piece &piece, std::size_t position, std::size_t line, std::string_view reason);

    dom::parser parser;
    EvtxRecord record;
    EvtxEventWriter writer;
    std::string written;
    std::array<Text, SystemValueCount> system {};
    std::vector<Item> items;
    std::vector<Piece> pieces;
    std::vector<std::size_t> positions;
    EvtxJsonStats stats;
    std::deque<EvtxJsonFailure> failures;
};

EvtxJsonReader::Impl::Text EvtxJsonReader::Impl::scalarText(dom::element element) {
    const std::size_t offset = written.size();
    char buffer[32];
    std::to_chars_result printed {};
    switch (element.type()) {
    case dom::element_type::STRING:
        return external(element.get_string().value_unsafe());
    case dom::element_type::INT64:
        printed = std::to_chars(buffer, buffer + sizeof(buffer), element.get_int64().value_unsafe());
        break;
    case dom::element_type::UINT64:
        printed = std::to_chars(buffer, buffer + sizeof(buffer), element.get_uint64().value_unsafe());
        break;
    case dom::element_type::DOUBLE:
        printed = std::to_chars(buffer, buffer + sizeof(buffer), element.get_double().value_unsafe());
        break;
    case dom::element_type::BOOL:
        return external(element.get_bool().value_unsafe() ? std::string_view("true") : std::string_view("false"));
    case dom::element_type::NULL_VALUE:
    case dom::element_type::OBJECT:
    case dom::element_type::ARRAY:
        return {};
    }
    written.append(buffer, printed.ptr);
    return Text {nullptr, offset, written.size() - offset};
}

// Arrays are the values of array-typed substitutions and repeated text: one value, its parts on
// lines of their own (as the XML reader joins unnamed <Data>). Bounded like an XML value: what
// would be cut anyway is not written.
void EvtxJsonReader::Impl::appendJoined(dom::element element, bool &first) {
    if (element.type() == dom::element_type::ARRAY) {
        for (const dom::element part : asArray(element))
            appendJoined(part, first);
        return;
    }
    if (element.type() == dom::element_type::OBJECT) {
        dom::element text;
        if (!memberOf(asObject(element), "#text", text) || text.type() == dom::element_type::OBJECT)
            return;
        appendJoined(text, first);
        return;
    }
    if (!first)
        written.push_back('\n');
    first = false;
    const Text part = scalarText(element);
    if (part.data != nullptr)
        written.append(part.data, std::min(part.size, EvtxRecord::kMaxValueBytes + 4));
}

// The text of an element: a scalar as written; an element with attributes, its "#text".
EvtxJsonReader::Impl::Text EvtxJsonReader::Impl::textOf(dom::element element) {
    switch (element.type()) {
    case dom::element_type::OBJECT: {
        dom::element text;
        if (!memberOf(asObject(element), "#text", text) || text.type() == dom::element_type::OBJECT)
            return {};
        return textOf(text);
    }
    case dom::element_type::ARRAY: {
        const std::size_t offset = written.size();
        bool first = true;
        appendJoined(element, first);
        return Text {nullptr, offset, written.size() - offset};
    }
    default:
        return scalarText(element);
    }
}

EvtxJsonReader::Impl::Text EvtxJsonReader::Impl::braced(Text text) {
    const std::string_view value = view(text);
    if (!isBareGuid(value))
        return text;
    const std::string guid(value); // `written` may move while it grows
    const std::size_t offset = written.size();
    written.append("{").append(guid).append("}");
    return Text {nullptr, offset, written.size() - offset};
}

// An element's attributes: its "#attributes", else its --separate-json-attributes sibling.
std::optional<dom::object> EvtxJsonReader::Impl::attributesOf(
    dom::element value, std::string_view key, SeparateAttributes &separate) {
    dom::element attributes;
    if (value.type() == dom::element_type::OBJECT && memberOf(asObject(value), "#attributes", attributes)
        && attributes.type() == dom::element_type::OBJECT)
        return asObject(attributes);
    return separate.find(key);
}

std::optional<EvtxJsonReader::Impl::Text> EvtxJsonReader::Impl::attribute(
    const std::optional<dom::object> &attributes, std::string_view name) {
    dom::element found;
    if (!attributes || attributes->at_key(name).get(found) != simdjson::SUCCESS)
        return std::nullopt;
    return scalarText(found);
}

void EvtxJsonReader::Impl::readSystemElement(
    std::string_view name, const dom::element *value, const std::optional<dom::object> &attributes) {
    // An element written as its attributes alone has no value: no text.
    const auto fromText = [&](SystemValue slot) { system[slot] = value ? textOf(*value) : Text {}; };
    const auto fromAttribute = [&](std::string_view attributeName, SystemValue slot) {
        if (const auto text = attribute(attributes, attributeName))
            system[slot] = *text;
    };
    if (name == "Provider") {
        fromAttribute("Name", ProviderName);
        fromAttribute("Guid", ProviderGuid);
        fromAttribute("EventSourceName", EventSourceName);
    } else if (name == "EventID") {
        fromAttribute("Qualifiers", Qualifiers);
        fromText(EventId);
    } else if (name == "Version") {
        fromText(Version);
    } else if (name == "Level") {
        fromText(Level);
    } else if (name == "Task") {
        fromText(Task);
    } else if (name == "Opcode") {
        fromText(Opcode);
    } else if (name == "Keywords") {
        fromText(Keywords);
    } else if (name == "TimeCreated") {
        fromAttribute("SystemTime", SystemTime);
    } else if (name == "EventRecordID") {
        fromText(EventRecordId);
    } else if (name == "Correlation") {
        fromAttribute("ActivityID", ActivityId);
        fromAttribute("RelatedActivityID", RelatedActivityId);
    } else if (name == "Execution") {
        fromAttribute("ProcessID", ProcessId);
        fromAttribute("ThreadID", ThreadId);
    } else if (name == "Channel") {
        fromText(Channel);
    } else if (name == "Computer") {
        fromText(Computer);
    } else if (name == "Security") {
        fromAttribute("UserID", UserId);
    }
}

void EvtxJsonReader::Impl::readSystem(dom::object object) {
    SeparateAttributes separate(object);
    for (const dom::key_value_pair member : object) {
        if (!separate.empty() && SeparateAttributes::endsWithAttributes(member.key)
            && member.value.type() == dom::element_type::OBJECT)
            continue;
        readSystemElement(member.key, &member.value, attributesOf(member.value, member.key, separate));
    }
    // Elements with attributes only (TimeCreated, Execution…): under --separate-json-attributes
    // evtx_dump writes just their "<name>_attributes".
    separate.forEachUnused(
        [&](std::string_view owner, dom::object attributes) { readSystemElement(owner, nullptr, attributes); });
    system[ProviderGuid] = braced(system[ProviderGuid]);
    system[ActivityId] = braced(system[ActivityId]);
    system[RelatedActivityId] = braced(system[RelatedActivityId]);
}

void EvtxJsonReader::Impl::addItem(Text name, Text value) {
    if (name.size > EvtxRecord::kMaxNameBytes || items.size() >= EvtxRecord::kMaxItems) {
        ++record.itemsOmitted;
        return;
    }
    const std::string_view full = view(value);
    const std::string_view kept = cutUtf8(full, EvtxRecord::kMaxValueBytes);
    if (kept.size() < full.size()) {
        ++record.valuesCut;
        value.size = kept.size();
    }
    items.push_back({name, braced(value)});
}

// Unnamed <Data> elements: evtx_dump gathers their texts in one "#text" (an array when there
// are several); the XML reader sees one value each.
void EvtxJsonReader::Impl::addUnnamed(dom::element text) {
    if (text.type() != dom::element_type::ARRAY) {
        addItem({}, textOf(text));
        return;
    }
    for (const dom::element part : asArray(text))
        addItem({}, textOf(part));
}

// The leaves below an EventData / UserData element, as the XML reader names them. Recursion is
// bounded by kMaxDepth: deeper objects were refused before parsing.
void EvtxJsonReader::Impl::readLeaves(dom::object group) {
    SeparateAttributes separate(group);
    for (const dom::key_value_pair member : group) {
        const std::string_view key = member.key;
        const dom::element value = member.value;
        if (key == "#attributes" || key == "#text")
            continue; // the group's own attributes and text: the XML reader reads neither
        if (!separate.empty() && SeparateAttributes::endsWithAttributes(key)
            && value.type() == dom::element_type::OBJECT)
            continue;
        const std::optional<dom::object> attributes = attributesOf(value, key, separate);
        if (value.type() == dom::element_type::OBJECT) {
            const dom::object object = asObject(value);
            bool hasElements = false;
            for (const dom::key_value_pair child : object)
                hasElements = hasElements || (child.key != "#attributes" && child.key != "#text");
            if (hasElements) {
                readLeaves(object);
                continue;
            }
        } else if (value.type() == dom::element_type::ARRAY) {
            bool hasGroups = false;
            for (const dom::element part : asArray(value))
                hasGroups = hasGroups || part.type() == dom::element_type::OBJECT;
            if (hasGroups) {
                for (const dom::element part : asArray(value)) {
                    if (part.type() == dom::element_type::OBJECT)
                        readLeaves(asObject(part));
                }
                continue;
            }
        }
        const std::optional<Text> nameAttribute = attribute(attributes, "Name");
        if (!nameAttribute && value.type() == dom::element_type::OBJECT && isUnnamedDataKey(key)) {
            dom::element text;
            if (memberOf(asObject(value), "#text", text)) {
                addUnnamed(text);
                continue;
            }
        }
        addItem(nameAttribute ? *nameAttribute : external(key), textOf(value));
    }
    // <Element Name="x"/> under --separate-json-attributes: only its attributes are written.
    separate.forEachUnused([&](std::string_view owner, dom::object attributes) {
        const std::optional<Text> nameAttribute = attribute(attributes, "Name");
        addItem(nameAttribute ? *nameAttribute : external(owner), {});
    });
}

void EvtxJsonReader::Impl::fail(const Piece &piece, std::size_t position, std::size_t line, std::string_view reason) {
    ++stats.failed;
    if (failures.size() >= kMaxRecentFailures)
        failures.pop_front();
    failures.push_back({position, line, piece.offset, std::string(reason)});
}

std::string_view EvtxJsonReader::Impl::readObject(
    std::string_view json, bool padded, const SyslogContext &context, EventBatch &out) {
    record.clear();
    written.clear();
    items.clear();
    system.fill(Text {});
    dom::element root;
    if (const simdjson::error_code error = parser.parse(json.data(), json.size(), !padded).get(root))
        return failureReason(error);
    dom::object event;
    if (root.at_key("Event").get(event) != simdjson::SUCCESS)
        return "no \"Event\" object";
    bool sawSystem = false;
    for (const dom::key_value_pair member : event) {
        if (member.key == "System") {
            dom::object object;
            if (member.value.get(object) != simdjson::SUCCESS)
                return "\"System\" is not an object";
            readSystem(object);
            sawSystem = true;
        } else if (member.key == "EventData" || member.key == "UserData") {
            record.userData = member.key == "UserData";
            dom::object object;
            if (member.value.get(object) == simdjson::SUCCESS)
                readLeaves(object);
        } else if (member.key == "RenderingInfo") {
            dom::object object;
            dom::element message;
            if (member.value.get(object) == simdjson::SUCCESS
                && object.at_key("Message").get(message) == simdjson::SUCCESS)
                system[RenderedMessage] = textOf(message);
        }
    }
    if (!sawSystem)
        return "no \"System\" object";

    EvtxRecord &r = record;
    const auto value = [&](SystemValue slot) {
        const std::string_view full = view(system[slot]);
        const std::string_view kept = cutUtf8(full, EvtxRecord::kMaxValueBytes);
        if (kept.size() < full.size())
            ++r.valuesCut;
        return kept;
    };
    r.setSystemValues(value);
    for (const Item &item : items)
        r.items.push_back({view(item.name), view(item.value)});
    return writer.append(r, json, context.hostName, context.nowNs, out).failure;
}

EvtxJsonReader::EvtxJsonReader()
    : m_impl(std::make_unique<Impl>()) {
}

EvtxJsonReader::~EvtxJsonReader() = default;

Result<std::size_t> EvtxJsonReader::read(std::string_view text, const SyslogContext &context, EventBatch &out) {
    Impl &d = *m_impl;
    d.positions.clear();
    if (Result<void> split = splitObjects(text, d.pieces); !split)
        return split.error();
    std::size_t position = 0;
    // Lines are counted only up to the failures, and only once: the pieces come in text order.
    std::size_t countedTo = 0;
    std::size_t line = 1;
    const auto lineAt = [&](std::size_t offset) {
        line += static_cast<std::size_t>(
            std::count(text.begin() + std::ptrdiff_t(countedTo), text.begin() + std::ptrdiff_t(offset), '\n'));
        countedTo = offset;
        return line;
    };
    for (const Piece &piece : d.pieces) {
        ++position;
        ++d.stats.objects;
        if (!piece.refusal.empty()) {
            d.fail(piece, position, lineAt(piece.offset), piece.refusal);
            continue;
        }
        // simdjson reads up to SIMDJSON_PADDING bytes past the end: where the text goes on that
        // far the object is parsed where it is, else it is copied into the parser's own buffer.
        const bool padded = piece.offset + piece.size + simdjson::SIMDJSON_PADDING <= text.size();
        const std::string_view failure = d.readObject(text.substr(piece.offset, piece.size), padded, context, out);
        if (!failure.empty()) {
            d.fail(piece, position, lineAt(piece.offset), failure);
            continue;
        }
        ++d.stats.events;
        d.positions.push_back(position);
    }
    return d.positions.size();
}

std::span<const std::size_t> EvtxJsonReader::positions() const {
    return m_impl->positions;
}

const EvtxJsonStats &EvtxJsonReader::stats() const {
    return m_impl->stats;
}

const EvtxFieldStats &EvtxJsonReader::fieldStats() const {
    return m_impl->writer.stats();
}

const std::deque<EvtxJsonFailure> &EvtxJsonReader::recentFailures() const {
    return m_impl->failures;
}

} // namespace vanopticon::sentinel
