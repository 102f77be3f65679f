// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <cstddef>

namespace vanopticon::sentinel {

// How many batches the transmitter lets fly unacknowledged.
//
// The server's ingestion queue is bounded: a batch that does not fit is answered Busy, the ones
// sent after it are dropped, and the node waits the server's retry_after (250 ms) before sending
// again. Each batch the server drops still cost it the frame's decompression (its sequence is
// inside), and the network the frame.
//
// - A connection starts with kInitialSize batches in flight, and while the window is full each
//   acknowledgement opens it by one: it doubles every round trip, up to max_pending_batches, until
//   the first Busy. A node coming back with a backlog used to send its whole window at once:
//   in `bench server --events 1000000` (two nodes of 500 batches) the server received 1,900
//   frames for 1,000 batches, each of the 900 extra decompressed only to be refused; with this
//   window 8–25 were refused. A fleet reconnecting after an outage did that node by node.
// - A Busy halves the window to what the server had taken from the node when it refused, at
//   most, and from then on, while the window is full, it opens by one batch a second at most: the
//   next Busy comes seconds later, not a quarter second. A node that went back to its whole
//   window after each pause filled the queue again at once: with a backlog it was told Busy every
//   twenty batches or so and spent much of its time waiting (`bench sentinel --live --rate 100000
//   --seconds 8`: 68–76 Busy answers, and the backlog drained 24–28 s after the writing stopped;
//   with this window one Busy, and 7–16 s).
//
// This is TCP's slow start and congestion avoidance (AIMD), with the increase after a Busy paced
// by time because each Busy costs a pause.
class FlightWindow {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::seconds kOpenInterval {1};
    static constexpr std::size_t kInitialSize = 4;

    // Starts as a new connection does.
    explicit FlightWindow(std::size_t maximum);

    std::size_t size() const { return m_size; }
    std::size_t maximum() const { return m_maximum; }

    // A new connection: nothing is known of the server's load, so the window starts small and
    // grows quickly.
    void reset();
    // The server refused a batch while it held `takenInFlight` of the node's batches (sent before
    // the refused one, not yet acknowledged). Only the first Busy of a pause counts: the server
    // answers each dropped batch, and they all tell of the same full queue.
    void busy(std::size_t takenInFlight, Clock::time_point now);
    // An acknowledgement arrived while `inFlight` batches were out: if that filled the window,
    // the node could have sent more, so the window opens by one: at once until the connection's
    // first Busy, after it when kOpenInterval has passed since it last changed.
    void acknowledged(std::size_t inFlight, Clock::time_point now);

private:
    std::size_t m_maximum;
    std::size_t m_size;
    bool m_growing = true; // no Busy yet on this connection
    Clock::time_point m_changedAt {};
};

} // namespace vanopticon::sentinel
