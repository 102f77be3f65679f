// SPDX-License-Identifier: Apache-2.0
#include "shared/wire/batchdecoder.h"
#include "shared/wire/codec.h"

#include <QTest>

#include <zstd.h>

using namespace vanopticon;

class TestCodec : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void envelopeRoundTrip() {
        EventBatch batch;
        Event &event = batch.addEvent();
        event.sequence = 42;
        event.timestampNs = 1'700'000'000'000'000'000;
        event.severity = Severity::Medium;
        batch.setField(event, field::EventType, "auth_failed");
        batch.setField(event, field::Service, "sshd");
        batch.setField(event, field::SourceIp, "203.0.113.7");
        batch.setField(event, internField("CustomField"), "custom value");

        v1::Envelope envelope;
        auto *wireBatch = envelope.mutable_batch();
        wireBatch->set_batch_sequence(3);
        wire::toProto(event, *wireBatch->add_events());
        const std::string frame = wire::encodeEnvelope(envelope);

        // The server's decoding, into an arena, reads the same message.
        auto inArena = wire::decodeArenaEnvelope(frame);
        QVERIFY(inArena.ok());
        QCOMPARE((*inArena)->SerializeAsString(), envelope.SerializeAsString());

        auto decoded = wire::decodeEnvelope(frame);
        QVERIFY(decoded.ok());
        QCOMPARE(decoded->body_case(), v1::Envelope::kBatch);
        QCOMPARE(decoded->batch().events_size(), 1);
        QCOMPARE(decoded->batch().events(0).event_type(), std::string("auth_failed"));

