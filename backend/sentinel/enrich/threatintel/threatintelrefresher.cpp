// SPDX-License-Identifier: Apache-2.0
#include "sentinel/enrich/threatintel/threatintelrefresher.h"

#include <QMetaObject>

#include <algorithm>
#include <limits>

namespace vanopticon::sentinel {

ThreatIntelRefresher::ThreatIntelRefresher(ThreatIntelStep &step, QObject *parent)
    : QObject(parent)
    , m_step(step) {
    const auto interval = std::min<std::int64_t>(
        step.config().refreshInterval.count(), std::numeric_limits<int>::max()); // config caps it at 7 days
    m_timer.setInterval(static_cast<int>(interval));
    m_timer.setTimerType(Qt::VeryCoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, &ThreatIntelRefresher::refreshNow);
    m_pool.setMaxThreadCount(1);
}

ThreatIntelRefresher::~ThreatIntelRefresher() {
    m_timer.stop();
    // A reload in progress finishes first; its queued result is dropped with this object.
    m_pool.waitForDone();
}

void ThreatIntelRefresher::start() {
    m_timer.start();
}

void ThreatIntelRefresher::stop() {
    m_timer.stop();
}

void ThreatIntelRefresher::refreshNow() {
    if (m_running.exchange(true))
        return;
    m_pool.start([this] {
        const ThreatIntelRefresh report = m_step.refresh();
        m_running.store(false);
        // Back on this object's thread; the destructor waits for this task, so `this` is alive.
        QMetaObject::invokeMethod(
            this,
            [this, report] {
                Q_EMIT refreshed(static_cast<int>(report.loaded), static_cast<int>(report.unchanged),
                    static_cast<int>(report.failed), report.swapped);
            },
            Qt::QueuedConnection);
    });
}

} // namespace vanopticon::sentinel
