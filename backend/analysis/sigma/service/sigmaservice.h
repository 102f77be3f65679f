// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "analysis/correlate/detection.h"
#include "analysis/sigma/engine/sigmadetector.h"

#include <QDateTime>
#include <QFileSystemWatcher>
#include <QObject>
#include <QThread>
#include <QTimer>

#include <memory>
#include <vector>

namespace vanopticon::analysis::sigma {

// Sigma in the server: the detector over ingested events, its detections as alert input, and
// hot reload. When a rule file, directory, the logsource mapping or the placeholder file changes,
// the whole set is loaded and compiled again on a worker thread (the corpus takes seconds) while
// ingestion goes on with the old set; the new set replaces it only once it compiled. A reload
// that cannot run at all (the logsource mapping is broken) keeps the old set and is reported.
// Open Sigma correlation windows and the per-rule counters start again with a new set.
class SigmaService : public QObject {
    Q_OBJECT
public:
    static constexpr int kReloadDelayMs = 300; // changes arrive in bursts (an editor, a git pull)

    // Loads and compiles synchronously: a server does not start with rules it cannot read.
    static Result<std::unique_ptr<SigmaService>> create(SigmaOptions options, bool watch);
    ~SigmaService() override;

    // Detections of the batch: rules firing on their own, then Sigma correlations.
    void process(const EventBatch &batch, std::span<const EventRef> refs, std::vector<Detection> &out);

    const SigmaDetector &detector() const { return *m_detector; }
    SigmaDetector &detector() { return *m_detector; }

    struct Status {
        std::uint64_t generation = 1; // +1 per rule set put in service
        QDateTime loadedAt;
        std::uint64_t reloadsFailed = 0;
        QString lastReloadError; // empty once a reload succeeds
        bool reloading = false;
    };
    const Status &status() const { return m_status; }

Q_SIGNALS:
    // A new rule set is in service (or a reload failed: status().lastReloadError).
    void reloaded();

private:
    SigmaService(SigmaOptions options, std::unique_ptr<SigmaDetector> detector, bool watch);
    void scheduleReload();
    void startReload();
    void finishReload(std::shared_ptr<Result<std::unique_ptr<SigmaDetector>>> result);
    void watchSources();

    SigmaOptions m_options;
    std::unique_ptr<SigmaDetector> m_detector;
    std::unique_ptr<QFileSystemWatcher> m_watcher;
    QThread *m_worker = nullptr; // the reload being compiled
    QTimer m_reloadTimer;
    bool m_changedWhileReloading = false;
    Status m_status;
    SigmaDetector::Output m_output; // scratch
};

} // namespace vanopticon::analysis::sigma
