// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vanopticon::sentinel {

// A small pull reader for the XML libevtx renders event records as: elements, attributes,
// character data, CDATA, the five predefined entities and character references. Non-validating
// and bounded: no DTD (refused), no other entities (refused, so nothing is ever expanded), a
// nesting depth and attribute count limit. Every byte of character data is kept as written
// (a line break "\r\n" stays two bytes; control characters pass), because record values are
// evidence. Plain C++ over a string_view; the views it returns are valid until the next call.
class EvtxXmlReader {
public:
    enum class Token { StartElement, EndElement, Text, End, Error };
    struct Attribute {
        std::string_view name; // local name: a prefix ("xmlns:") is removed
        std::string_view value; // references resolved
    };

    static constexpr std::size_t kMaxDepth = 64;
    static constexpr std::size_t kMaxAttributes = 64;

    explicit EvtxXmlReader(std::string_view xml = {});
    // Starts on another document, keeping the buffers' capacity.
    void reset(std::string_view xml);

    Token next();

    // StartElement / EndElement: the element's local name ("Data" for "<e:Data>").
    std::string_view name() const { return m_name; }
    // StartElement: its attributes, in order.
    std::span<const Attribute> attributes() const { return m_attributes; }
    std::optional<std::string_view> attribute(std::string_view name) const;
    // Text: the character data (references resolved, CDATA included) up to the next tag.
    std::string_view text() const { return m_text; }
    // Error: why (static text).
    std::string_view error() const { return m_error; }
    // Elements open around the current token (a StartElement counts itself).
    std::size_t depth() const { return m_open.size(); }

private:
    Token fail(std::string_view reason);
    Token readTag();
    Token readText();
    bool decodeInto(std::string_view raw, std::string &out);
    bool skipPast(std::string_view terminator);

    std::string_view m_xml;
    std::size_t m_pos = 0;
    std::vector<std::string_view> m_open; // qualified names, to match end tags
    std::string_view m_name;
    std::vector<Attribute> m_attributes;
    std::string m_attributeBytes; // decoded attribute values
    std::vector<std::pair<std::size_t, std::size_t>> m_valueSlices; // offset, size in m_attributeBytes
    std::string m_textBytes;
    std::string_view m_text;
    std::string_view m_error;
    bool m_pendingEnd = false; // "<e/>": the EndElement still to report
    bool m_seenRoot = false;
    bool m_failed = false;
};

} // namespace vanopticon::sentinel
