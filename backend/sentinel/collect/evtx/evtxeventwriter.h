// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/evtx/evtxrecord.h"
#include "sentinel/parse/rfc3164.h"
#include "sentinel/parse/syslogcontext.h"
#include "shared/event/event.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace vanopticon::sentinel {

// What the writer could not keep as it was. Accumulates.
struct EvtxFieldStats {
    // Data names that are no field name even without their spaces (wire::isAcceptableFieldName):
    // their values are dropped.
    std::uint64_t unacceptableNames = 0;
    std::uint64_t namesRefused = 0; // new names refused: the process's field table is full
    std::uint64_t duplicateNames = 0; // a name seen again in the same record: the first value kept
    // Data names that are also a System field or an event core field (Channel, host, …): stored
    // as "EventData.<name>" / "UserData.<name>" so they cannot stand in for the record's own.
    std::uint64_t namesPrefixed = 0;
    std::uint64_t itemsOmitted = 0; // EvtxRecord::kMaxItems, kMaxNameBytes
    std::uint64_t valuesCut = 0; // EvtxRecord::kMaxValueBytes
    std::uint64_t rawCut = 0; // records whose XML was longer than kMaxRawBytes: raw is cut
    std::uint64_t timestampsUnread = 0; // no readable TimeCreated: dated by the fallback time
};

// Turns an EvtxRecord into one event with the field names SigmaHQ's Windows rules use:
//   System: EventID, EventID_Qualifiers, Version, Level, Task, Opcode, Keywords, EventRecordID,
//     Channel, Computer, Provider_Name, Provider_Guid, Provider_EventSourceName,
//     Execution_ProcessID, Execution_ThreadID, Security_UserID, Correlation_ActivityID,
//     Correlation_RelatedActivityID (each when the record has it);
//   EventData / UserData: every value under its name with the spaces removed, as Sigma writes
//     them ("Threat Name" → ThreatName); unnamed <Data> values joined by "\n" as `Data`.
//     libevtx writes HexInt32/HexInt64 values zero-padded ("0x00000000000003e7"); they (and
//     Keywords) are written as Windows and evtx_dump show them ("0x3e7", zero "0x0"), which is
//     what rules compare with.
//   event core: event_type and category from the channel and EventID (classifyEvtxEvent);
//     host = Computer (else the fallback host); service = Provider_Name; source_type "evtx";
//     message = the rendered message when the record has one, else "<Provider_Name> <EventID>:
//     <event_type>"; raw = the record's XML (cut at kMaxRawBytes); time from TimeCreated's
//     SystemTime; severity from Level (1 critical, 2 high, 3 medium, else info), and
//     auth_failed at least low, as for sshd.
//   Security 4624 / 4625 / 4648 also carry the fields the rest of the pipeline correlates logins
//     by, when the record has them: User (TargetUserName), SourceIp (IpAddress), SourcePort
//     (IpPort).
// Not thread-safe: one writer per reader (it caches field ids by name).
class EvtxEventWriter {
public:
    static constexpr std::size_t kMaxRawBytes = 64 * 1024;
    static constexpr std::size_t kMaxCachedNames = 4096;

    EvtxEventWriter();

    // Appends one event; refuses (batch unchanged) a record without a numeric EventID.
    // `fallbackTimeNs` dates a record whose TimeCreated is missing or unreadable.
    ParseOutcome append(const EvtxRecord &record, std::string_view raw, std::string_view fallbackHost,
        std::int64_t fallbackTimeNs, EventBatch &batch);

    const EvtxFieldStats &stats() const { return m_stats; }

private:
    struct NameHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view name) const { return std::hash<std::string_view> {}(name); }
    };
    std::optional<FieldId> fieldFor(std::string_view name);
    bool isReserved(FieldId id) const;

    struct Ids {
        FieldId eventId, qualifiers, version, level, task, opcode, keywords, eventRecordId, channel, computer,
            providerName, providerGuid, eventSourceName, processId, threadId, userId, activityId, relatedActivityId,
            data, targetUserName, ipAddress, ipPort;
    } m_ids;
    std::unordered_map<std::string, FieldId, NameHash, std::equal_to<>> m_names;
    EvtxFieldStats m_stats;
    std::string m_name; // scratch: a data name without spaces, or prefixed
    std::string m_unnamed; // scratch: the unnamed Data values joined
    std::string m_message; // scratch
};

// Parses one record's XML (parseEvtxRecord) and appends its event (EvtxEventWriter) to the
// batch: exactly one event on success, nothing on failure (the reason is static text). The
// context supplies the host for records without Computer and the time for records without a
// readable TimeCreated.
ParseOutcome parseEvtxEvent(
    std::string_view recordXml, const SyslogContext &context, EventBatch &batch, EvtxFieldStats *stats = nullptr);

// "2025-11-26T05:11:27.927693700Z" (any number of fraction digits up to 9, or none) → ns since
// the epoch; nullopt for anything else.
std::optional<std::int64_t> parseEvtxSystemTime(std::string_view text);

} // namespace vanopticon::sentinel
