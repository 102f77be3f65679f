// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/cef/cefevent.h"

#include "sentinel/parse/keyvalue/deviceseverity.h"
#include "sentinel/parse/keyvalue/devicetime.h"
#include "sentinel/parse/keyvalue/eventfieldwriter.h"
#include "sentinel/parse/keyvalue/fieldnamemap.h"

#include <array>

namespace vanopticon::sentinel {

namespace {

constexpr FieldRename kRenames[] = {
    {"src", "SourceIp"},
    {"sourceAddress", "SourceIp"},
    {"dst", "DestinationIp"},
    {"destinationAddress", "DestinationIp"},
    {"spt", "SourcePort"},
    {"sourcePort", "SourcePort"},
    {"dpt", "DestinationPort"},
    {"destinationPort", "DestinationPort"},
    {"shost", "SourceHostname"},
    {"sourceHostName", "SourceHostname"},
    {"dhost", "DestinationHostname"},
    {"destinationHostName", "DestinationHostname"},
    {"suser", "User"},
    {"sourceUserName", "User"},
    {"duser", "TargetUserName"},
    {"destinationUserName", "TargetUserName"},
    {"proto", "Protocol"},
    {"transportProtocol", "Protocol"},
    {"act", "Action"},
    {"deviceAction", "Action"},
    {"request", "c-uri"},
    {"requestUrl", "c-uri"},
    {"requestMethod", "cs-method"},
    {"requestClientApplication", "c-useragent"},
    {"fname", "TargetFilename"},
    {"fileName", "TargetFilename"},
};

constexpr std::string_view kTimeKeys[] = {"rt", "end", "start"};
constexpr std::string_view kLabelSuffix = "Label";
constexpr std::size_t kMaxLabelBytes = 64;

// One per thread: the parser is called from any source's thread, and neither the scratch message
// nor the name cache is shared.
struct Scratch {
    CefMessage message;
    FieldNameMap names {kRenames, "cef.ext."};
    FieldId vendor = internField("cef.vendor");
    FieldId product = internField("cef.product");
    FieldId version = internField("cef.version");
    FieldId signatureId = internField("cef.signature_id");
    FieldId name = internField("cef.name");
    FieldId severity = internField("cef.severity");
    FieldId formatVersion = internField("cef.format_version");
};

// "Configuration Resource" → "Configuration_Resource" in `buffer`; nullopt when the label is
// empty or too long to be a field name.
std::optional<std::string_view> labelName(std::string_view label, std::array<char, kMaxLabelBytes> &buffer) {
    while (!label.empty() && label.front() == ' ')
        label.remove_prefix(1);
    while (!label.empty() && label.back() == ' ')
        label.remove_suffix(1);
    if (label.empty() || label.size() > buffer.size())
        return std::nullopt;
    for (std::size_t i = 0; i < label.size(); ++i)
        buffer[i] = label[i] == ' ' ? '_' : label[i];
    return std::string_view(buffer.data(), label.size());
}

void addLabelledValues(
    const CefMessage &message, Scratch &scratch, EventFieldWriter &fields, RecordFieldStats &counts) {
    for (const CefExtension &label : message.extensions) {
        if (label.key.size() <= kLabelSuffix.size() || !label.key.ends_with(kLabelSuffix))
            continue;
        const auto value = message.extension(label.key.substr(0, label.key.size() - kLabelSuffix.size()));
        if (!value)
            continue;
        std::array<char, kMaxLabelBytes> buffer {};
        const auto name = labelName(label.value, buffer);
        if (!name) {
            ++counts.unacceptableNames;
            continue;
        }
        if (const auto id = scratch.names.resolve(*name, counts))
            fields.add(*id, *value, counts);
    }
}

} // namespace

ParseOutcome parseCefEvent(std::string_view record, const SyslogContext &context, EventBatch &batch,
    RecordFieldStats *stats, const CefOptions &options) {
    thread_local Scratch scratch;
    CefMessage &message = scratch.message;
    if (const ParseOutcome outcome = parseCef(record, message, options); !outcome)
        return outcome;

    RecordFieldStats ignored;
    RecordFieldStats &counts = stats ? *stats : ignored;
    counts.pairsOmitted += message.extensionsOmitted;

    Event &event = batch.addEvent();
    event.timestampNs = context.nowNs;
    event.severity = severityFromScale(message.severity).value_or(Severity::Info);
    EventFieldWriter fields(batch, event, record);
    fields.set(field::EventType, "cef");
    fields.set(field::SourceType, "cef");
    fields.set(field::Category, "security");
    fields.set(field::Message, message.name);
    if (!message.deviceProduct.empty())
        fields.set(field::Service, message.deviceProduct);
    fields.set(scratch.vendor, message.deviceVendor);
    fields.set(scratch.product, message.deviceProduct);
    fields.set(scratch.version, message.deviceVersion);
    fields.set(scratch.signatureId, message.signatureId);
    fields.set(scratch.name, message.name);
    fields.set(scratch.severity, message.severity);
    fields.set(scratch.formatVersion, message.version == 0 ? "0" : "1");

    // One pass: the fields, and the extensions the event's own members come from (first ones win).
    std::optional<std::string_view> deviceHost;
    std::optional<std::string_view> times[std::size(kTimeKeys)];
    for (const CefExtension &extension : message.extensions) {
        if (extension.key == "dvchost") {
            if (!deviceHost)
                deviceHost = extension.value;
        } else {
            for (std::size_t i = 0; i < std::size(kTimeKeys); ++i) {
                if (extension.key == kTimeKeys[i] && !times[i])
                    times[i] = extension.value;
            }
        }
        if (const auto id = scratch.names.resolve(extension.key, counts))
            fields.add(*id, extension.value, counts);
    }
    if (deviceHost && !deviceHost->empty())
        fields.set(field::Host, *deviceHost);
    else if (!context.hostName.empty())
        fields.set(field::Host, context.hostName);
    for (const auto &text : times) {
        if (!text)
            continue;
        if (const auto time = parseDeviceTime(*text, context)) {
            event.timestampNs = *time;
            break;
        }
        ++counts.timestampsUnread;
    }
    addLabelledValues(message, scratch, fields, counts);
    return {};
}

} // namespace vanopticon::sentinel
