// SPDX-License-Identifier: Apache-2.0
// wire::decodeBatch against protobuf's own parse of the same bytes: the server decodes what
// sentinels send without protobuf, so it must accept exactly what protobuf accepts and make the
// same events of it. Generated batches, tens of thousands of mutations of them (seeded), and the
// edges of the encoding: keys, varints, groups at the recursion limit, UTF-8.
#include "shared/wire/batchdecoder.h"
#include "shared/wire/codec.h"
#include "support/protobytes.h"

#include <google/protobuf/stubs/logging.h>

#include <QTest>

#include <map>
#include <random>

using namespace vanopticon;
using vanopticon::test::lengthDelimited;
using vanopticon::test::varint;

namespace {

// What an event should become, worked out from protobuf's parse: the rules of decodeBatch()
// written out plainly, field by field.
struct Expected {
    std::size_t received = 0;
    std::size_t missingEventType = 0;
    std::size_t invalid = 0;
    std::size_t fieldsDropped = 0;
    std::vector<std::tuple<std::uint64_t, std::int64_t, int, std::map<std::string, std::string>>> events;
};

Expected expectedFrom(const v1::EventBatch &batch) {
    Expected expected;
    for (const v1::Event &in : batch.events()) {
        ++expected.received;
        if (in.event_type().empty()) {
            ++expected.missingEventType;
            continue;
        }
        if (in.timestamp_unix_nanos() <= 0 || in.severity() < 0 || in.severity() > 4
            || std::size_t(in.fields_size()) > wire::kMaxFieldsPerEvent) {
            ++expected.invalid;
            continue;
        }
        std::map<std::string, std::string> fields;
        const std::pair<const char *, const std::string *> members[] = {{"event_type", &in.event_type()},
            {"category", &in.category()}, {"host", &in.host()}, {"service", &in.service()}, {"message", &in.message()},
            {"raw", &in.raw()}, {"source_type", &in.source_type()}};
        for (const auto &[name, value] : members) {
            if (!value->empty())
                fields[name] = *value;
        }
        for (const v1::Field &f : in.fields()) {
            if (!wire::isAcceptableFieldName(f.name())) {
                ++expected.fieldsDropped;
                continue;
            }
            if (!wire::isCoreField(internField(f.name())))
                fields[f.name()] = f.value();
        }
        expected.events.emplace_back(in.sequence(), in.timestamp_unix_nanos(), int(in.severity()), std::move(fields));
    }
    return expected;
}

Expected expectedFrom(const wire::IncomingBatch &batch) {
    Expected got;
    got.received = batch.received;
    got.missingEventType = batch.missingEventType;
    got.invalid = batch.invalid;
    got.fieldsDropped = batch.fieldsDropped;
    for (const Event &event : batch.events.events()) {
        std::map<std::string, std::string> fields;
        for (const Field &f : event.fields())
            fields[std::string(fieldName(f.id))] = std::string(f.value);
        got.events.emplace_back(event.sequence, event.timestampNs, int(event.severity), std::move(fields));
    }
    return got;
}

// Decodes the bytes both ways, as the body of an envelope (where the server finds them, one
// recursion level down), and requires the same outcome.
void compareWithProtobuf(const std::string &batchBytes, const QByteArray &what) {
    v1::Envelope envelope;
    const bool protobufTakes = envelope.ParseFromString(lengthDelimited(6, batchBytes));
    auto decoded = wire::decodeBatch(batchBytes);
    QVERIFY2(decoded.ok() == protobufTakes,
        qPrintable(QStringLiteral("%1: protobuf %2 it, decodeBatch %3 it (%4)")
                       .arg(QLatin1String(what), QLatin1String(protobufTakes ? "takes" : "refuses"),
                           QLatin1String(decoded.ok() ? "takes" : "refuses"),
                           QString::fromStdString(decoded.ok() ? std::string() : decoded.error().message))));
    if (!protobufTakes)
        return;
    QCOMPARE(decoded->batchSequence, envelope.batch().batch_sequence());
    QCOMPARE(decoded->collectedUnixMs, envelope.batch().collected_unix_ms());
    const Expected want = expectedFrom(envelope.batch());
    const Expected got = expectedFrom(*decoded);
    QCOMPARE(got.received, want.received);
    QCOMPARE(got.missingEventType, want.missingEventType);
    QCOMPARE(got.invalid, want.invalid);
    QCOMPARE(got.fieldsDropped, want.fieldsDropped);
    QVERIFY2(got.events == want.events, what.constData());
}

v1::EventBatch generatedBatch(std::mt19937 &random, int events) {
    static const char *const types[] = {"auth_failed", "auth_success", "process_creation", ""};
    static const char *const names[] = {"SourceIp", "User", "Port_1", "bad name", "event_type", "x.y-z", ""};
    v1::EventBatch batch;
    batch.set_batch_sequence(random());
    batch.set_collected_unix_ms(1'700'000'000'000 + std::int64_t(random() % 1000));
    for (int i = 0; i < events; ++i) {
        v1::Event *event = batch.add_events();
        event->set_sequence(std::uint64_t(i) * 1'000'003);
        event->set_timestamp_unix_nanos(random() % 8 == 0 ? 0 : 1'700'000'000'000'000'000 + std::int64_t(random()));
        event->set_severity(static_cast<v1::Severity>(random() % 6));
        event->set_event_type(types[random() % 4]);
        event->set_host("web-01");
        if (random() % 2)
            event->set_service("sshd");
        event->set_message("Failed password for root from 203.0.113." + std::to_string(random() % 256));
        event->set_raw("Nov 24 09:00:00 web-01 sshd[42]: " + event->message() + " port 22 ssh2 \xc3\xa9\xe2\x82\xac");
        event->set_source_type("syslog");
        const int fields = int(random() % 5);
        for (int f = 0; f < fields; ++f) {
            v1::Field *field = event->add_fields();
            field->set_name(names[random() % 7]);
            field->set_value(std::to_string(random()));
        }
    }
    return batch;
}

} // namespace

