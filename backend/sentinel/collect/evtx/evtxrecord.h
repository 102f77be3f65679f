// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/evtx/evtxxmlreader.h"
#include "sentinel/parse/rfc3164.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vanopticon::sentinel {

// One value of a record's EventData or UserData.
struct EvtxDataItem {
    // EventData: the Data element's Name ("Image", "Threat Name"); empty for an unnamed <Data>;
    // the element's name for anything else ("Binary"). UserData: the Name attribute of a leaf
    // element when it has one, else the leaf's element name ("SubjectUserName").
    std::string_view name;
    std::string_view value; // as written, references resolved, cut at EvtxRecord::kMaxValueBytes
};

// The parts of a Windows event record (the <Event> XML libevtx renders, the schema of
// http://schemas.microsoft.com/win/2004/08/events/event). Views into the record's own storage:
// valid until it is parsed into again. Reuse one record for many: its buffers keep their capacity.
struct EvtxRecord {
    static constexpr std::size_t kMaxItems = 1024;
    static constexpr std::size_t kMaxNameBytes = 256;
    static constexpr std::size_t kMaxValueBytes = 64 * 1024;

    // The <System> values by position, for readers that gather them before filling a record.
    enum SystemValue : std::size_t {
        ProviderName,
        ProviderGuid,
        EventSourceName,
        EventId,
        Qualifiers,
        Version,
        Level,
        Task,
        Opcode,
        Keywords,
        SystemTime,
        EventRecordId,
        ActivityId,
        RelatedActivityId,
        ProcessId,
        ThreadId,
        Channel,
        Computer,
        UserId,
        RenderedMessage,
        SystemValueCount
    };

    // <System>
    std::string_view providerName; // Provider@Name
    std::string_view providerGuid; // Provider@Guid
    std::string_view eventSourceName; // Provider@EventSourceName
    std::string_view eventId; // EventID
    std::string_view qualifiers; // EventID@Qualifiers
    std::string_view version;
    std::string_view level;
    std::string_view task;
    std::string_view opcode;
    std::string_view keywords;
    std::string_view systemTime; // TimeCreated@SystemTime
    std::string_view eventRecordId; // EventRecordID
    std::string_view activityId; // Correlation@ActivityID
    std::string_view relatedActivityId; // Correlation@RelatedActivityID
    std::string_view processId; // Execution@ProcessID
    std::string_view threadId; // Execution@ThreadID
    std::string_view channel;
    std::string_view computer;
    std::string_view userId; // Security@UserID
    // <EventData> or <UserData>
    bool userData = false; // the values came from UserData
    std::vector<EvtxDataItem> items; // in document order
    std::size_t itemsOmitted = 0; // beyond kMaxItems, or with a name longer than kMaxNameBytes
    std::size_t valuesCut = 0; // longer than kMaxValueBytes
    // <RenderingInfo><Message>, present in forwarded events and exports with rendered text
    std::string_view renderedMessage;

    void clear();
    // Sets the <System> members (and renderedMessage) to valueOf(SystemValue) each.
    template<typename ValueOf> void setSystemValues(ValueOf valueOf) {
        providerName = valueOf(ProviderName);
        providerGuid = valueOf(ProviderGuid);
        eventSourceName = valueOf(EventSourceName);
        eventId = valueOf(EventId);
        qualifiers = valueOf(Qualifiers);
        version = valueOf(Version);
        level = valueOf(Level);
        task = valueOf(Task);
        opcode = valueOf(Opcode);
        keywords = valueOf(Keywords);
        systemTime = valueOf(SystemTime);
        eventRecordId = valueOf(EventRecordId);
        activityId = valueOf(ActivityId);
        relatedActivityId = valueOf(RelatedActivityId);
        processId = valueOf(ProcessId);
        threadId = valueOf(ThreadId);
        channel = valueOf(Channel);
        computer = valueOf(Computer);
        userId = valueOf(UserId);
        renderedMessage = valueOf(RenderedMessage);
    }

private:
    friend ParseOutcome parseEvtxRecord(std::string_view xml, EvtxRecord &out);
    // Parsing scratch, kept for its capacity.
    std::string m_storage; // every value of the record, decoded
    std::string m_text;
    std::vector<std::size_t> m_itemSlices; // name offset, name size, value offset, value size per item
    EvtxXmlReader m_reader;
};

// Reads the XML of one record. Refused: XML that is not UTF-8 or not well-formed (or has a DTD
// or an entity other than the predefined ones), a root element that is not <Event>, no <System>,
// values past the limits that cannot be skipped. Unknown elements are skipped.
ParseOutcome parseEvtxRecord(std::string_view xml, EvtxRecord &out);

} // namespace vanopticon::sentinel
