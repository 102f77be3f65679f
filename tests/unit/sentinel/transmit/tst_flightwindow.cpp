// SPDX-License-Identifier: Apache-2.0
// FlightWindow: a connection starts with a few batches in flight and opens by one per
// acknowledgement while full until the first Busy; a Busy halves the batches in flight to what the
// server had taken, and the window then opens by one a second while it is full.
#include "sentinel/transmit/flightwindow.h"

#include <QTest>

using namespace vanopticon::sentinel;
using namespace std::chrono_literals;

namespace {

// A window opened to its maximum by acknowledgements, as on a connection with a backlog before
// any Busy.
FlightWindow openedWindow(std::size_t maximum) {
    FlightWindow window(maximum);
    while (window.size() < maximum)
        window.acknowledged(window.size(), FlightWindow::Clock::time_point {});
    return window;
}

} // namespace

class TestFlightWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void startsSmall() {
        const FlightWindow window(1000);
        QCOMPARE(window.size(), FlightWindow::kInitialSize);
        QCOMPARE(FlightWindow(0).size(), std::size_t(1)); // always room for one batch
        QCOMPARE(FlightWindow(2).size(), std::size_t(2)); // never past the maximum
    }

    // Before any Busy, each acknowledgement that finds the window full opens it by one (it
    // doubles per round trip); one that finds it not full (the node had nothing more to send)
    // leaves it, so an idle connection does not build up a burst.
    void growsByOnePerAcknowledgementWhileFullUntilABusy() {
        FlightWindow window(10);
        const auto t0 = FlightWindow::Clock::time_point {} + 100s;
        window.acknowledged(3, t0);
        QCOMPARE(window.size(), std::size_t(4));
        for (std::size_t size = 4; size < 10; ++size) {
            window.acknowledged(size, t0); // no pacing: the same instant
            QCOMPARE(window.size(), size + 1);
        }
        window.acknowledged(10, t0);
        QCOMPARE(window.size(), std::size_t(10)); // the maximum

        FlightWindow paced(1000);
        paced.acknowledged(4, t0);
        paced.acknowledged(5, t0);
        QCOMPARE(paced.size(), std::size_t(6));
        paced.busy(6, t0);
        QCOMPARE(paced.size(), std::size_t(3));
        paced.acknowledged(3, t0 + 100ms); // after a Busy: a second between openings
        QCOMPARE(paced.size(), std::size_t(3));
    }

    // The server held 19 of the node's batches when it refused the 20th: half of them is where
    // its queue is not filled again at once.
    void aBusyHalvesWhatTheServerTook() {
        FlightWindow window = openedWindow(1000);
        const auto t0 = FlightWindow::Clock::time_point {} + 100s;
        window.busy(19, t0);
        QCOMPARE(window.size(), std::size_t(9));
        window.busy(9, t0 + 5s); // busy again with a full window
        QCOMPARE(window.size(), std::size_t(4));
        window.busy(0, t0 + 10s); // the queue was full of other nodes' batches
        QCOMPARE(window.size(), std::size_t(1));
        window.busy(0, t0 + 15s);
        QCOMPARE(window.size(), std::size_t(1));
    }

    // A Busy that reports more batches taken than the window allowed does not widen it.
    void aBusyNeverWidensTheWindow() {
        FlightWindow window = openedWindow(1000);
        const auto t0 = FlightWindow::Clock::time_point {} + 100s;
        window.busy(40, t0);
        QCOMPARE(window.size(), std::size_t(20));
        window.busy(100, t0 + 10s);
        QCOMPARE(window.size(), std::size_t(10));
    }

    void opensByOneASecondWhileFull() {
        FlightWindow window = openedWindow(5);
        const auto t0 = FlightWindow::Clock::time_point {} + 100s;
        window.busy(6, t0);
        QCOMPARE(window.size(), std::size_t(2)); // half of at most the maximum
        window.acknowledged(2, t0 + 500ms); // full, but too soon
        QCOMPARE(window.size(), std::size_t(2));
        window.acknowledged(1, t0 + 2s); // not full: the node had no more to send
        QCOMPARE(window.size(), std::size_t(2));
        window.acknowledged(2, t0 + 2s);
        QCOMPARE(window.size(), std::size_t(3));
        window.acknowledged(3, t0 + 2500ms); // a second since the last opening has not passed
        QCOMPARE(window.size(), std::size_t(3));
        window.acknowledged(3, t0 + 3s);
        QCOMPARE(window.size(), std::size_t(4));
        window.acknowledged(4, t0 + 4s);
        QCOMPARE(window.size(), std::size_t(5));
        window.acknowledged(5, t0 + 10s); // the maximum
        QCOMPARE(window.size(), std::size_t(5));
    }

    void aNewConnectionStartsSmallAndGrowsAgain() {
        FlightWindow window = openedWindow(50);
        const auto t0 = FlightWindow::Clock::time_point {} + 100s;
        window.busy(4, t0);
        QCOMPARE(window.size(), std::size_t(2));
        window.reset();
        QCOMPARE(window.size(), FlightWindow::kInitialSize);
        window.acknowledged(4, t0 + 1ms);
        window.acknowledged(5, t0 + 2ms);
        QCOMPARE(window.size(), std::size_t(6));
    }
};

QTEST_GUILESS_MAIN(TestFlightWindow)
#include "tst_flightwindow.moc"
