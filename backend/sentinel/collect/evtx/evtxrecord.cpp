// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/evtx/evtxrecord.h"

#include "sentinel/collect/journald/utf8text.h"
#include "shared/core/utf8.h"

#include <array>
#include <optional>

namespace vanopticon::sentinel {

namespace {

using Token = EvtxXmlReader::Token;

// A value kept in EvtxRecord's storage by offset: the storage may move while it grows, so views
// are made once parsing is done.
struct Slice {
    std::size_t offset = 0;
    std::size_t size = 0;
};

using SystemValue = EvtxRecord::SystemValue;
using enum EvtxRecord::SystemValue;

class RecordParser {
public:
    RecordParser(EvtxXmlReader &reader, EvtxRecord &record, std::string &storage, std::string &text,
        std::vector<std::size_t> &itemSlices)
        : m_reader(reader)
        , m_record(record)
        , m_storage(storage)
        , m_text(text)
        , m_items(itemSlices) { }

    std::string_view parse();
    void materialize();

private:
    Slice keep(std::string_view value) {
        const std::string_view kept = cutUtf8(value, EvtxRecord::kMaxValueBytes);
        if (kept.size() < value.size())
            ++m_record.valuesCut;
        Slice slice {m_storage.size(), kept.size()};
        m_storage.append(kept);
        return slice;
    }
    std::string_view view(Slice slice) const { return std::string_view(m_storage).substr(slice.offset, slice.size); }

    std::string_view readSystem();
    std::string_view readLeaves(std::string_view sectionName);
    std::string_view readRenderingInfo();
    // Reads the text of the element just started, to its end; child elements are skipped.
    std::string_view readText(std::string &into);
    std::string_view skipElement();
    void keepAttribute(std::string_view name, SystemValue slot);

