// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/metrics/metricssource.h"

#include <chrono>

using namespace Qt::StringLiterals;

namespace vanopticon::sentinel {

MetricsSource::Clock MetricsSource::Clock::system() {
    return Clock {[] {
                      return std::int64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                                              .count());
                  },
        [] {
            return std::int64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                                    .count());
        }};
}

MetricsSource::MetricsSource(MetricsConfig config, MetricsPaths paths, Clock clock, QObject *parent)
    : Source("metrics", parent)
    , m_sampler(std::move(config), std::move(paths))
    , m_clock(std::move(clock)) {
    m_timer.setInterval(m_sampler.config().interval);
    connect(&m_timer, &QTimer::timeout, this, &MetricsSource::sampleNow);
}

void MetricsSource::start() {
    if (m_timer.isActive())
        return;
    sampleNow(); // the first reading of all, or the one that closes the interval of a pause
    m_timer.start();
}

void MetricsSource::stop() {
    m_timer.stop();
}

void MetricsSource::sampleNow() {
    const std::uint64_t failures = m_sampler.stats().readFailures + m_sampler.stats().mountFailures;
    const auto sample = m_sampler.sample(m_clock.monotonicNs());
    m_counters.errors += m_sampler.stats().readFailures + m_sampler.stats().mountFailures - failures;
    if (!sample)
        return;
    ++m_counters.in;
    EventBatch batch;
    m_writer.append(*sample, m_clock.wallNs(), batch);
    deliver(Delivery {std::move(batch), std::nullopt});
}

QJsonObject MetricsSource::status() const {
    QJsonObject status = Source::status();
    const MetricsSamplerStats &stats = m_sampler.stats();
    status.insert(u"interval_ms"_s, qint64(m_sampler.config().interval.count()));
    status.insert(u"running"_s, isRunning());
    status.insert(u"samples"_s, qint64(stats.samples));
    status.insert(u"read_failures"_s, qint64(stats.readFailures));
    status.insert(u"malformed_lines"_s, qint64(stats.malformedLines));
    status.insert(u"mount_failures"_s, qint64(stats.mountFailures));
    status.insert(u"devices_ignored"_s, qint64(stats.devicesIgnored + m_writer.devicesLeftOut()));
    return status;
}

} // namespace vanopticon::sentinel
