// SPDX-License-Identifier: Apache-2.0
// FlightWindow: a Busy halves the batches in flight to what the server had taken, the window
// opens again by one a second while it is full, and a new connection starts from the maximum.
#include "sentinel/transmit/flightwindow.h"

#include <QTest>

using namespace vanopticon::sentinel;
using namespace std::chrono_literals;

class TestFlightWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void startsAtTheMaximum() {
        const FlightWindow window(1000);
        QCOMPARE(window.size(), std::size_t(1000));
        QCOMPARE(FlightWindow(0).size(), std::size_t(1)); // always room for one batch
    }

    // The server held 19 of the node's batches when it refused the 20th: half of them is where
    // its queue is not filled again at once.
    void aBusyHalvesWhatTheServerTook() {
        FlightWindow window(1000);
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
        FlightWindow window(1000);
        const auto t0 = FlightWindow::Clock::time_point {} + 100s;
        window.busy(40, t0);
        QCOMPARE(window.size(), std::size_t(20));
        window.busy(100, t0 + 10s);
        QCOMPARE(window.size(), std::size_t(10));
    }

    void opensByOneASecondWhileFull() {
        FlightWindow window(5);
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

    void aNewConnectionStartsFromTheMaximum() {
        FlightWindow window(50);
        window.busy(4, FlightWindow::Clock::time_point {} + 100s);
        QCOMPARE(window.size(), std::size_t(2));
        window.reset();
        QCOMPARE(window.size(), std::size_t(50));
    }
};

QTEST_GUILESS_MAIN(TestFlightWindow)
#include "tst_flightwindow.moc"
