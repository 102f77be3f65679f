// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/evtx/evtxeventwriter.h"

#include "sentinel/collect/evtx/evtxeventtype.h"
#include "sentinel/collect/journald/utf8text.h"
#include "shared/wire/codec.h"

#include <array>
#include <charconv>

namespace vanopticon::sentinel {

namespace {

template<typename T> std::optional<T> number(std::string_view text) {
    T value {};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// libevtx writes HexInt32 as 0x%08x and HexInt64 as 0x%016x; Windows, evtx_dump and so every
// Sigma rule write them without the padding (SigmaHQ's regression data: LogonId 0x3b5e64,
// GrantedAccess 0x1fffff, zero as 0x0). The XML carries no type, so the shape decides: exactly
// 8 or 16 hex digits after "0x", the first a padding zero; a text value of that very shape is
// changed too, the price of not knowing the type.
std::string_view unpaddedHex(std::string_view value, std::array<char, 24> &buffer) {
    if ((value.size() != 10 && value.size() != 18) || value[0] != '0' || value[1] != 'x' || value[2] != '0')
        return value;
    for (std::size_t i = 2; i < value.size(); ++i) {
        if (!isHexDigit(value[i]))
            return value;
    }
    std::size_t first = 2;
    while (first + 1 < value.size() && value[first] == '0')
        ++first;
    buffer[0] = '0';
    buffer[1] = 'x';
    const std::size_t digits = value.size() - first;
    value.copy(buffer.data() + 2, digits, first);
    return std::string_view(buffer.data(), digits + 2);
}

Severity severityOf(std::string_view level) {
    if (level == "1")
        return Severity::Critical;
    if (level == "2")
        return Severity::High;
    if (level == "3")
        return Severity::Medium;
    return Severity::Info; // 0 (LogAlways), 4 (Information), 5 (Verbose)
}

// One per thread: parseEvtxEvent may be called from any thread; nothing here is shared.
struct Scratch {
    EvtxRecord record;
    EvtxEventWriter writer;
};

} // namespace

std::optional<std::int64_t> parseEvtxSystemTime(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SS[.fffffffff]Z
    if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':'
        || text.back() != 'Z')
        return std::nullopt;
    const auto year = number<int>(text.substr(0, 4));
    const auto month = number<unsigned>(text.substr(5, 2));
    const auto day = number<unsigned>(text.substr(8, 2));
    const auto hour = number<unsigned>(text.substr(11, 2));
    const auto minute = number<unsigned>(text.substr(14, 2));
    const auto second = number<unsigned>(text.substr(17, 2));
    if (!year || !month || !day || !hour || !minute || !second || *month < 1 || *month > 12 || *day < 1 || *day > 31
        || *hour > 23 || *minute > 59 || *second > 60)
        return std::nullopt;
    std::int64_t nanos = 0;
    std::string_view rest = text.substr(19, text.size() - 20);
    if (!rest.empty()) {
        if (rest[0] != '.' || rest.size() < 2 || rest.size() > 10)
            return std::nullopt;
        const std::string_view digits = rest.substr(1);
        const auto fraction = number<std::int64_t>(digits);
        if (!fraction || digits.find_first_not_of("0123456789") != std::string_view::npos)
            return std::nullopt;
        nanos = *fraction;
        for (std::size_t i = digits.size(); i < 9; ++i)
            nanos *= 10;
    }
    const std::int64_t days = daysFromCivil(*year, *month, *day);
    return ((days * 24 + *hour) * 60 + *minute) * 60'000'000'000LL + std::int64_t(*second) * 1'000'000'000LL + nanos;
}

EvtxEventWriter::EvtxEventWriter()
    : m_ids {internField("EventID"), internField("EventID_Qualifiers"), internField("Version"), internField("Level"),
        internField("Task"), internField("Opcode"), internField("Keywords"), internField("EventRecordID"),
        internField("Channel"), internField("Computer"), internField("Provider_Name"), internField("Provider_Guid"),
        internField("Provider_EventSourceName"), internField("Execution_ProcessID"), internField("Execution_ThreadID"),
        internField("Security_UserID"), internField("Correlation_ActivityID"),
        internField("Correlation_RelatedActivityID"), internField("Data"), internField("TargetUserName"),
        internField("IpAddress"), internField("IpPort")} {
}

bool EvtxEventWriter::isReserved(FieldId id) const {
    if (id < field::SourceIp)
        return true; // the event core: event_type, host, message, raw, …
    const Ids &i = m_ids;
    for (const FieldId system : {i.eventId, i.qualifiers, i.version, i.level, i.task, i.opcode, i.keywords,
             i.eventRecordId, i.channel, i.computer, i.providerName, i.providerGuid, i.eventSourceName, i.processId,
             i.threadId, i.userId, i.activityId, i.relatedActivityId}) {
        if (id == system)
            return true;
    }
    return false;
}

std::optional<FieldId> EvtxEventWriter::fieldFor(std::string_view name) {
    if (const auto it = m_names.find(name); it != m_names.end())
        return it->second;
    const std::optional<FieldId> id = FieldRegistry::instance().tryIntern(name);
    if (!id) {
        ++m_stats.namesRefused;
        return std::nullopt;
    }
    if (m_names.size() < kMaxCachedNames)
        m_names.emplace(std::string(name), *id);
    return id;
}

ParseOutcome EvtxEventWriter::append(const EvtxRecord &record, std::string_view raw, std::string_view fallbackHost,
    std::int64_t fallbackTimeNs, EventBatch &batch) {
    const auto eventId = number<std::uint32_t>(record.eventId);
    if (!eventId || *eventId > 0xFFFF)
        return ParseOutcome {"EventID missing or not a number"};

    std::string_view registryEventType;
    for (const EvtxDataItem &item : record.items) {
        if (item.name == "EventType") {
            registryEventType = item.value;
            break;
        }
    }
    const EvtxEventType type = classifyEvtxEvent(record.channel, record.providerName, *eventId, registryEventType);

    Event &event = batch.addEvent();
    if (const auto time = parseEvtxSystemTime(record.systemTime)) {
        event.timestampNs = *time;
    } else {
        event.timestampNs = fallbackTimeNs;
        ++m_stats.timestampsUnread;
    }
    event.severity = severityOf(record.level);
    if (type.eventType == "auth_failed" && event.severity < Severity::Low)
        event.severity = Severity::Low;
    m_stats.itemsOmitted += record.itemsOmitted;
    m_stats.valuesCut += record.valuesCut;

    batch.setField(event, field::EventType, type.eventType);
    batch.setField(event, field::Category, type.category);
    batch.setField(event, field::SourceType, "evtx");
    const std::string_view host = record.computer.empty() ? fallbackHost : record.computer;
    if (!host.empty())
        batch.setField(event, field::Host, host);
    if (!record.providerName.empty())
        batch.setField(event, field::Service, record.providerName);
    if (!record.renderedMessage.empty()) {
        batch.setField(event, field::Message, record.renderedMessage);
    } else {
        m_message.assign(record.providerName.empty() ? record.channel : record.providerName);
        m_message.append(" ").append(record.eventId).append(": ").append(type.eventType);
        batch.setField(event, field::Message, m_message);
    }
    const std::string_view keptRaw = cutUtf8(raw, kMaxRawBytes);
    if (keptRaw.size() < raw.size())
        ++m_stats.rawCut;
    batch.setField(event, field::Raw, keptRaw);

    const auto system = [&](FieldId id, std::string_view value) {
        if (!value.empty())
            batch.setField(event, id, value);
    };
    system(m_ids.eventId, record.eventId);
    system(m_ids.qualifiers, record.qualifiers);
    system(m_ids.version, record.version);
    system(m_ids.level, record.level);
    system(m_ids.task, record.task);
    system(m_ids.opcode, record.opcode);
    std::array<char, 24> hexBuffer {};
    system(m_ids.keywords, unpaddedHex(record.keywords, hexBuffer));
    system(m_ids.eventRecordId, record.eventRecordId);
    system(m_ids.channel, record.channel);
    system(m_ids.computer, record.computer);
    system(m_ids.providerName, record.providerName);
    system(m_ids.providerGuid, record.providerGuid);
    system(m_ids.eventSourceName, record.eventSourceName);
    system(m_ids.processId, record.processId);
    system(m_ids.threadId, record.threadId);
    system(m_ids.userId, record.userId);
    system(m_ids.activityId, record.activityId);
    system(m_ids.relatedActivityId, record.relatedActivityId);

    m_unnamed.clear();
    bool anyUnnamed = false;
    for (const EvtxDataItem &item : record.items) {
        if (item.name.empty()) {
            if (anyUnnamed)
                m_unnamed.push_back('\n');
            m_unnamed.append(item.value);
            anyUnnamed = true;
            continue;
        }
        m_name.clear();
        for (const char c : item.name) {
            if (c != ' ')
                m_name.push_back(c);
        }
        if (!wire::isAcceptableFieldName(m_name)) {
            ++m_stats.unacceptableNames;
            continue;
        }
        std::optional<FieldId> id = fieldFor(m_name);
        if (!id)
            continue;
        if (isReserved(*id)) {
            m_name.insert(0, record.userData ? "UserData." : "EventData.");
            ++m_stats.namesPrefixed;
            if (!wire::isAcceptableFieldName(m_name)) {
                ++m_stats.unacceptableNames;
                continue;
            }
            id = fieldFor(m_name);
            if (!id)
                continue;
        }
        if (event.has(*id)) {
            ++m_stats.duplicateNames;
            continue;
        }
        batch.setField(event, *id, unpaddedHex(item.value, hexBuffer));
    }
    if (anyUnnamed) {
        if (event.has(m_ids.data))
            ++m_stats.duplicateNames;
        else
            batch.setField(event, m_ids.data, m_unnamed);
    }

    // The pipeline correlates logins by user and source address, whatever carried them.
    if (type.category == "authentication" && (*eventId == 4624 || *eventId == 4625 || *eventId == 4648)) {
        const auto copy = [&](FieldId from, FieldId to, std::string_view none) {
            const std::string_view value = event.value(from);
            if (!event.has(to) && !value.empty() && value != "-" && value != none)
                batch.setStoredField(event, to, value);
        };
        copy(m_ids.targetUserName, field::User, {});
        copy(m_ids.ipAddress, field::SourceIp, {});
        copy(m_ids.ipPort, field::SourcePort, "0");
    }
    return {};
}

ParseOutcome parseEvtxEvent(
    std::string_view recordXml, const SyslogContext &context, EventBatch &batch, EvtxFieldStats *stats) {
    thread_local Scratch scratch;
    if (const ParseOutcome parsed = parseEvtxRecord(recordXml, scratch.record); !parsed)
        return parsed;
    const EvtxFieldStats before = scratch.writer.stats();
    const ParseOutcome written
        = scratch.writer.append(scratch.record, recordXml, context.hostName, context.nowNs, batch);
    if (stats) {
        const EvtxFieldStats &after = scratch.writer.stats();
        stats->unacceptableNames += after.unacceptableNames - before.unacceptableNames;
        stats->namesRefused += after.namesRefused - before.namesRefused;
        stats->duplicateNames += after.duplicateNames - before.duplicateNames;
        stats->namesPrefixed += after.namesPrefixed - before.namesPrefixed;
        stats->itemsOmitted += after.itemsOmitted - before.itemsOmitted;
        stats->valuesCut += after.valuesCut - before.valuesCut;
        stats->rawCut += after.rawCut - before.rawCut;
        stats->timestampsUnread += after.timestampsUnread - before.timestampsUnread;
    }
    return written;
}

} // namespace vanopticon::sentinel
