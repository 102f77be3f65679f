// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/stagecounters.h"
#include "shared/core/result.h"
#include "shared/event/event.h"

#include <QJsonObject>
#include <QObject>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace vanopticon::sentinel {

// What a source hands to the pipeline: normalized events and, for a source that can resume
// (a file, the journal), the checkpoint to save once the server has acknowledged these events.
// The checkpoint is opaque to the pipeline and given back to Source::resume() after a restart.
struct Delivery {
    EventBatch events;
    std::optional<std::string> checkpoint;
};

// One entry of `collector.sources`: it collects, parses into events and delivers them. Sources
// live on the sentinel's thread (Qt at the edge: sockets, timers, notifiers); parsing is plain C++.
class Source : public QObject {
    Q_OBJECT
public:
    using Sink = std::function<void(Delivery &&delivery)>;

    // `name` identifies the source in checkpoints, metrics and messages, e.g. "syslog:/var/log/auth.log".
    explicit Source(std::string name, QObject *parent = nullptr);

    const std::string &name() const { return m_name; }
    void setSink(Sink sink) { m_sink = std::move(sink); }
    // The most events one delivery should hold (the pipeline's batch_size). A source with
    // checkpoints cuts what it read into deliveries of at most this many, each with its own
    // checkpoint, so that a wire batch never ends inside a delivery.
    void setDeliveryLimit(std::size_t events) { m_deliveryLimit = events > 0 ? events : 1; }
    std::size_t deliveryLimit() const { return m_deliveryLimit; }

    // Called before start() with the last acknowledged checkpoint; a source that cannot resume
    // ignores it. An unusable checkpoint is an error (the caller logs it and starts afresh).
    virtual Result<void> resume(std::string_view checkpoint);
    virtual void start() = 0;
    virtual void stop() = 0;

    // Sources that can wait (files, the journal) are paused when the pipeline backs up; those
    // that cannot (UDP receivers) keep reading, drop what they cannot deliver and count it.
    virtual bool canPause() const { return true; }
    // Told by the pipeline while it cannot take more events. A source that cannot pause keeps
    // reading (a UDP socket, the kernel's process events) and drops what it would deliver, counted.
    void setBackedUp(bool backedUp) { m_backedUp = backedUp; }
    bool isBackedUp() const { return m_backedUp; }
    // Counters and state for health and metrics: {"name", "in", "out", "dropped", "errors", …}.
    virtual QJsonObject status() const;

    const StageCounters &counters() const { return m_counters; }

protected:
    // Hands events to the pipeline; counts them out.
    void deliver(Delivery &&delivery);

    StageCounters m_counters;

private:
    std::string m_name;
    Sink m_sink;
    std::size_t m_deliveryLimit = 500;
    bool m_backedUp = false;
};

} // namespace vanopticon::sentinel
