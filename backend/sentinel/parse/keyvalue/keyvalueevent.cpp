// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/keyvalue/keyvalueevent.h"

#include "sentinel/parse/keyvalue/deviceseverity.h"
#include "sentinel/parse/keyvalue/devicetime.h"
#include "sentinel/parse/keyvalue/eventfieldwriter.h"
#include "sentinel/parse/keyvalue/fieldnamemap.h"
#include "sentinel/parse/keyvalue/keyvalue.h"

namespace vanopticon::sentinel {

namespace {

constexpr FieldRename kRenames[] = {
    {"src", "SourceIp"},
    {"src_ip", "SourceIp"},
    {"srcip", "SourceIp"},
    {"source_ip", "SourceIp"},
    {"client_ip", "SourceIp"},
    {"dst", "DestinationIp"},
    {"dst_ip", "DestinationIp"},
    {"dstip", "DestinationIp"},
    {"dest_ip", "DestinationIp"},
    {"destination_ip", "DestinationIp"},
    {"spt", "SourcePort"},
    {"sport", "SourcePort"},
    {"src_port", "SourcePort"},
    {"srcport", "SourcePort"},
    {"source_port", "SourcePort"},
    {"dpt", "DestinationPort"},
    {"dport", "DestinationPort"},
    {"dst_port", "DestinationPort"},
    {"dstport", "DestinationPort"},
    {"dest_port", "DestinationPort"},
    {"destination_port", "DestinationPort"},
    {"user", "User"},
    {"username", "User"},
    {"user_name", "User"},
    {"usr", "User"},
    {"suser", "User"},
    {"duser", "TargetUserName"},
    {"target_user", "TargetUserName"},
    {"proto", "Protocol"},
    {"protocol", "Protocol"},
    {"host", "host"},
    {"hostname", "host"},
    {"msg", "message"},
    {"message", "message"},
    {"service", "service"},
    {"pid", "ProcessId"},
    {"ppid", "ParentProcessId"},
    {"exe", "Image"},
    {"image", "Image"},
    {"cmd", "CommandLine"},
    {"cmdline", "CommandLine"},
    {"commandline", "CommandLine"},
    {"command_line", "CommandLine"},
    {"cwd", "CurrentDirectory"},
    {"file", "TargetFilename"},
    {"filename", "TargetFilename"},
    {"act", "Action"},
    {"action", "Action"},
    {"url", "c-uri"},
    {"uri", "c-uri"},
    {"method", "cs-method"},
    {"user_agent", "c-useragent"},
    {"useragent", "c-useragent"},
};

constexpr std::string_view kTimeKeys[] = {"time", "timestamp", "ts", "datetime", "@timestamp"};
constexpr std::string_view kLevelKeys[] = {"level", "lvl", "loglevel", "severity"};

template<std::size_t N> bool isOneOf(std::string_view key, const std::string_view (&keys)[N]) {
    for (const std::string_view candidate : keys) {
        if (key == candidate)
            return true;
    }
    return false;
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// Epoch seconds ("1700000000", "1700000000.25") or milliseconds (13 digits and more).
std::optional<std::int64_t> epochTime(std::string_view text) {
    const std::size_t dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    if (whole.empty() || whole.size() > 15)
        return std::nullopt;
    std::int64_t value = 0;
    for (const char c : whole) {
        if (!isDigit(c))
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    if (dot == std::string_view::npos && whole.size() >= 13)
        return parseEpochMilliseconds(whole);
    if (whole.size() > 11 || value > kMaxDeviceTimeSeconds)
        return std::nullopt;
    std::int64_t fractionNs = 0;
    if (dot != std::string_view::npos) {
        const std::string_view fraction = text.substr(dot + 1);
        if (fraction.empty())
            return std::nullopt;
        std::size_t digits = 0;
        for (const char c : fraction) {
            if (!isDigit(c))
                return std::nullopt;
            if (digits++ < 9)
                fractionNs = fractionNs * 10 + (c - '0');
        }
        for (; digits < 9; ++digits)
            fractionNs *= 10;
    }
    return value * 1'000'000'000 + fractionNs;
}

std::optional<std::int64_t> recordTime(std::string_view text, const SyslogContext &context) {
    if (text.empty())
        return std::nullopt;
    if (const auto epoch = epochTime(text))
        return epoch;
    if (isDigit(text.front()))
        return parseIsoTime(text, context);
    return parseDeviceTime(text, context);
}

// One per thread: the parser is called from any source's thread, and neither the scratch message
// nor the name cache is shared.
struct Scratch {
    KeyValueMessage message;
    FieldNameMap names {kRenames, "kv."};
};

} // namespace

ParseOutcome parseKeyValueEvent(
    std::string_view record, const SyslogContext &context, EventBatch &batch, RecordFieldStats *stats) {
    thread_local Scratch scratch;
    KeyValueMessage &message = scratch.message;
    if (const ParseOutcome outcome = parseKeyValues(record, message); !outcome)
        return outcome;

    RecordFieldStats ignored;
    RecordFieldStats &counts = stats ? *stats : ignored;
    counts.pairsOmitted += message.pairsOmitted;

    Event &event = batch.addEvent();
    event.timestampNs = context.nowNs;
    EventFieldWriter fields(batch, event, record);
    fields.set(field::EventType, "keyvalue");
    fields.set(field::SourceType, "keyvalue");
    fields.set(field::Category, "application");

    bool timeRead = false;
    bool levelRead = false;
    for (const KeyValuePair &pair : message.pairs) {
        if (!timeRead && isOneOf(pair.key, kTimeKeys)) {
            if (const auto time = recordTime(pair.value, context)) {
                event.timestampNs = *time;
                timeRead = true;
            } else {
                ++counts.timestampsUnread;
            }
        }
        if (!levelRead && isOneOf(pair.key, kLevelKeys)) {
            if (const auto severity = severityFromLevelName(pair.value)) {
                event.severity = *severity;
                levelRead = true;
            }
        }
        if (const auto id = scratch.names.resolve(pair.key, counts))
            fields.add(*id, pair.value, counts);
    }
    if (!fields.has(field::Message))
        fields.set(field::Message, record);
    if (!fields.has(field::Host) && !context.hostName.empty())
        fields.set(field::Host, context.hostName);
    return {};
}

} // namespace vanopticon::sentinel
