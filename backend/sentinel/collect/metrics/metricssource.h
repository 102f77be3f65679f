// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/metrics/metricsconfig.h"
#include "sentinel/collect/metrics/metricseventwriter.h"
#include "sentinel/collect/metrics/metricssampler.h"
#include "sentinel/collect/source.h"

#include <QTimer>

#include <cstdint>
#include <functional>

namespace vanopticon::sentinel {

// `type: metrics`: CPU, memory, disk, filesystem, network and load figures of this host, one
// event per interval (see MetricsEventWriter for the fields). The figures wait as well later as
// now, so the source can pause: stopped, it takes no readings; the first event after a restart
// covers the time since the last reading.
class MetricsSource : public Source {
    Q_OBJECT
public:
    struct Clock {
        std::function<std::int64_t()> monotonicNs; // for rates
        std::function<std::int64_t()> wallNs; // event time (UTC ns since the epoch)
        static Clock system();
    };

    explicit MetricsSource(
        MetricsConfig config, MetricsPaths paths = {}, Clock clock = Clock::system(), QObject *parent = nullptr);

    void start() override;
    void stop() override;
    bool canPause() const override { return true; }
    QJsonObject status() const override;

    bool isRunning() const { return m_timer.isActive(); }
    const MetricsSampler &sampler() const { return m_sampler; }
    // Takes a reading now and delivers an event when there is an interval to report (the timer
    // calls this; so may a test).
    void sampleNow();

private:
    MetricsSampler m_sampler;
    MetricsEventWriter m_writer;
    Clock m_clock;
    QTimer m_timer;
};

} // namespace vanopticon::sentinel
