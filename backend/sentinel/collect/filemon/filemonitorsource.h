// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sentinel/collect/filemon/fileeventwriter.h"
#include "sentinel/collect/filemon/filehasher.h"
#include "sentinel/collect/filemon/filemonitorconfig.h"
#include "sentinel/collect/filemon/inotifytree.h"
#include "sentinel/collect/source.h"

#include <QSocketNotifier>
#include <QTimer>

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vanopticon::sentinel {

// `type: file_monitor`: changes under the configured paths (inotify) as Sigma file_event events,
// optionally with the SHA-256 of created and modified files. A QSocketNotifier wakes it when the
// kernel has events; configured paths that do not exist (yet) are looked for every
// kRootRetryInterval. Changes cannot be asked to wait: when the pipeline is backed up they are
// dropped and counted (the watches are still kept up to date). When the kernel's queue overflows,
// the loss is counted and reported and the tree is walked again.
class FileMonitorSource : public Source {
    Q_OBJECT
public:
    using Clock = std::function<std::int64_t()>; // UTC ns since the epoch
    static std::int64_t systemNowNs();

    static constexpr int kMaxReadsPerWake = 16; // buffers of InotifyTree::kReadBufferBytes
    static constexpr std::chrono::milliseconds kRootRetryInterval {10'000};

    explicit FileMonitorSource(FileMonitorConfig config, Clock clock = systemNowNs, QObject *parent = nullptr);
    ~FileMonitorSource() override;

    void start() override;
    void stop() override;
    bool canPause() const override { return false; }
    QJsonObject status() const override;

    bool isRunning() const { return m_running; }
    const InotifyTree &tree() const { return m_tree; }
    const FileMonitorConfig &config() const { return m_config; }
    const std::string &lastError() const { return m_lastError; }
    // Reads what the kernel has queued now (the notifier calls this; so may a test).
    void readEvents();

private:
    void lookForRoots();

    FileMonitorConfig m_config;
    Clock m_clock;
    InotifyTree m_tree;
    FileHasher m_hasher;
    FileEventWriter m_writer;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QTimer m_rootTimer;
    std::vector<FileChange> m_changes; // reused from wake to wake
    std::string m_lastError;
    std::string m_reportedTreeError;
    std::array<std::uint64_t, 5> m_changesByKind {}; // by FileChangeKind bit
    std::uint64_t m_notReported = 0; // kinds left out by `events`
    std::uint64_t m_hashed = 0;
    std::uint64_t m_hashTooLarge = 0;
    std::uint64_t m_hashFailures = 0; // unreadable, or not a regular file by the time it was read
    std::uint64_t m_droppedEvents = 0;
    std::uint64_t m_reportedOverflows = 0;
    bool m_running = false;
};

} // namespace vanopticon::sentinel
