// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/leef/leefevent.h"

#include "sentinel/parse/keyvalue/deviceseverity.h"
#include "sentinel/parse/keyvalue/devicetime.h"
#include "sentinel/parse/keyvalue/eventfieldwriter.h"
#include "sentinel/parse/keyvalue/fieldnamemap.h"

namespace vanopticon::sentinel {

namespace {

constexpr FieldRename kRenames[] = {
    {"src", "SourceIp"},
    {"dst", "DestinationIp"},
    {"srcPort", "SourcePort"},
    {"dstPort", "DestinationPort"},
    {"usrName", "User"},
    {"proto", "Protocol"},
    {"url", "c-uri"},
    {"action", "Action"},
};

// One per thread: the parser is called from any source's thread, and neither the scratch message
// nor the name cache is shared.
struct Scratch {
    LeefMessage message;
    FieldNameMap names {kRenames, "leef.ext."};
    FieldId vendor = internField("leef.vendor");
    FieldId product = internField("leef.product");
    FieldId version = internField("leef.version");
    FieldId eventId = internField("leef.event_id");
    FieldId formatVersion = internField("leef.format_version");
};

} // namespace

ParseOutcome parseLeefEvent(std::string_view record, const SyslogContext &context, EventBatch &batch,
    RecordFieldStats *stats, const LeefOptions &options) {
    thread_local Scratch scratch;
    LeefMessage &message = scratch.message;
    if (const ParseOutcome outcome = parseLeef(record, message, options); !outcome)
        return outcome;

    RecordFieldStats ignored;
    RecordFieldStats &counts = stats ? *stats : ignored;
    counts.pairsOmitted += message.attributesOmitted;

    Event &event = batch.addEvent();
    event.timestampNs = context.nowNs;
    if (const auto sev = message.attribute("sev"))
        event.severity = severityFromScale(*sev).value_or(Severity::Info);
    EventFieldWriter fields(batch, event, record);
    fields.set(field::EventType, "leef");
    fields.set(field::SourceType, "leef");
    fields.set(field::Category, "security");
    fields.set(field::Message, message.eventId);
    if (!message.product.empty())
        fields.set(field::Service, message.product);
    if (!context.hostName.empty())
        fields.set(field::Host, context.hostName);
    fields.set(scratch.vendor, message.vendor);
    fields.set(scratch.product, message.product);
    fields.set(scratch.version, message.productVersion);
    fields.set(scratch.eventId, message.eventId);
    fields.set(scratch.formatVersion, message.version);

    if (const auto devTime = message.attribute("devTime")) {
        const auto format = message.attribute("devTimeFormat");
        const auto time = format ? parseJavaTime(*devTime, *format, context) : parseDeviceTime(*devTime, context);
        if (time)
            event.timestampNs = *time;
        else
            ++counts.timestampsUnread;
    }

    for (const LeefAttribute &attribute : message.attributes) {
        if (const auto id = scratch.names.resolve(attribute.key, counts))
            fields.add(*id, attribute.value, counts);
    }
    return {};
}

} // namespace vanopticon::sentinel
