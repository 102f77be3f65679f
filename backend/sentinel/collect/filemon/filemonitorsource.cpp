// SPDX-License-Identifier: Apache-2.0
#include "sentinel/collect/filemon/filemonitorsource.h"

#include <QJsonArray>

#include <bit>

using namespace Qt::StringLiterals;

namespace vanopticon::sentinel {

namespace {

std::string sourceName(const FileMonitorConfig &config) {
    std::string name = "file_monitor:";
    for (std::size_t i = 0; i < config.paths.size(); ++i) {
        if (i > 0)
            name += ',';
        name += config.paths[i];
    }
    return name;
}

std::size_t kindIndex(FileChangeKind kind) {
    return std::size_t(std::countr_zero(unsigned(kind)));
}

} // namespace

std::int64_t FileMonitorSource::systemNowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

FileMonitorSource::FileMonitorSource(FileMonitorConfig config, Clock clock, QObject *parent)
    : Source(sourceName(config), parent)
    , m_config(std::move(config))
    , m_clock(std::move(clock))
    , m_tree(m_config)
    , m_hasher(m_config.maxHashBytes) {
    m_rootTimer.setInterval(kRootRetryInterval);
    connect(&m_rootTimer, &QTimer::timeout, this, &FileMonitorSource::lookForRoots);
}

FileMonitorSource::~FileMonitorSource() = default;

void FileMonitorSource::start() {
    if (m_running)
        return;
    if (auto opened = m_tree.open(); !opened) {
        m_lastError = opened.error().message;
        qWarning("%s: %s", name().c_str(), m_lastError.c_str());
        ++m_counters.errors;
        return;
    }
    m_lastError.clear();
    m_tree.watchRoots();
    for (const std::string &missing : m_tree.missingRoots())
        qWarning("%s: %s does not exist (yet); looking for it every %llds", name().c_str(), missing.c_str(),
            static_cast<long long>(kRootRetryInterval.count() / 1000));
    if (!m_tree.lastError().empty()) {
        m_reportedTreeError = m_tree.lastError();
        qWarning("%s: %s", name().c_str(), m_reportedTreeError.c_str());
    }
    m_notifier = std::make_unique<QSocketNotifier>(m_tree.fd(), QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &FileMonitorSource::readEvents);
    m_rootTimer.start();
    m_running = true;
}

void FileMonitorSource::stop() {
    m_rootTimer.stop();
    m_notifier.reset();
    m_tree.close();
    m_running = false;
}

void FileMonitorSource::lookForRoots() {
    if (!m_tree.missingRoots().empty())
        m_tree.watchRoots();
}

void FileMonitorSource::readEvents() {
    if (m_tree.fd() < 0)
        return;
    m_changes.clear();
    if (m_tree.read(m_changes, kMaxReadsPerWake) == InotifyTree::ReadStatus::Failed) {
        ++m_counters.errors;
        m_lastError = m_tree.lastError();
        qWarning("%s: %s", name().c_str(), m_lastError.c_str());
    }
    if (m_tree.needsResynchronize()) {
        if (m_tree.stats().overflows != m_reportedOverflows) {
            m_reportedOverflows = m_tree.stats().overflows;
            qWarning("%s: the inotify queue overflowed (%llu times so far): changes were lost; walking the "
                     "watched paths again",
                name().c_str(), static_cast<unsigned long long>(m_reportedOverflows));
        }
        m_tree.resynchronize();
    }
    if (!m_tree.lastError().empty() && m_tree.lastError() != m_reportedTreeError) {
        m_reportedTreeError = m_tree.lastError();
        qWarning("%s: %s", name().c_str(), m_reportedTreeError.c_str());
    }
    if (m_changes.empty())
        return;

    const std::int64_t now = m_clock();
    EventBatch batch;
    for (const FileChange &change : m_changes) {
        ++m_counters.in;
        ++m_changesByKind[kindIndex(change.kind)];
        if (!m_config.reports(change.kind)) {
            ++m_notReported;
            continue;
        }
        if (isBackedUp()) {
            ++m_droppedEvents;
            ++m_counters.dropped;
            continue;
        }
        FileHasher::Hash hash;
        const bool hashable = m_config.hashSha256 && !change.directory
            && (change.kind == FileChangeKind::Create || change.kind == FileChangeKind::Modify);
        if (hashable) {
            hash = m_hasher.sha256(change.path);
            switch (hash.outcome) {
            case FileHasher::Outcome::Hashed:
                ++m_hashed;
                break;
            case FileHasher::Outcome::TooLarge:
                ++m_hashTooLarge;
                break;
            case FileHasher::Outcome::NotRegular:
            case FileHasher::Outcome::Unreadable:
                ++m_hashFailures;
                break;
            }
        }
        m_writer.append(change, hash.hex, now, batch);
    }
    if (!batch.empty())
        deliver(Delivery {std::move(batch), std::nullopt});
}

QJsonObject FileMonitorSource::status() const {
    QJsonObject status = Source::status();
    const InotifyTreeStats &stats = m_tree.stats();
    QJsonArray paths;
    for (const std::string &path : m_config.paths)
        paths.append(QString::fromStdString(path));
    QJsonArray missing;
    if (m_running) {
        for (const std::string &path : m_tree.missingRoots())
            missing.append(QString::fromStdString(path));
    }
    status.insert(u"paths"_s, paths);
    status.insert(u"missing_paths"_s, missing);
    status.insert(u"running"_s, m_running);
    status.insert(u"error"_s, QString::fromStdString(m_lastError.empty() ? m_tree.lastError() : m_lastError));
    status.insert(u"watches"_s, qint64(m_tree.watchCount()));
    status.insert(u"watch_limit_reached"_s, qint64(stats.watchLimitHits));
    status.insert(u"watch_failures"_s, qint64(stats.watchFailures));
    status.insert(u"overflows"_s, qint64(stats.overflows));
    status.insert(u"excluded"_s, qint64(stats.excluded));
    status.insert(u"directories_added"_s, qint64(stats.directoriesAdded));
    status.insert(u"directories_removed"_s, qint64(stats.directoriesRemoved));
    status.insert(u"scan_truncated"_s, qint64(stats.scanTruncated));
    status.insert(u"malformed"_s, qint64(stats.malformed));
    status.insert(u"created"_s, qint64(m_changesByKind[kindIndex(FileChangeKind::Create)]));
    status.insert(u"modified"_s, qint64(m_changesByKind[kindIndex(FileChangeKind::Modify)]));
    status.insert(u"deleted"_s, qint64(m_changesByKind[kindIndex(FileChangeKind::Delete)]));
    status.insert(u"renamed"_s, qint64(m_changesByKind[kindIndex(FileChangeKind::Rename)]));
    status.insert(u"attribute_changes"_s, qint64(m_changesByKind[kindIndex(FileChangeKind::Attribute)]));
    status.insert(u"not_reported"_s, qint64(m_notReported));
    status.insert(u"hashed"_s, qint64(m_hashed));
    status.insert(u"hash_too_large"_s, qint64(m_hashTooLarge));
    status.insert(u"hash_failures"_s, qint64(m_hashFailures));
    status.insert(u"backed_up"_s, isBackedUp());
    status.insert(u"dropped_events"_s, qint64(m_droppedEvents));
    return status;
}

} // namespace vanopticon::sentinel
