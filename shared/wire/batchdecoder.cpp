// SPDX-License-Identifier: Apache-2.0
#include "shared/wire/batchdecoder.h"

#include "shared/core/utf8.h"
#include "shared/wire/codec.h"
#include "shared/wire/protoreader.h"

#include <array>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace vanopticon::wire {

namespace {

// Field numbers of event.proto.
namespace batch_field {
constexpr std::uint32_t BatchSequence = 1;
constexpr std::uint32_t Events = 2;
constexpr std::uint32_t CollectedUnixMs = 3;
} // namespace batch_field

namespace event_field {
constexpr std::uint32_t Sequence = 1;
constexpr std::uint32_t Timestamp = 2;
constexpr std::uint32_t Severity = 3;
constexpr std::uint32_t FirstText = 4; // event_type, category, host, service, message, raw, source_type
constexpr std::uint32_t LastText = 10;
constexpr std::uint32_t Fields = 15;
} // namespace event_field

namespace field_field {
constexpr std::uint32_t Name = 1;
constexpr std::uint32_t Value = 2;
} // namespace field_field

// The event's text members, in field-number order, and the fields they are kept in.
constexpr std::array<FieldId, event_field::LastText - event_field::FirstText + 1> kTextFields {
    field::EventType, field::Category, field::Host, field::Service, field::Message, field::Raw, field::SourceType};

// Recursion levels protobuf leaves at each depth: the envelope is the top message.
constexpr int kBatchDepth = ProtoReader::kRecursionLimit - 1;
constexpr int kEventDepth = kBatchDepth - 1;
constexpr int kFieldDepth = kEventDepth - 1;

Error malformed(const char *what) {
    return Error {std::string("malformed event batch: ") + what};
}

// The names a batch uses, resolved once each: the field registry takes a lock per lookup, and a
// batch repeats the same handful of names in every event. Bounded, so a batch of junk names
// costs no more than asking the registry each time.
class FieldNames {
public:
    // The id to store a field under; nullopt when the field is left out (a name that is not
    // acceptable, or a new name with the registry full).
    std::optional<FieldId> resolve(std::string_view name) {
        for (const Entry &entry : m_entries) {
            if (entry.name == name)
                return entry.id;
        }
        std::optional<FieldId> id;
        if (isAcceptableFieldName(name))
            id = FieldRegistry::instance().tryIntern(name);
        if (m_entries.size() < kMaxEntries)
            m_entries.push_back(Entry {std::string(name), id});
        return id;
    }

private:
    static constexpr std::size_t kMaxEntries = 64;
    struct Entry {
        std::string name;
        std::optional<FieldId> id;
    };
    std::vector<Entry> m_entries;
};

// An event's fields as they will be stored: a repeated id keeps its first place and takes the
// last value (as EventBatch::setField would), found in constant time, so an event of thousands
// of fields costs no more than their number.
class EventFields {
public:
    void start() {
        m_fields.clear();
        ++m_event;
    }
    void set(FieldId id, std::string_view value) {
        if (id >= m_slots.size())
            m_slots.resize(std::size_t(id) + 1);
        Slot &slot = m_slots[id];
        if (slot.event == m_event) {
            m_fields[slot.index].value = value;
            return;
        }
        slot = Slot {m_event, static_cast<std::uint32_t>(m_fields.size())};
        m_fields.push_back(Field {id, value});
    }
    std::span<const Field> fields() const { return m_fields; }

private:
    struct Slot {
        std::uint32_t event = 0; // the slot is current when this is the event being built
        std::uint32_t index = 0;
    };
    std::vector<Slot> m_slots; // by FieldId
    std::vector<Field> m_fields;
    std::uint32_t m_event = 0; // counts from 1: a slot never written is stale
};

// One Event message as read, its strings still views into the encoding.
struct WireEvent {
    std::uint64_t sequence = 0;
    std::int64_t timestampNs = 0;
    std::int32_t severity = 0;
    std::array<std::string_view, kTextFields.size()> texts {};
    std::vector<std::pair<std::string_view, std::string_view>> fields; // name, value; kept for reuse
    bool tooManyFields = false; // more than kMaxFieldsPerEvent (the rest are not kept)

