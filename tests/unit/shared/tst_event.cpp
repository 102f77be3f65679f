// SPDX-License-Identifier: Apache-2.0
#include "shared/core/arena.h"
#include "shared/event/event.h"
#include "shared/event/eventjson.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <QTest>

using namespace vanopticon;

class TestEvent : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Blocks of a freed arena serve the next arenas of the thread, up to a bound; their bytes
    // are the new arena's (views into a live arena are never touched by another).
    void arenaBlocksAreReusedBounded() {
        const std::size_t before = Arena::cachedBlocks();
        std::string_view kept;
        {
            Arena arena;
            arena.allocate(Arena::kDefaultBlockSize / 2, 1);
            arena.allocate(Arena::kDefaultBlockSize / 2 + 1, 1); // a second block
            arena.allocate(Arena::kDefaultBlockSize * 2, 1); // oversized: not cached
        }
        QCOMPARE(Arena::cachedBlocks(), before + 2);
        Arena reused;
        kept = reused.copy("still here");
        QCOMPARE(Arena::cachedBlocks(), before + 1);
        {
            Arena other;
            QVERIFY(other.allocate(16, 1) != kept.data());
        }
        QCOMPARE(kept, std::string_view("still here"));

        {
            std::vector<Arena> many(Arena::kMaxCachedBlocks + 10);
            for (Arena &arena : many)
                arena.allocate(1, 1);
        }
        QCOMPARE(Arena::cachedBlocks(), Arena::kMaxCachedBlocks);

        // Moving an arena moves its blocks: nothing is given back twice.
        Arena moved;
        const std::string_view text = moved.copy("moved");
        Arena target = std::move(moved);
        QCOMPARE(text, std::string_view("moved"));
        target = Arena();
        QCOMPARE(Arena::cachedBlocks(), Arena::kMaxCachedBlocks);
    }

    void wellKnownFieldsHaveFixedIds() {
        QCOMPARE(internField("SourceIp"), field::SourceIp);
        QCOMPARE(internField("event_type"), field::EventType);
        QCOMPARE(fieldName(field::User), std::string_view("User"));
    }

    void internIsStableAndDistinct() {
        const FieldId a = internField("TestOnlyFieldA");
        const FieldId b = internField("TestOnlyFieldB");
        QVERIFY(a != b);
        QVERIFY(a >= field::WellKnownCount);
        QCOMPARE(internField("TestOnlyFieldA"), a);
        QCOMPARE(FieldRegistry::instance().find("TestOnlyFieldA"), std::optional<FieldId>(a));
        QVERIFY(!FieldRegistry::instance().find("NeverInterned").has_value());
    }

    void setFieldReplacesAndGrows() {
        EventBatch batch;
        Event &event = batch.addEvent();
        for (int i = 0; i < 40; ++i)
            batch.setField(event, static_cast<FieldId>(field::SourceIp + (i % 10)), std::to_string(i));
        QCOMPARE(event.fields().size(), std::size_t(10));
        QCOMPARE(event.value(field::SourceIp), std::string_view("30"));
        QCOMPARE(event.value(field::Message), std::string_view());
        QVERIFY(!event.lookup(field::Message).has_value());
        QVERIFY(event.has(field::SourceIp));
    }

    void severityIsAField() {
        EventBatch batch;
        Event &event = batch.addEvent();
        event.severity = Severity::High;
        QCOMPARE(event.value(field::Severity), std::string_view("high"));
    }

    void valuesSurviveBatchMoveAndGrowth() {
        EventBatch batch;
        for (int i = 0; i < 5000; ++i) {
            Event &event = batch.addEvent();
            batch.setField(event, field::User, "user-" + std::to_string(i));
        }
        EventBatch moved = std::move(batch);
        QCOMPARE(moved.size(), std::size_t(5000));
        QCOMPARE(moved.events()[4321].value(field::User), std::string_view("user-4321"));
    }

    void copyFromCopiesEverything() {
        EventBatch source;
        Event &original = source.addEvent();
        original.sequence = 7;
        original.timestampNs = 123;
        source.setField(original, field::SourceIp, "203.0.113.9");
        EventBatch target;
        const Event &copy = target.copyFrom(original);
        source = EventBatch(); // the copy must not point into the old arena
        QCOMPARE(copy.sequence, std::uint64_t(7));
        QCOMPARE(copy.value(field::SourceIp), std::string_view("203.0.113.9"));
    }

    void eventsBecomeValidJson() {
        EventBatch batch;
        Event &event = batch.addEvent();
        event.timestampNs = 1'700'000'000'123'456'789;
        event.severity = Severity::Low;
        batch.setField(event, field::EventType, "auth_failed");
        batch.setField(event, field::Message, "Failed password for \"root\"\n\xff");
        batch.setField(event, field::SourceIp, "203.0.113.7");
        std::string json;
        appendEventJson(json, event);
        QJsonParseError error {};
        const QJsonObject object = QJsonDocument::fromJson(QByteArray::fromStdString(json), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(object[u"timestamp"].toString(), QStringLiteral("2023-11-14T22:13:20.123456789Z"));
        QCOMPARE(object[u"severity"].toString(), QStringLiteral("low"));
        QCOMPARE(object[u"event_type"].toString(), QStringLiteral("auth_failed"));
        QCOMPARE(object[u"message"].toString(), QStringLiteral("Failed password for \"root\"\n\uFFFD"));
        QCOMPARE(object[u"fields"].toObject()[u"SourceIp"].toString(), QStringLiteral("203.0.113.7"));
        QVERIFY(!object.contains(u"host"));
        std::string before;
        appendTimestamp(before, -1); // just before the epoch
        QCOMPARE(before, std::string("\"1969-12-31T23:59:59.999999999Z\""));
    }
};

QTEST_GUILESS_MAIN(TestEvent)
#include "tst_event.moc"
