// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/enrich/threatintel/threatintelstep.h"

#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <atomic>

namespace vanopticon::sentinel {

// The Qt edge of threat intelligence: reloads the feeds every `refresh_interval` on a worker
// thread of its own, so a large feed never stalls the thread that runs the pipeline; the step
// swaps the new set in atomically. The step must outlive the refresher.
class ThreatIntelRefresher : public QObject {
    Q_OBJECT
public:
    explicit ThreatIntelRefresher(ThreatIntelStep &step, QObject *parent = nullptr);
    ~ThreatIntelRefresher() override;

    // Starts the interval timer (the first load is the caller's: refreshNow() or step.refresh()).
    void start();
    void stop();
    int intervalMs() const { return m_timer.interval(); }
    bool isActive() const { return m_timer.isActive(); }

public Q_SLOTS:
    // Reloads now, on the worker thread; ignored while a reload is still running.
    void refreshNow();

Q_SIGNALS:
    void refreshed(int loaded, int unchanged, int failed, bool swapped);

private:
    ThreatIntelStep &m_step;
    QTimer m_timer;
    QThreadPool m_pool;
    std::atomic<bool> m_running {false};
};

} // namespace vanopticon::sentinel