class TestBatchDecoder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        // protobuf logs each string it refuses as not UTF-8; the mutations below make thousands.
        google::protobuf::SetLogHandler(nullptr);
    }

    void decodesWhatSentinelsSend() {
        std::mt19937 random(7);
        for (int round = 0; round < 50; ++round)
            compareWithProtobuf(generatedBatch(random, int(random() % 40)).SerializeAsString(), "generated");

        v1::EventBatch batch;
        batch.set_batch_sequence(12);
        v1::Event *event = batch.add_events();
        event->set_sequence(5);
        event->set_timestamp_unix_nanos(1'700'000'000'000'000'001);
        event->set_severity(v1::SEVERITY_HIGH);
        event->set_event_type("auth_failed");
        event->set_raw("raw line");
        v1::Field *ip = event->add_fields();
        ip->set_name("SourceIp");
        ip->set_value("203.0.113.7");
        auto decoded = wire::decodeBatch(batch.SerializeAsString());
        QVERIFY(decoded.ok());
        QCOMPARE(decoded->batchSequence, std::uint64_t(12));
        QCOMPARE(decoded->events.size(), std::size_t(1));
        const Event &taken = decoded->events.events().front();
        QCOMPARE(taken.sequence, std::uint64_t(5));
        QCOMPARE(taken.timestampNs, std::int64_t(1'700'000'000'000'000'001));
        QVERIFY(taken.severity == Severity::High);
        QCOMPARE(taken.value(field::EventType), std::string_view("auth_failed"));
        QCOMPARE(taken.value(field::Raw), std::string_view("raw line"));
        QCOMPARE(taken.value(field::SourceIp), std::string_view("203.0.113.7"));
    }

    // Every byte changed, inserted or removed somewhere, and every cut: both take it or both
    // refuse it, and what is taken is the same.
    void mutationsAreTakenOrRefusedAsProtobufDoes() {
        std::mt19937 random(2026);
        int refused = 0;
        constexpr int kMutations = 30'000;
        for (int round = 0; round < kMutations; ++round) {
            std::string bytes = generatedBatch(random, 1 + int(random() % 3)).SerializeAsString();
            const int edits = 1 + int(random() % 3);
            for (int e = 0; e < edits && !bytes.empty(); ++e) {
                const std::size_t at = random() % bytes.size();
                switch (random() % 4) {
                case 0:
                    bytes[at] = char(random());
                    break;
                case 1:
                    bytes[at] = char(bytes[at] ^ (1 << (random() % 8)));
                    break;
                case 2:
                    bytes.insert(at, 1, char(random()));
                    break;
                default:
                    bytes.erase(at, 1);
                    break;
                }
            }
            v1::Envelope envelope;
            if (!envelope.ParseFromString(lengthDelimited(6, bytes)))
                ++refused;
            compareWithProtobuf(bytes, "mutated");
            if (QTest::currentTestFailed()) {
                qWarning("round %d: %s", round, QByteArray::fromStdString(bytes).toHex().constData());
                return;
            }
        }
        // Both outcomes were exercised, many times.
        QVERIFY2(
            refused > kMutations / 20 && refused < kMutations - kMutations / 20, qPrintable(QString::number(refused)));

        const std::string whole = generatedBatch(random, 3).SerializeAsString();
        for (std::size_t cut = 0; cut < whole.size(); ++cut)
            compareWithProtobuf(whole.substr(0, cut), "cut");
    }

    // Numbers read as protobuf reads them: last value wins, a known number with another wire
    // type is an unknown field, enums keep 32 bits, keys up to five bytes.
    void numbersAndKeysAsProtobuf() {
        const std::string event = lengthDelimited(4, "a") + lengthDelimited(4, "auth_failed") // the last one counts
            + "\x10" + varint(1'700'000'000'000'000'000) // timestamp
            + "\x18" + varint((std::uint64_t(1) << 32) + 2) // severity: 2 once cut to 32 bits
            + "\x25" + std::string(4, 'x') // field 4 as fixed32: unknown
            + lengthDelimited(
                15, lengthDelimited(1, "User") + lengthDelimited(1, "UserName") + lengthDelimited(2, "v"));
        const std::string batch = lengthDelimited(2, event);
        compareWithProtobuf(batch, "repeats");
        auto decoded = wire::decodeBatch(batch);
        QVERIFY(decoded.ok());
        QCOMPARE(decoded->events.size(), std::size_t(1));
        const Event &taken = decoded->events.events().front();
        QCOMPARE(taken.value(field::EventType), std::string_view("auth_failed"));
        QVERIFY(taken.severity == Severity::Medium);
        QCOMPARE(taken.value(internField("UserName")), std::string_view("v"));

        compareWithProtobuf("\x08" + varint(~std::uint64_t(0)), "ten-byte varint");
        compareWithProtobuf("\x08" + std::string(10, '\xff') + "\x01", "eleven-byte varint");
        compareWithProtobuf(std::string("\x88\x80\x80\x80\x00\x05", 6), "five-byte key");
        compareWithProtobuf(std::string("\x88\x80\x80\x80\x70\x05", 6), "five-byte key past 32 bits");
        compareWithProtobuf(std::string("\x88\x80\x80\x80\x80\x00\x05", 7), "six-byte key");
        compareWithProtobuf(std::string("\x02\x00", 2), "field 0");
        compareWithProtobuf(std::string("\x0e", 1), "wire type 6");
        compareWithProtobuf(std::string("\x0c", 1), "an end group alone");
        compareWithProtobuf(std::string("\x12\x80\x80\x80\x80\x00", 6), "five-byte length");
        compareWithProtobuf(std::string("\x12\x80\x80\x80\x80\x80\x00", 7), "six-byte length");
        compareWithProtobuf(std::string("\x12\x01", 2), "length past the end");
    }

    // Groups are skipped whole, to the same depth protobuf allows.
    void groupsToTheRecursionLimit() {
        const auto nested = [](int depth) {
            std::string inner;
            for (int i = 0; i < depth; ++i)
                inner = "\xa3\x06" + inner + "\xa4\x06"; // field 100, start … end
            return inner;
        };
        for (int depth = 90; depth <= 100; ++depth) {
            const QByteArray label = "groups " + QByteArray::number(depth) + " deep in ";
            compareWithProtobuf(nested(depth), label + "the batch");
            const std::string event = lengthDelimited(4, "auth_failed") + "\x10\x01" + nested(depth);
            compareWithProtobuf(lengthDelimited(2, event), label + "an event");
            const std::string field = lengthDelimited(1, "User") + nested(depth);
            compareWithProtobuf(
                lengthDelimited(2, lengthDelimited(4, "auth_failed") + "\x10\x01" + lengthDelimited(15, field)),
                label + "a field");
        }
        compareWithProtobuf(std::string("\xa3\x06\xac\x06", 4), "a group closed by another number");
        compareWithProtobuf(std::string("\xa3\x06", 2), "a group never closed");
    }

    // What protobuf would take but no sentinel sends: an event with more fields than any real one
    // is left out (counted). Many fields cost time in proportion: 4,096 fields of one name and
    // 4,096 of distinct names decode alike.
    void eventsWithTooManyFieldsAreLeftOut() {
        const auto eventWith = [](std::size_t fields) {
            std::string event = lengthDelimited(4, "auth_failed") + "\x10\x01";
            for (std::size_t i = 0; i < fields; ++i)
                event += lengthDelimited(15, lengthDelimited(1, "User"));
            return lengthDelimited(2, event);
        };
        auto decoded = wire::decodeBatch(eventWith(wire::kMaxFieldsPerEvent) + eventWith(wire::kMaxFieldsPerEvent + 1));
        QVERIFY(decoded.ok());
        QCOMPARE(decoded->received, std::size_t(2));
        QCOMPARE(decoded->events.size(), std::size_t(1));
        QCOMPARE(decoded->invalid, std::size_t(1));
        QCOMPARE(decoded->events.events().front().fields().size(), std::size_t(2)); // event_type, User

        std::string distinct = lengthDelimited(4, "auth_failed") + "\x10\x01";
        for (std::size_t i = 0; i < wire::kMaxFieldsPerEvent; ++i)
            distinct += lengthDelimited(15, lengthDelimited(1, "Many" + std::to_string(i)) + lengthDelimited(2, "v"));
        auto many = wire::decodeBatch(lengthDelimited(2, distinct));
        QVERIFY(many.ok());
        QCOMPARE(many->events.events().front().fields().size(), wire::kMaxFieldsPerEvent + 1);
    }

    // A name given twice keeps its first place and takes its last value, as setField() would.
    void aRepeatedFieldKeepsItsPlaceAndTakesTheLastValue() {
        const auto entry = [](const char *name, const char *value) {
            return lengthDelimited(15, lengthDelimited(1, name) + lengthDelimited(2, value));
        };
        const std::string event = lengthDelimited(4, "auth_failed") + "\x10\x01" + entry("User", "a")
            + entry("SourceIp", "192.0.2.1") + entry("User", "b");
        auto decoded = wire::decodeBatch(lengthDelimited(2, event));
        QVERIFY(decoded.ok());
        const std::span<const Field> fields = decoded->events.events().front().fields();
        QCOMPARE(fields.size(), std::size_t(3));
        QCOMPARE(fields[0].id, field::EventType);
        QCOMPARE(fields[1].id, field::User);
        QCOMPARE(fields[1].value, std::string_view("b"));
        QCOMPARE(fields[2].id, field::SourceIp);
    }

    void stringsMustBeUtf8AsProtobufRequires() {
        const std::string samples[] = {"plain", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x92\xa9", "\xf4\x8f\xbf\xbf",
            "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80", "\xed\x9f\xbf", "\xf0\x80\x80\x80",
            "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\x80", "\xc3", "\xe2\x82", "\xff", std::string("a\0z", 3)};
        for (const std::string &text : samples) {
            const QByteArray label = QByteArray::fromStdString(text).toHex();
            for (std::uint32_t number : {4u, 5u, 6u, 7u, 8u, 9u, 10u}) {
                compareWithProtobuf(
                    lengthDelimited(2, lengthDelimited(4, "t") + "\x10\x01" + lengthDelimited(number, text)),
                    label + " in a member");
            }
            compareWithProtobuf(lengthDelimited(2,
                                    lengthDelimited(4, "t") + "\x10\x01"
                                        + lengthDelimited(15, lengthDelimited(1, "User") + lengthDelimited(2, text))),
                label + " in a field value");
            compareWithProtobuf(
                lengthDelimited(
                    2, lengthDelimited(4, "t") + "\x10\x01" + lengthDelimited(15, lengthDelimited(1, text))),
                label + " in a field name");
            compareWithProtobuf(lengthDelimited(2, lengthDelimited(11, text)), label + " in an unknown field");
        }
    }
};

QTEST_GUILESS_MAIN(TestBatchDecoder)
#include "tst_batchdecoder.moc"
