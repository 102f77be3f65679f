// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/evtx/evtxxmlreader.h"

#include <cstdint>

namespace vanopticon::sentinel {

namespace {

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool endsName(char c) {
    return isSpace(c) || c == '/' || c == '>' || c == '=';
}

std::string_view localName(std::string_view qualified) {
    const std::size_t colon = qualified.rfind(':');
    return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

void appendUtf8(std::uint32_t code, std::string &out) {
    if (code < 0x80) {
        out.push_back(char(code));
    } else if (code < 0x800) {
        out.push_back(char(0xC0 | (code >> 6)));
        out.push_back(char(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
        out.push_back(char(0xE0 | (code >> 12)));
        out.push_back(char(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(char(0x80 | (code & 0x3F)));
    } else {
        out.push_back(char(0xF0 | (code >> 18)));
        out.push_back(char(0x80 | ((code >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(char(0x80 | (code & 0x3F)));
    }
}

// "#65", "#x41" → 0x41; nullopt for anything else, and for code points that are not characters.
std::optional<std::uint32_t> characterReference(std::string_view body) {
    if (body.size() < 2 || body[0] != '#')
        return std::nullopt;
    const bool hex = body[1] == 'x' || body[1] == 'X';
    const std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 8)
        return std::nullopt;
    std::uint32_t code = 0;
    for (const char c : digits) {
        std::uint32_t digit = 0;
        if (c >= '0' && c <= '9')
            digit = std::uint32_t(c - '0');
        else if (hex && c >= 'a' && c <= 'f')
            digit = std::uint32_t(c - 'a' + 10);
        else if (hex && c >= 'A' && c <= 'F')
            digit = std::uint32_t(c - 'A' + 10);
        else
            return std::nullopt;
        code = code * (hex ? 16 : 10) + digit;
    }
    if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
        return std::nullopt;
    return code;
}

} // namespace

EvtxXmlReader::EvtxXmlReader(std::string_view xml)
    : m_xml(xml) {
}

void EvtxXmlReader::reset(std::string_view xml) {
    m_xml = xml;
    m_pos = 0;
    m_open.clear();
    m_name = {};
    m_attributes.clear();
    m_text = {};
    m_error = {};
    m_pendingEnd = false;
    m_seenRoot = false;
    m_failed = false;
}

std::optional<std::string_view> EvtxXmlReader::attribute(std::string_view name) const {
    for (const Attribute &a : m_attributes) {
        if (a.name == name)
            return a.value;
    }
    return std::nullopt;
}

EvtxXmlReader::Token EvtxXmlReader::fail(std::string_view reason) {
    m_failed = true;
    m_error = reason;
    return Token::Error;
}

bool EvtxXmlReader::skipPast(std::string_view terminator) {
    const std::size_t at = m_xml.find(terminator, m_pos);
    if (at == std::string_view::npos)
        return false;
    m_pos = at + terminator.size();
    return true;
}

bool EvtxXmlReader::decodeInto(std::string_view raw, std::string &out) {
    std::size_t i = 0;
    while (i < raw.size()) {
        const std::size_t amp = raw.find('&', i);
        if (amp == std::string_view::npos) {
            out.append(raw.substr(i));
            return true;
        }
        out.append(raw.substr(i, amp - i));
        const std::size_t semicolon = raw.find(';', amp);
        if (semicolon == std::string_view::npos || semicolon - amp > 12)
            return false;
        const std::string_view body = raw.substr(amp + 1, semicolon - amp - 1);
        if (body == "lt")
            out.push_back('<');
        else if (body == "gt")
            out.push_back('>');
        else if (body == "amp")
            out.push_back('&');
        else if (body == "quot")
            out.push_back('"');
        else if (body == "apos")
            out.push_back('\'');
        else if (const auto code = characterReference(body))
            appendUtf8(*code, out);
        else
            return false; // an entity no DTD may define here: never expanded
        i = semicolon + 1;
    }
    return true;
}

EvtxXmlReader::Token EvtxXmlReader::next() {
    if (m_failed)
        return Token::Error;
    m_attributes.clear();
    m_text = {};
    if (m_pendingEnd) {
        m_pendingEnd = false;
        m_open.pop_back();
        return Token::EndElement;
    }
    while (true) {
        // White space around the root element is no content.
        if (m_open.empty()) {
            while (m_pos < m_xml.size() && isSpace(m_xml[m_pos]))
                ++m_pos;
        }
        if (m_pos >= m_xml.size()) {
            if (!m_open.empty())
                return fail("the XML ends inside an element");
            return Token::End;
        }
        if (m_xml[m_pos] != '<' || m_xml.compare(m_pos, 9, "<![CDATA[") == 0)
            return readText();
        if (m_xml.compare(m_pos, 4, "<!--") == 0) {
            if (!skipPast("-->"))
                return fail("unterminated comment");
            continue;
        }
        if (m_xml.compare(m_pos, 2, "<?") == 0) {
            if (!skipPast("?>"))
                return fail("unterminated processing instruction");
            continue;
        }
        if (m_xml.compare(m_pos, 2, "<!") == 0)
            return fail("a DTD or declaration: not accepted");
        return readTag();
    }
}

EvtxXmlReader::Token EvtxXmlReader::readText() {
    m_textBytes.clear();
    while (m_pos < m_xml.size()) {
        if (m_xml.compare(m_pos, 9, "<![CDATA[") == 0) {
            const std::size_t end = m_xml.find("]]>", m_pos + 9);
            if (end == std::string_view::npos)
                return fail("unterminated CDATA section");
            m_textBytes.append(m_xml.substr(m_pos + 9, end - m_pos - 9));
            m_pos = end + 3;
            continue;
        }
        if (m_xml[m_pos] == '<')
            break;
        std::size_t end = m_xml.find('<', m_pos);
        if (end == std::string_view::npos)
            end = m_xml.size();
        if (!decodeInto(m_xml.substr(m_pos, end - m_pos), m_textBytes))
            return fail("an undefined entity or a malformed reference");
        m_pos = end;
    }
    if (m_open.empty()) {
        for (const char c : m_textBytes) {
            if (!isSpace(c))
                return fail("text outside the root element");
        }
    }
    m_text = m_textBytes;
    return Token::Text;
}

EvtxXmlReader::Token EvtxXmlReader::readTag() {
    std::size_t p = m_pos + 1;
    const bool closing = p < m_xml.size() && m_xml[p] == '/';
    if (closing)
        ++p;
    const std::size_t nameStart = p;
    while (p < m_xml.size() && !endsName(m_xml[p]))
        ++p;
    const std::string_view qualified = m_xml.substr(nameStart, p - nameStart);
    if (qualified.empty())
        return fail("an element without a name");

    if (closing) {
        while (p < m_xml.size() && isSpace(m_xml[p]))
            ++p;
        if (p >= m_xml.size() || m_xml[p] != '>')
            return fail("a malformed end tag");
        if (m_open.empty() || m_open.back() != qualified)
            return fail("an end tag that does not match its start tag");
        m_pos = p + 1;
        m_open.pop_back();
        m_name = localName(qualified);
        return Token::EndElement;
    }

    if (m_open.empty() && m_seenRoot)
        return fail("a second root element");
    if (m_open.size() >= kMaxDepth)
        return fail("elements nested too deeply");
    m_attributeBytes.clear();
    m_valueSlices.clear();
    while (true) {
        while (p < m_xml.size() && isSpace(m_xml[p]))
            ++p;
        if (p >= m_xml.size())
            return fail("an unterminated start tag");
        if (m_xml[p] == '>') {
            m_pos = p + 1;
            break;
        }
        if (m_xml[p] == '/') {
            if (p + 1 >= m_xml.size() || m_xml[p + 1] != '>')
                return fail("a malformed empty-element tag");
            m_pos = p + 2;
            m_pendingEnd = true;
            break;
        }
        const std::size_t attributeStart = p;
        while (p < m_xml.size() && !endsName(m_xml[p]))
            ++p;
        const std::string_view attributeName = m_xml.substr(attributeStart, p - attributeStart);
        while (p < m_xml.size() && isSpace(m_xml[p]))
            ++p;
        if (attributeName.empty() || p >= m_xml.size() || m_xml[p] != '=')
            return fail("a malformed attribute");
        ++p;
        while (p < m_xml.size() && isSpace(m_xml[p]))
            ++p;
        if (p >= m_xml.size() || (m_xml[p] != '"' && m_xml[p] != '\''))
            return fail("an attribute value without quotes");
        const char quote = m_xml[p];
        const std::size_t valueEnd = m_xml.find(quote, p + 1);
        if (valueEnd == std::string_view::npos)
            return fail("an unterminated attribute value");
        const std::string_view rawValue = m_xml.substr(p + 1, valueEnd - p - 1);
        if (rawValue.find('<') != std::string_view::npos)
            return fail("'<' in an attribute value");
        if (m_attributes.size() >= kMaxAttributes)
            return fail("too many attributes");
        const std::size_t valueStart = m_attributeBytes.size();
        if (!decodeInto(rawValue, m_attributeBytes))
            return fail("an undefined entity or a malformed reference");
        m_attributes.push_back({localName(attributeName), {}});
        m_valueSlices.emplace_back(valueStart, m_attributeBytes.size() - valueStart);
        p = valueEnd + 1;
    }
    // The values are viewed once all are decoded: m_attributeBytes may move while it grows.
    for (std::size_t i = 0; i < m_attributes.size(); ++i)
        m_attributes[i].value
            = std::string_view(m_attributeBytes).substr(m_valueSlices[i].first, m_valueSlices[i].second);
    m_open.push_back(qualified);
    m_seenRoot = true;
    m_name = localName(qualified);
    return Token::StartElement;
}

} // namespace vanopticon::sentinel
