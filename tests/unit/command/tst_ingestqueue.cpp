// SPDX-License-Identifier: Apache-2.0
// The ingest queue's two limits: waiting events, and their decoded size (a node could send
// batches of one event with thousands of fields, each counted as one event).
#include "command/gateway/ingestqueue.h"

#include <QTest>

#include <span>
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
        // Groups of one batch: the order is what this test looks at.
        IngestQueue queue(10, 1, [&](std::span<IngestQueue::Item> group) {
            for (const IngestQueue::Item &item : group)
                processed.push_back(item.batch.batchSequence);
        });
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
        IngestQueue queue(10, 10, [](std::span<IngestQueue::Item>) {});
        QVERIFY(queue.offer(itemOf(1, 2, 100)));
        QVERIFY(queue.offer(itemOf(2, 3, 5'000)));
        QCOMPARE(queue.discard(nullptr, 2), std::size_t(1));
        QCOMPARE(queue.figures().events, std::size_t(2));
        QVERIFY(queue.figures().bytes < 1'000);
        QVERIFY(queue.hasRoomFor(8, 39'000));
    }

    // Waiting batches are handed on together while their events stay within the group limit;
    // a batch larger than the limit goes on its own; the order is kept.
    void waitingBatchesAreHandedOnInGroups() {
        std::vector<std::vector<quint64>> groups;
        IngestQueue queue(100, 10, [&](std::span<IngestQueue::Item> group) {
            std::vector<quint64> sequences;
            for (const IngestQueue::Item &item : group)
                sequences.push_back(item.batch.batchSequence);
            groups.push_back(sequences);
        });
        const std::size_t sizes[] = {4, 4, 2, 3, 12, 1, 9, 1};
        for (std::size_t i = 0; i < std::size(sizes); ++i)
            QVERIFY(queue.offer(itemOf(i + 1, sizes[i], 10)));
        QCOMPARE(queue.figures().events, std::size_t(36));
        QTRY_COMPARE(queue.figures().batches, std::size_t(0));
        const std::vector<std::vector<quint64>> expected {{1, 2, 3}, {4}, {5}, {6, 7}, {8}};
        QCOMPARE(groups, expected);
        QCOMPARE(queue.figures().events, std::size_t(0));
        QCOMPARE(queue.figures().bytes, std::size_t(0));
    }

    // What the processor offers or discards while a group is out is handled as usual: the
    // group has left the queue, so it is neither discarded nor counted again.
    void theProcessorMayOfferAndDiscard() {
        std::vector<quint64> processed;
        IngestQueue *self = nullptr;
        IngestQueue queue(100, 100, [&](std::span<IngestQueue::Item> group) {
            for (const IngestQueue::Item &item : group)
                processed.push_back(item.batch.batchSequence);
            if (group.front().batch.batchSequence == 1) {
                QCOMPARE(self->discard(nullptr, 1), std::size_t(0));
                QVERIFY(self->offer(itemOf(9, 2, 10)));
            }
        });
        self = &queue;
        QVERIFY(queue.offer(itemOf(1, 2, 10)));
        QVERIFY(queue.offer(itemOf(2, 2, 10)));
        QTRY_COMPARE(processed.size(), std::size_t(3));
        QCOMPARE(processed, (std::vector<quint64> {1, 2, 9}));
        QCOMPARE(queue.figures().events, std::size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestIngestQueue)
#include "tst_ingestqueue.moc"