        auto back = wire::decodeBatch(decoded->batch());
        QVERIFY(back.ok());
        QCOMPARE(back->batchSequence, std::uint64_t(3));
        QCOMPARE(back->events.size(), std::size_t(1));
        const Event &restored = back->events.events().front();
        QCOMPARE(restored.sequence, std::uint64_t(42));
        QCOMPARE(restored.timestampNs, event.timestampNs);
        QVERIFY(restored.severity == Severity::Medium);
        QCOMPARE(restored.value(field::SourceIp), std::string_view("203.0.113.7"));
        QCOMPARE(restored.value(field::Service), std::string_view("sshd"));
        QCOMPARE(restored.value(internField("CustomField")), std::string_view("custom value"));
        QCOMPARE(back->fieldsDropped, std::size_t(0));
    }

    void refusesFramesWithoutDeclaredSize() {
        // A streaming zstd frame has no content size in its header: refused, never guessed.
        const std::string payload(1000, 'a');
        ZSTD_CCtx *context = ZSTD_createCCtx();
        ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 0);
        std::string out(ZSTD_compressBound(payload.size()) + 64, '\0');
        ZSTD_outBuffer output {out.data(), out.size(), 0};
        ZSTD_inBuffer input {payload.data(), payload.size(), 0};
        ZSTD_compressStream2(context, &output, &input, ZSTD_e_end);
        ZSTD_freeCCtx(context);
        out.resize(output.pos);
        auto result = wire::decompress(out);
        QVERIFY(!result.ok());
        QVERIFY(QString::fromStdString(result.error().message).contains(u"does not declare"));
    }

    // Incompressible bytes are stored as they are: a flipped byte still decodes, and only the
    // frame's checksum can tell.
    void refusesFramesWhoseChecksumFails() {
        std::string payload(4000, '\0');
        std::uint32_t state = 2463534242u;
        for (char &byte : payload) {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            byte = char(state);
        }
        std::string frame = wire::compress(payload);
        QVERIFY(wire::decompress(frame).ok());
        frame[frame.size() / 2] = char(frame[frame.size() / 2] ^ 0x10);
        auto result = wire::decompress(frame);
        QVERIFY(!result.ok());
        QVERIFY2(QString::fromStdString(result.error().message).contains(u"checksum"), result.error().message.c_str());

        // A frame without a checksum is refused as such.
        std::string unchecked(ZSTD_compressBound(payload.size()), '\0');
        unchecked.resize(ZSTD_compress(unchecked.data(), unchecked.size(), payload.data(), payload.size(), 3));
        result = wire::decompress(unchecked);
        QVERIFY(!result.ok());
        QVERIFY(QString::fromStdString(result.error().message).contains(u"no content checksum"));
    }

    void refusesBombs() {
        const std::string huge(64 * 1024 * 1024, '\0'); // compresses to a few KB
        const std::string frame = wire::compress(huge);
        QVERIFY(frame.size() < 64 * 1024);
        auto result = wire::decompress(frame, 16 * 1024 * 1024);
        QVERIFY(!result.ok());
        QVERIFY(QString::fromStdString(result.error().message).contains(u"more than the limit"));
    }

    // A frame waits in the sentinel's memory until acknowledged: it must not carry the room
    // compression needed (about its input's size). Sizes above and below the room each thread
    // keeps, in turn, each give back exactly their bytes.
    void framesAreAllocatedAtTheirOwnSize() {
        std::string text;
        for (int i = 0; text.size() < 600'000; ++i)
            text += "Nov 24 12:02:02 web-01 sshd[" + std::to_string(1000 + i % 97) + "]: Failed password for root\n";
        for (const std::size_t size : {std::size_t(600'000), std::size_t(100), std::size_t(6 * 1024 * 1024),
                 std::size_t(20'000), std::size_t(600'000)}) {
            std::string input;
            while (input.size() < size)
                input += text;
            input.resize(size);
            const std::string frame = wire::compress(input);
            QVERIFY(!frame.empty());
            QVERIFY2(frame.capacity() <= std::max<std::size_t>(frame.size(), 15) + 16,
                qPrintable(QStringLiteral("%1 bytes in %2").arg(frame.size()).arg(frame.capacity())));
            const auto back = wire::decompress(frame, 16 * 1024 * 1024);
            QVERIFY(back.ok());
            QVERIFY(*back == input);
        }
    }

    void refusesGarbageAndTruncation_data() {
        QTest::addColumn<QByteArray>("frame");
        const std::string good = wire::compress(std::string(500, 'x'));
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("not zstd") << QByteArray("hello world");
        QTest::addRow("truncated") << QByteArray(good.data(), static_cast<int>(good.size() - 3));
        QTest::addRow("trailing bytes") << QByteArray(good.data(), static_cast<int>(good.size())) + "junk";
    }
    void refusesGarbageAndTruncation() {
        QFETCH(QByteArray, frame);
        QVERIFY(!wire::decompress(std::string_view(frame.constData(), static_cast<std::size_t>(frame.size()))).ok());
    }

    // One buffer for frame after frame: each view holds exactly its own frame's bytes, whether it
    // is smaller or larger than the one before (past kRetainedBufferBytes too), and a bad frame is
    // refused as decompress() refuses it without disturbing the next.
    void frameDecompressorReusesItsBufferCorrectly() {
        wire::FrameDecompressor decompressor;
        const std::string large(300'000, 'a');
        const std::string small = "short frame";
        const std::string huge(wire::kRetainedBufferBytes + 1, 'h');
        std::string mixed;
        for (int i = 0; mixed.size() < 200'000; ++i)
            mixed += std::to_string(i * 7919) + ' ';
        for (const std::string *payload :
            std::initializer_list<const std::string *> {&large, &small, &mixed, &huge, &small, &large}) {
            auto view = decompressor.decompress(wire::compress(*payload));
            QVERIFY2(view.ok(), view.ok() ? "" : view.error().message.c_str());
            QCOMPARE(view->size(), payload->size());
            QVERIFY(*view == *payload);
        }
        std::string damaged = wire::compress(mixed);
        damaged[damaged.size() / 2] = char(damaged[damaged.size() / 2] ^ 0x10);
        QVERIFY(!decompressor.decompress(damaged).ok());
        QVERIFY(!decompressor.decompress(wire::compress(std::string(64 * 1024 * 1024, '\0')), 1024).ok());
        auto after = decompressor.decompress(wire::compress(small));
        QVERIFY(after.ok());
        QVERIFY(*after == small);
    }

    void refusesEnvelopeGarbage() {
        const std::string notProto = wire::compress("\xff\xff\xff\xff garbage");
        QVERIFY(!wire::decodeEnvelope(notProto).ok());
        QVERIFY(!wire::decodeArenaEnvelope(notProto).ok());
        const std::string emptyEnvelope = wire::compress(v1::Envelope().SerializeAsString());
        QVERIFY(!wire::decodeEnvelope(emptyEnvelope).ok());
        QVERIFY(!wire::decodeArenaEnvelope(emptyEnvelope).ok());
        QVERIFY(!wire::decodeArenaEnvelope("not zstd").ok());
    }

    void validatesEventsFromTheWire() {
        v1::EventBatch batch;
        v1::Event *noType = batch.add_events();
        noType->set_timestamp_unix_nanos(1);
        v1::Event *noTime = batch.add_events();
        noTime->set_event_type("auth_failed");
        v1::Event *badSeverity = batch.add_events();
        badSeverity->set_event_type("auth_failed");
        badSeverity->set_timestamp_unix_nanos(1);
        badSeverity->set_severity(static_cast<v1::Severity>(9));

        v1::Event *hostileNames = batch.add_events();
        hostileNames->set_event_type("x");
        hostileNames->set_timestamp_unix_nanos(1);
        auto *bad = hostileNames->add_fields();
        bad->set_name("bad name with spaces");
        bad->set_value("v");
        auto *tooLong = hostileNames->add_fields();
        tooLong->set_name(std::string(65, 'a'));
        auto *fine = hostileNames->add_fields();
        fine->set_name("Good_Name.1");
        fine->set_value("ok");
        auto *core = hostileNames->add_fields();
        core->set_name("event_type");
        core->set_value("not from here");

        auto decoded = wire::decodeBatch(batch);
        QVERIFY(decoded.ok());
        QCOMPARE(decoded->received, std::size_t(4));
        QCOMPARE(decoded->missingEventType, std::size_t(1));
        QCOMPARE(decoded->invalid, std::size_t(2));
        QCOMPARE(decoded->fieldsDropped, std::size_t(2));
        QCOMPARE(decoded->events.size(), std::size_t(1));
        const Event &taken = decoded->events.events().front();
        QCOMPARE(taken.value(internField("Good_Name.1")), std::string_view("ok"));
        QCOMPARE(taken.value(field::EventType), std::string_view("x")); // a core field comes from its member only
    }
};

QTEST_GUILESS_MAIN(TestCodec)
#include "tst_codec.moc"