    void clear() {
        sequence = 0;
        timestampNs = 0;
        severity = 0;
        texts = {};
        fields.clear();
        tooManyFields = false;
    }
};

class Decoder {
public:
    Result<IncomingBatch> run(std::string_view bytes) {
        ProtoReader reader(bytes);
        while (!reader.atEnd()) {
            const auto key = reader.key();
            if (!key)
                return malformed("bad field key");
            if (key->number == batch_field::BatchSequence && key->wireType == Varint) {
                const auto value = reader.varint();
                if (!value)
                    return malformed("bad batch_sequence");
                m_batch.batchSequence = *value;
            } else if (key->number == batch_field::Events && key->wireType == LengthDelimited) {
                const auto event = reader.lengthDelimited();
                if (!event)
                    return malformed("bad event length");
                if (auto read = readEvent(*event); !read)
                    return read.error();
                take();
            } else if (key->number == batch_field::CollectedUnixMs && key->wireType == Varint) {
                const auto value = reader.varint();
                if (!value)
                    return malformed("bad collected_unix_ms");
                m_batch.collectedUnixMs = static_cast<std::int64_t>(*value);
            } else if (!reader.skip(*key, kBatchDepth)) {
                return malformed("bad unknown field");
            }
        }
        return std::move(m_batch);
    }

private:
    // A string field: protobuf refuses a whole message whose strings are not UTF-8.
    static Result<std::string_view> readText(ProtoReader &reader) {
        const auto text = reader.lengthDelimited();
        if (!text)
            return malformed("bad string length");
        if (!isValidUtf8(*text))
            return malformed("a string is not UTF-8");
        return *text;
    }

    Result<void> readEvent(std::string_view bytes) {
        m_event.clear();
        ProtoReader reader(bytes);
        while (!reader.atEnd()) {
            const auto key = reader.key();
            if (!key)
                return malformed("bad field key in an event");
            if (key->wireType == Varint && key->number <= event_field::Severity) {
                const auto value = reader.varint();
                if (!value)
                    return malformed("bad number in an event");
                if (key->number == event_field::Sequence)
                    m_event.sequence = *value;
                else if (key->number == event_field::Timestamp)
                    m_event.timestampNs = static_cast<std::int64_t>(*value);
                else
                    m_event.severity = static_cast<std::int32_t>(*value); // an enum keeps 32 bits
            } else if (key->wireType == LengthDelimited && key->number >= event_field::FirstText
                && key->number <= event_field::LastText) {
                auto text = readText(reader);
                if (!text)
                    return text.error();
                m_event.texts[key->number - event_field::FirstText] = *text;
            } else if (key->wireType == LengthDelimited && key->number == event_field::Fields) {
                const auto field = reader.lengthDelimited();
                if (!field)
                    return malformed("bad field length");
                if (auto read = readField(*field); !read)
                    return read;
            } else if (!reader.skip(*key, kEventDepth)) {
                return malformed("bad unknown field in an event");
            }
        }
        return {};
    }

    Result<void> readField(std::string_view bytes) {
        std::string_view name;
        std::string_view value;
        ProtoReader reader(bytes);
        while (!reader.atEnd()) {
            const auto key = reader.key();
            if (!key)
                return malformed("bad key in a field");
            if (key->wireType == LengthDelimited
                && (key->number == field_field::Name || key->number == field_field::Value)) {
                auto text = readText(reader);
                if (!text)
                    return text.error();
                (key->number == field_field::Name ? name : value) = *text;
            } else if (!reader.skip(*key, kFieldDepth)) {
                return malformed("bad unknown field in a field");
            }
        }
        if (m_event.fields.size() < kMaxFieldsPerEvent)
            m_event.fields.emplace_back(name, value);
        else
            m_event.tooManyFields = true;
        return {};
    }

    // Adds the event just read to the batch, or counts why it is left out.
    void take() {
        ++m_batch.received;
        if (m_event.texts[0].empty()) {
            ++m_batch.missingEventType;
            return;
        }
        if (m_event.timestampNs <= 0 || m_event.severity < static_cast<std::int32_t>(Severity::Info)
            || m_event.severity > static_cast<std::int32_t>(Severity::Critical) || m_event.tooManyFields) {
            ++m_batch.invalid;
            return;
        }
        m_fields.start();
        for (std::size_t i = 0; i < kTextFields.size(); ++i) {
            if (!m_event.texts[i].empty())
                m_fields.set(kTextFields[i], m_event.texts[i]);
        }
        for (const auto &[name, value] : m_event.fields) {
            const std::optional<FieldId> id = m_names.resolve(name);
            if (!id) {
                ++m_batch.fieldsDropped;
                continue;
            }
            if (!isCoreField(*id)) // they only travel in the event's own members
                m_fields.set(*id, value);
        }
        Event &event = m_batch.events.addEvent();
        event.sequence = m_event.sequence;
        event.timestampNs = m_event.timestampNs;
        event.severity = static_cast<Severity>(m_event.severity);
        m_batch.events.setFields(event, m_fields.fields());
    }

    IncomingBatch m_batch;
    WireEvent m_event;
    FieldNames m_names;
    EventFields m_fields;
};

} // namespace

Result<IncomingBatch> decodeBatch(std::string_view batch) {
    return Decoder().run(batch);
}

Result<IncomingBatch> decodeBatch(const v1::EventBatch &batch) {
    // Through the encoding, so that one decoder decides what an event is. Unknown fields are
    // dropped first: protobuf keeps them and would write them out again, and nothing reads them.
    v1::EventBatch known(batch);
    known.DiscardUnknownFields();
    return decodeBatch(known.SerializeAsString());
}

} // namespace vanopticon::wire
