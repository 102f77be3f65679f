// SPDX-License-Identifier: Apache-2.0
#include "shared/event/eventjson.h"

#include "shared/core/jsonwriter.h"

#include <array>
#include <charconv>
#include <ctime>

namespace vanopticon {

namespace {

constexpr std::array kCoreFields
    = {field::EventType, field::Category, field::Host, field::Service, field::Message, field::SourceType, field::Raw};

bool isCore(FieldId id) {
    for (FieldId core : kCoreFields) {
        if (core == id)
            return true;
    }
    return false;
}

void appendNumber(std::string &out, std::int64_t value, int width = 0) {
    char buffer[24];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    for (int pad = width - static_cast<int>(end - buffer); pad > 0; --pad)
        out += '0';
    out.append(buffer, end);
}

} // namespace

void appendTimestamp(std::string &out, std::int64_t unixNanos) {
    std::int64_t seconds = unixNanos / 1'000'000'000;
    std::int64_t nanos = unixNanos % 1'000'000'000;
    if (nanos < 0) {
        nanos += 1'000'000'000;
        --seconds;
    }
    const std::time_t time = static_cast<std::time_t>(seconds);
    std::tm utc {};
    gmtime_r(&time, &utc);
    out += '"';
    appendNumber(out, utc.tm_year + 1900, 4);
    out += '-';
    appendNumber(out, utc.tm_mon + 1, 2);
    out += '-';
    appendNumber(out, utc.tm_mday, 2);
    out += 'T';
    appendNumber(out, utc.tm_hour, 2);
    out += ':';
    appendNumber(out, utc.tm_min, 2);
    out += ':';
    appendNumber(out, utc.tm_sec, 2);
    out += '.';
    appendNumber(out, nanos, 9);
    out += "Z\"";
}

void appendEventJson(std::string &out, const Event &event) {
    out += "{\"timestamp\":";
    appendTimestamp(out, event.timestampNs);
    out += ",\"severity\":";
    appendJsonString(out, toString(event.severity));
    out += ",\"sequence\":";
    appendNumber(out, static_cast<std::int64_t>(event.sequence));
    for (FieldId id : kCoreFields) {
        if (const auto value = event.lookup(id)) {
            out += ',';
            appendJsonString(out, fieldName(id));
            out += ':';
            appendJsonString(out, *value);
        }
    }
    out += ",\"fields\":{";
    bool first = true;
    for (const Field &f : event.fields()) {
        if (isCore(f.id))
            continue;
        if (!first)
            out += ',';
        first = false;
        appendJsonString(out, fieldName(f.id));
        out += ':';
        appendJsonString(out, f.value);
    }
    out += "}}";
}

} // namespace vanopticon