    EvtxXmlReader &m_reader;
    EvtxRecord &m_record;
    std::string &m_storage;
    std::array<Slice, SystemValueCount> m_system {};
    std::string &m_text;
    std::vector<std::size_t> &m_items; // name offset, name size, value offset, value size per item
    bool m_sawSystem = false;
};

std::string_view RecordParser::skipElement() {
    const std::size_t depth = m_reader.depth();
    while (true) {
        const Token token = m_reader.next();
        if (token == Token::Error)
            return m_reader.error();
        if (token == Token::End)
            return "the XML ends inside an element";
        if (token == Token::EndElement && m_reader.depth() < depth)
            return {};
    }
}

std::string_view RecordParser::readText(std::string &into) {
    into.clear();
    const std::size_t depth = m_reader.depth();
    while (true) {
        const Token token = m_reader.next();
        switch (token) {
        case Token::Error:
            return m_reader.error();
        case Token::End:
            return "the XML ends inside an element";
        case Token::Text:
            // Bounded here already: the rest would be cut anyway.
            if (into.size() <= EvtxRecord::kMaxValueBytes)
                into.append(m_reader.text().substr(0, EvtxRecord::kMaxValueBytes + 4 - into.size()));
            break;
        case Token::StartElement:
            if (auto skipped = skipElement(); !skipped.empty())
                return skipped;
            break;
        case Token::EndElement:
            if (m_reader.depth() < depth)
                return {};
            break;
        }
    }
}

void RecordParser::keepAttribute(std::string_view name, SystemValue slot) {
    if (const auto value = m_reader.attribute(name))
        m_system[slot] = keep(*value);
}

std::string_view RecordParser::readSystem() {
    m_sawSystem = true;
    const std::size_t depth = m_reader.depth();
    while (true) {
        const Token token = m_reader.next();
        if (token == Token::Error)
            return m_reader.error();
        if (token == Token::End)
            return "the XML ends inside <System>";
        if (token == Token::EndElement && m_reader.depth() < depth)
            return {};
        if (token != Token::StartElement)
            continue;
        const std::string_view name = m_reader.name();
        std::optional<SystemValue> textSlot;
        if (name == "Provider") {
            keepAttribute("Name", ProviderName);
            keepAttribute("Guid", ProviderGuid);
            keepAttribute("EventSourceName", EventSourceName);
        } else if (name == "EventID") {
            keepAttribute("Qualifiers", Qualifiers);
            textSlot = EventId;
        } else if (name == "Version") {
            textSlot = Version;
        } else if (name == "Level") {
            textSlot = Level;
        } else if (name == "Task") {
            textSlot = Task;
        } else if (name == "Opcode") {
            textSlot = Opcode;
        } else if (name == "Keywords") {
            textSlot = Keywords;
        } else if (name == "TimeCreated") {
            keepAttribute("SystemTime", SystemTime);
        } else if (name == "EventRecordID") {
            textSlot = EventRecordId;
        } else if (name == "Correlation") {
            keepAttribute("ActivityID", ActivityId);
            keepAttribute("RelatedActivityID", RelatedActivityId);
        } else if (name == "Execution") {
            keepAttribute("ProcessID", ProcessId);
            keepAttribute("ThreadID", ThreadId);
        } else if (name == "Channel") {
            textSlot = Channel;
        } else if (name == "Computer") {
            textSlot = Computer;
        } else if (name == "Security") {
            keepAttribute("UserID", UserId);
        }
        std::string_view failure = textSlot ? readText(m_text) : skipElement();
        if (!failure.empty())
            return failure;
        if (textSlot)
            m_system[*textSlot] = keep(m_text);
    }
}

// Every element under EventData / UserData that holds no element is a value (a leaf); the
// elements around leaves (UserData's <LogFileCleared xmlns=…>) only group them.
std::string_view RecordParser::readLeaves(std::string_view sectionName) {
    struct Open {
        Slice name;
        bool hasChild = false;
        bool omitted = false;
    };
    std::vector<Open> open; // the elements open below the section
    const std::size_t sectionDepth = m_reader.depth();
    m_record.userData = sectionName == "UserData";
    std::string &text = m_text;
    text.clear();
    while (true) {
        const Token token = m_reader.next();
        switch (token) {
        case Token::Error:
            return m_reader.error();
        case Token::End:
            return "the XML ends inside the record's data";
        case Token::Text:
            if (!open.empty() && text.size() <= EvtxRecord::kMaxValueBytes)
                text.append(m_reader.text().substr(0, EvtxRecord::kMaxValueBytes + 4 - text.size()));
            break;
        case Token::StartElement: {
            if (!open.empty())
                open.back().hasChild = true;
            text.clear();
            std::string_view name = m_reader.name();
            if (const auto attribute = m_reader.attribute("Name"))
                name = *attribute;
            else if (name == "Data")
                name = {}; // unnamed: classic events list their strings so
            Open element;
            element.omitted = name.size() > EvtxRecord::kMaxNameBytes;
            if (!element.omitted)
                element.name = keep(name);
            open.push_back(element);
            break;
        }
        case Token::EndElement:
            if (m_reader.depth() < sectionDepth)
                return {};
            if (!open.empty()) {
                const Open element = open.back();
                open.pop_back();
                if (!element.hasChild) {
                    if (element.omitted || m_items.size() / 4 >= EvtxRecord::kMaxItems) {
                        ++m_record.itemsOmitted;
                    } else {
                        const Slice value = keep(text);
                        m_items.insert(
                            m_items.end(), {element.name.offset, element.name.size, value.offset, value.size});
                    }
                }
            }
            text.clear();
            break;
        }
    }
}

std::string_view RecordParser::readRenderingInfo() {
    const std::size_t depth = m_reader.depth();
    while (true) {
        const Token token = m_reader.next();
        if (token == Token::Error)
            return m_reader.error();
        if (token == Token::End)
            return "the XML ends inside <RenderingInfo>";
        if (token == Token::EndElement && m_reader.depth() < depth)
            return {};
        if (token != Token::StartElement)
            continue;
        const bool message = m_reader.name() == "Message";
        if (auto failure = message ? readText(m_text) : skipElement(); !failure.empty())
            return failure;
        if (message)
            m_system[RenderedMessage] = keep(m_text);
    }
}

std::string_view RecordParser::parse() {
    Token token = m_reader.next();
    while (token == Token::Text)
        token = m_reader.next();
    if (token == Token::Error)
        return m_reader.error();
    if (token != Token::StartElement || m_reader.name() != "Event")
        return "not an <Event> record";
    while (true) {
        token = m_reader.next();
        if (token == Token::Error)
            return m_reader.error();
        if (token == Token::EndElement)
            break; // </Event>
        if (token == Token::End)
            return "the XML ends inside <Event>";
        if (token != Token::StartElement)
            continue;
        const std::string_view name = m_reader.name();
        std::string_view failure;
        if (name == "System")
            failure = readSystem();
        else if (name == "EventData" || name == "UserData")
            failure = readLeaves(name);
        else if (name == "RenderingInfo")
            failure = readRenderingInfo();
        else
            failure = skipElement();
        if (!failure.empty())
            return failure;
    }
    while ((token = m_reader.next()) == Token::Text) { }
    if (token != Token::End)
        return token == Token::Error ? m_reader.error() : "content after </Event>";
    if (!m_sawSystem)
        return "no <System> element";
    return {};
}

void RecordParser::materialize() {
    EvtxRecord &r = m_record;
    r.setSystemValues([&](SystemValue slot) { return view(m_system[slot]); });
    r.items.clear();
    for (std::size_t i = 0; i + 3 < m_items.size(); i += 4)
        r.items.push_back({view({m_items[i], m_items[i + 1]}), view({m_items[i + 2], m_items[i + 3]})});
}

} // namespace

void EvtxRecord::clear() {
    for (std::string_view *value : {&providerName, &providerGuid, &eventSourceName, &eventId, &qualifiers, &version,
             &level, &task, &opcode, &keywords, &systemTime, &eventRecordId, &activityId, &relatedActivityId,
             &processId, &threadId, &channel, &computer, &userId, &renderedMessage})
        *value = {};
    userData = false;
    items.clear();
    itemsOmitted = 0;
    valuesCut = 0;
    m_storage.clear();
    m_text.clear();
    m_itemSlices.clear();
}

ParseOutcome parseEvtxRecord(std::string_view xml, EvtxRecord &out) {
    out.clear();
    // Event strings travel as protobuf strings, which must be UTF-8; XML that is not is not XML.
    if (!isValidUtf8(xml))
        return ParseOutcome {"the XML is not UTF-8"};
    out.m_reader.reset(xml);
    RecordParser parser(out.m_reader, out, out.m_storage, out.m_text, out.m_itemSlices);
    if (const std::string_view failure = parser.parse(); !failure.empty()) {
        out.clear();
        return ParseOutcome {failure};
    }
    parser.materialize();
    return {};
}

} // namespace vanopticon::sentinel
