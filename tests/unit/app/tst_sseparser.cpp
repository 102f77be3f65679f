// SPDX-License-Identifier: Apache-2.0
#include "backoff.h"
#include "sseparser.h"

#include <QTest>

using namespace vanopticon::console;
using namespace std::chrono_literals;

class TestSseParser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parsesEventsWhateverTheChunking_data() {
        QTest::addColumn<int>("chunkSize");
        QTest::addRow("whole") << 0;
        QTest::addRow("bytes") << 1;
        QTest::addRow("threes") << 3;
        QTest::addRow("sevens") << 7;
    }
    void parsesEventsWhateverTheChunking() {
        QFETCH(int, chunkSize);
        const QByteArray stream = ": keep-alive\n"
                                  "id: 1\n"
                                  "event: alert.created\n"
                                  "data: {\"id\": 7}\n"
                                  "\n"
                                  "id: 2\r\n"
                                  "event: node.heartbeat\r\n"
                                  "data:{\"a\":\r\n"
                                  "data: 1}\r\n"
                                  "\r\n"
                                  "data: plain\r"
                                  "\r"
                                  "retry: 10\n"
                                  "event: ignored-without-data\n"
                                  "\n";
        SseParser parser;
        std::vector<SseEvent> events;
        const qsizetype step = chunkSize == 0 ? stream.size() : chunkSize;
        for (qsizetype offset = 0; offset < stream.size(); offset += step) {
            auto more = parser.feed(QByteArrayView(stream).sliced(offset, std::min(step, stream.size() - offset)));
            events.insert(events.end(), more.begin(), more.end());
        }
        QCOMPARE(events.size(), std::size_t(3));
        QCOMPARE(events[0].id, QByteArray("1"));
        QCOMPARE(events[0].type, QByteArray("alert.created"));
        QCOMPARE(events[0].data, QByteArray("{\"id\": 7}"));
        QCOMPARE(events[1].id, QByteArray("2"));
        QCOMPARE(events[1].type, QByteArray("node.heartbeat"));
        QCOMPARE(events[1].data, QByteArray("{\"a\":\n1}"));
        QCOMPARE(events[2].id, QByteArray("2")); // the last event id carries over
        QCOMPARE(events[2].type, QByteArray("message"));
        QCOMPARE(events[2].data, QByteArray("plain"));
        QCOMPARE(parser.dropped(), 0u);
    }

    void oversizedEventIsDroppedWholeAndCounted() {
        SseParser parser(64);
        auto events = parser.feed(QByteArray("event: big\ndata: " + QByteArray(100, 'x') + "\ndata: tail\n\n"));
        QVERIFY(events.empty());
        QCOMPARE(parser.dropped(), 1u);
        // The stream goes on normally afterwards.
        events = parser.feed("event: small\ndata: ok\n\n");
        QCOMPARE(events.size(), std::size_t(1));
        QCOMPARE(events[0].type, QByteArray("small"));
        QCOMPARE(events[0].data, QByteArray("ok"));

        // Many small data lines add up to too much as well.
        QByteArray many;
        for (int i = 0; i < 20; ++i)
            many += "data: 0123456789\n";
        events = parser.feed(QByteArray(many + "\n"));
        QVERIFY(events.empty());
        QCOMPARE(parser.dropped(), 2u);
    }

    void backoffDoublesUpToTheCapAndResets() {
        Backoff backoff(100ms, 1000ms);
        QCOMPARE(backoff.next(), 100ms);
        QCOMPARE(backoff.next(), 200ms);
        QCOMPARE(backoff.next(), 400ms);
        QCOMPARE(backoff.next(), 800ms);
        QCOMPARE(backoff.next(), 1000ms);
        QCOMPARE(backoff.next(), 1000ms);
        backoff.reset();
        QCOMPARE(backoff.next(), 100ms);
    }
};

QTEST_GUILESS_MAIN(TestSseParser)
#include "tst_sseparser.moc"
