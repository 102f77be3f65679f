// SPDX-License-Identifier: Apache-2.0
#include "sentinel/parse/rfc5424/rfc5424event.h"

#include "sentinel/parse/rfc5424/rfc5424.h"
#include "shared/wire/codec.h"
#include "shared/wire/fieldname.h"

#include <array>
#include <cstring>
#include <span>

namespace vanopticon::sentinel {

namespace {

// The length of a param value once its escapes are resolved.
std::size_t unescapedSize(std::string_view value) {
    std::size_t size = value.size();
    for (std::size_t i = 0; i + 1 < value.size(); ++i) {
        if (value[i] == '\\') {
            --size;
            ++i;
        }
    }
    return size;
}

FieldId msgIdField() {
    static const FieldId id = internField("msg_id");
    return id;
}

// msg_id and the SD params, on the event the classifier made.
void appendRfc5424Fields(Rfc5424EventInfo &info, EventBatch &batch, Event &event) {
    const Rfc5424Message &m = info.message;
    if (!m.msgId.empty())
        batch.setField(event, msgIdField(), m.msgId);
    info.sdFieldsDropped = m.paramsOmitted;
    std::array<char, 2 * 32 + 1> name; // SD-ID "." PARAM-NAME, each at most 32 bytes
    std::array<char, kMaxSdValueBytes> value;
    for (const Rfc5424Element &element : m.sdElements()) {
        std::memcpy(name.data(), element.id.data(), element.id.size());
        name[element.id.size()] = '.';
        for (const Rfc5424Param &param : m.paramsOf(element)) {
            std::memcpy(name.data() + element.id.size() + 1, param.name.data(), param.name.size());
            // SD-IDs and names are printable ASCII; private SD-IDs carry an '@' ("origin@32473").
            const std::span<char> nameBytes(name.data(), element.id.size() + 1 + param.name.size());
            wire::replaceNonFieldNameChars(nameBytes);
            const std::string_view fieldName(nameBytes.data(), nameBytes.size());
            const auto id = wire::isAcceptableFieldName(fieldName) ? FieldRegistry::instance().tryIntern(fieldName)
                                                                   : std::nullopt;
            if (!id) {
                ++info.sdFieldsDropped;
                continue;
            }
            const std::size_t size = param.escaped ? unescapedSize(param.value) : param.value.size();
            if (!param.escaped && size <= value.size()) {
                batch.setField(event, *id, param.value);
                continue;
            }
            if (size > value.size())
                ++info.sdValuesCut;
            batch.setField(event, *id, unescapeParamValue(param.value, value));
        }
    }
}

} // namespace

SyslogRecord toSyslogRecord(const Rfc5424Message &message, std::string_view raw, std::int64_t nowNs) {
    return SyslogRecord {message.hasTimestamp ? message.timestampNs : nowNs, message.severity, message.hostname,
        message.appName, message.procId, message.message, raw, "syslog"};
}

ParseOutcome parseRfc5424Event(std::string_view record, const SyslogContext &context, EventBatch &batch) {
    // Per thread: a classifier keeps figures, and this function is called from any.
    thread_local MessageClassifier classifier;
    classifier.setUtcOffset(context.utcOffsetSeconds);
    Rfc5424EventInfo info;
    return parseRfc5424Event(record, context, batch, info, classifier);
}

ParseOutcome parseRfc5424Event(std::string_view record, const SyslogContext &context, EventBatch &batch,
    Rfc5424EventInfo &info, MessageClassifier &classifier) {
    info.sdFieldsDropped = 0;
    info.sdValuesCut = 0;
    if (const ParseOutcome outcome = parseRfc5424(record, info.message); !outcome)
        return outcome;
    classifier.append(toSyslogRecord(info.message, record, context.nowNs), context.hostName, batch);
    appendRfc5424Fields(info, batch, batch.events().back());
    return {};
}

} // namespace vanopticon::sentinel
