// SPDX-License-Identifier: Apache-2.0
// wire::soleBatchBody and wire::peekBatch against protobuf's own parse: the same sequence and
// event count for what sentinels send (and for unknown fields, groups, repeated numbers, empty
// batches), nothing for any other envelope or a malformed one.
#include "shared/wire/batchpeek.h"
#include "shared/wire/codec.h"
#include "support/protobytes.h"

#include <QTest>

using namespace vanopticon;
using vanopticon::test::varint;

class TestBatchPeek : public QObject {
    Q_OBJECT

    static v1::Envelope batchOf(std::uint64_t sequence, int events) {
        v1::Envelope envelope;
        v1::EventBatch *batch = envelope.mutable_batch();
        batch->set_batch_sequence(sequence);
        batch->set_collected_unix_ms(1'700'000'000'000);
        for (int i = 0; i < events; ++i) {
            v1::Event *event = batch->add_events();
            event->set_sequence(std::uint64_t(i + 1));
            event->set_timestamp_unix_nanos(1'700'000'000'000'000'000);
            event->set_event_type("auth_failed");
            event->set_raw("Nov 24 09:00:00 web-01 sshd[1]: Failed password for root from 203.0.113.7");
            v1::Field *field = event->add_fields();
            field->set_name("SourceIp");
            field->set_value("203.0.113.7");
        }
        return envelope;
    }

    static std::optional<wire::BatchHeader> peek(const std::string &envelope) {
        const std::optional<std::string_view> body = wire::soleBatchBody(envelope);
        return body ? wire::peekBatch(*body) : std::nullopt;
    }

    // What a full parse says, for comparison.
    static std::optional<wire::BatchHeader> parsed(const std::string &bytes) {
        v1::Envelope envelope;
        if (!envelope.ParseFromString(bytes) || envelope.body_case() != v1::Envelope::kBatch)
            return std::nullopt;
        return wire::BatchHeader {envelope.batch().batch_sequence(), std::size_t(envelope.batch().events_size())};
    }

    static void compare(const std::string &bytes) {
        const auto peeked = peek(bytes);
        const auto full = parsed(bytes);
        QVERIFY(peeked.has_value());
        QVERIFY(full.has_value());
        QCOMPARE(peeked->batchSequence, full->batchSequence);
        QCOMPARE(peeked->events, full->events);
    }

private Q_SLOTS:
    void readsWhatTheFullParseReads() {
        compare(batchOf(1, 500).SerializeAsString());
        compare(batchOf(std::uint64_t(1) << 62, 3).SerializeAsString()); // a ten-byte varint
        compare(batchOf(7, 0).SerializeAsString());
        QCOMPARE(peek(batchOf(7, 0).SerializeAsString())->events, std::size_t(0));
        QCOMPARE(peek(batchOf(9, 500).SerializeAsString())->events, std::size_t(500));
    }

    // Unknown fields of every wire type are stepped over; a repeated batch_sequence counts by its
    // last value, as in the full parse.
    void unknownFieldsAndRepeatsAsTheFullParse() {
        std::string inner = batchOf(5, 2).batch().SerializeAsString();
        inner += std::string("\x08\x0b", 2); // batch_sequence = 11, again
        inner += std::string("\xa0\x06\x96\x01", 4); // field 100, varint
        inner += std::string("\xa9\x06", 2) + std::string(8, '\x01'); // field 101, fixed64
        inner += std::string("\xb2\x06\x03"
                             "abc",
            6); // field 102, length-delimited
        inner += std::string("\xbd\x06", 2) + std::string(4, '\x02'); // field 103, fixed32
        QVERIFY(inner.size() >= 128); // its length takes two varint bytes
        const std::string envelope = std::string("\x32", 1) + varint(inner.size()) + inner;
        compare(envelope);
        QCOMPARE(peek(envelope)->batchSequence, std::uint64_t(11));

        // Groups (field 1 as a group is an unknown field too), nested; closed by another number
        // or never closed, they are malformed.
        compare(std::string("\x32\x02\x0b\x0c", 4));
        compare(std::string("\x32\x06\x0b\x13\x08\x01\x14\x0c", 8));
        QVERIFY(!peek(std::string("\x32\x02\x0b\x14", 4)));
        QVERIFY(!parsed(std::string("\x32\x02\x0b\x14", 4)));
        QVERIFY(!peek(std::string("\x32\x01\x0b", 3)));
        QVERIFY(!parsed(std::string("\x32\x01\x0b", 3)));
    }

    // Other bodies, a batch with something after it, and malformed encodings: left to the full parse.
    void anythingElseIsNotPeeked() {
        v1::Envelope heartbeat;
        heartbeat.mutable_heartbeat()->set_events_sent(3);
        QVERIFY(!peek(heartbeat.SerializeAsString()));
        QVERIFY(!peek(""));

        const std::string batch = batchOf(4, 10).SerializeAsString();
        QVERIFY(!peek(batch + heartbeat.SerializeAsString())); // two bodies: the last one wins
        QVERIFY(!peek(batch + batch)); // repeated: merged by the full parse
        for (std::size_t cut : {std::size_t(1), std::size_t(2), batch.size() / 2, batch.size() - 1})
            QVERIFY2(!peek(batch.substr(0, cut)), qPrintable(QString::number(cut)));

        std::string longVarint = std::string("\x32\x0b\x08", 3) + std::string(10, '\xff');
        QVERIFY(!peek(longVarint)); // an eleven-byte varint
        std::string fieldZero = std::string("\x32\x02\x00\x01", 4);
        QVERIFY(!peek(fieldZero));
        QVERIFY(!parsed(fieldZero));
    }
};

QTEST_GUILESS_MAIN(TestBatchPeek)
#include "tst_batchpeek.moc"
