// SPDX-License-Identifier: Apache-2.0
// The ingest queue's two limits: waiting events, and their decoded size (a node could send
// batches of one event with thousands of fields, each counted as one event).
#include "command/gateway/ingestqueue.h"

#include <QTest>

#include <string>
#include <vector>

using namespace vanopticon;
using namespace vanopticon::command;

namespace {

// A batch of `events` events, numbered `sequence`, each with a value of `valueBytes` bytes.
IngestQueue::Item itemOf(quint64 sequence, std::size_t events, std::size_t valueBytes) {
    IngestQueue::Item item;
    item.batch.batchSequence = sequence;
    item.batch.received = events;
    const std::string value(valueBytes, 'x');
    for (std::size_t i = 0; i < events; ++i) {
        Event &event = item.batch.events.addEvent();
        item.batch.events.setField(event, field::Raw, value);
    }
    return item;
}

} // namespace

class TestIngestQueue : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void eventsAndBytesAreBothBounded() {
        std::vector<quint64> processed;
        IngestQueue queue(10, [&](IngestQueue::Item &item) { processed.push_back(item.batch.batchSequence); });
        QCOMPARE(queue.figures().maxBytes, 10 * IngestQueue::kBytesPerEvent);

        // An empty queue takes any batch, however large.
        QVERIFY(queue.offer(itemOf(1, 1, 30'000)));
        QVERIFY(queue.figures().bytes >= 30'000);
        // One event more fits by count but not by size; a small one fits both.
        QVERIFY(!queue.hasRoomFor(1, 20'000));
        QVERIFY(!queue.offer(itemOf(2, 1, 20'000)));
        QVERIFY(queue.offer(itemOf(3, 1, 100)));
        // Nine small events would pass the count.
        QVERIFY(!queue.offer(itemOf(4, 9, 10)));
        QCOMPARE(queue.figures().events, std::size_t(2));
        QCOMPARE(queue.figures().batches, std::size_t(2));

        QTRY_COMPARE(processed.size(), std::size_t(2));
        QCOMPARE(processed, (std::vector<quint64> {1, 3}));
        QCOMPARE(queue.figures().events, std::size_t(0));
        QCOMPARE(queue.figures().bytes, std::size_t(0));
        QVERIFY(queue.offer(itemOf(5, 1, 20'000))); // room again
    }

    void discardedBatchesGiveTheirRoomBack() {
        IngestQueue queue(10, [](IngestQueue::Item &) {});
        QVERIFY(queue.offer(itemOf(1, 2, 100)));
        QVERIFY(queue.offer(itemOf(2, 3, 5'000)));
        QCOMPARE(queue.discard(nullptr, 2), std::size_t(1));
        QCOMPARE(queue.figures().events, std::size_t(2));
        QVERIFY(queue.figures().bytes < 1'000);
        QVERIFY(queue.hasRoomFor(8, 39'000));
    }
};

QTEST_GUILESS_MAIN(TestIngestQueue)
#include "tst_ingestqueue.moc"
