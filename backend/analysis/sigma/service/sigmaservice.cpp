// SPDX-License-Identifier: Apache-2.0
#include "analysis/sigma/service/sigmaservice.h"

#include "analysis/sigma/service/sigmadetections.h"

#include <QDirIterator>
#include <QFileInfo>
#include <QThread>

namespace vanopticon::analysis::sigma {

namespace {

using Built = Result<std::unique_ptr<SigmaDetector>>;

} // namespace

Result<std::unique_ptr<SigmaService>> SigmaService::create(SigmaOptions options, bool watch) {
    auto detector = SigmaDetector::create(options);
    if (!detector)
        return detector.error();
    return std::unique_ptr<SigmaService>(new SigmaService(std::move(options), std::move(*detector), watch));
}

SigmaService::SigmaService(SigmaOptions options, std::unique_ptr<SigmaDetector> detector, bool watch)
    : m_options(std::move(options))
    , m_detector(std::move(detector)) {
    m_status.loadedAt = QDateTime::currentDateTimeUtc();
    m_reloadTimer.setSingleShot(true);
    m_reloadTimer.setInterval(kReloadDelayMs);
    connect(&m_reloadTimer, &QTimer::timeout, this, &SigmaService::startReload);
    if (watch) {
        m_watcher = std::make_unique<QFileSystemWatcher>();
        connect(m_watcher.get(), &QFileSystemWatcher::directoryChanged, this, &SigmaService::scheduleReload);
        connect(m_watcher.get(), &QFileSystemWatcher::fileChanged, this, &SigmaService::scheduleReload);
        watchSources();
    }
}

SigmaService::~SigmaService() {
    if (m_worker) {
        m_worker->wait(); // it only compiles; its result is dropped
        delete m_worker;
    }
}

void SigmaService::process(const EventBatch &batch, std::span<const EventRef> refs, std::vector<Detection> &out) {
    m_output.matches.clear();
    m_output.correlations.clear();
    m_detector->process(batch, refs, m_output);
    const auto &rules = m_detector->rules().rules;
    for (const RuleMatch &match : m_output.matches)
        out.push_back(toDetection(rules[match.rule], batch.events()[match.event], refs[match.event]));
    for (Detection &detection : m_output.correlations)
        out.push_back(std::move(detection));
}

// Every directory of the rule trees (a new file shows as a directory change), every rule file
// (edited in place), and the mapping and placeholder files.
void SigmaService::watchSources() {
    QStringList paths;
    const auto add = [&paths](const std::string &path) {
        if (!path.empty() && QFileInfo::exists(QString::fromStdString(path)))
            paths.append(QString::fromStdString(path));
    };
    for (const std::string &root : m_options.rulePaths) {
        add(root);
        const QString rootPath = QString::fromStdString(root);
        if (!QFileInfo(rootPath).isDir())
            continue;
        QDirIterator it(
            rootPath, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::NoSymLinks, QDirIterator::Subdirectories);
        while (it.hasNext())
            paths.append(it.next());
    }
    if (!m_options.fixedLogsource)
        add(m_options.logsourcesFile);
    add(m_options.placeholdersFile);
    const QStringList watched = m_watcher->files() + m_watcher->directories();
    if (!watched.isEmpty())
        m_watcher->removePaths(watched);
    const QStringList failed = m_watcher->addPaths(paths);
    if (!failed.isEmpty())
        qWarning("sigma: %lld paths cannot be watched for changes (inotify limit?), e.g. %s",
            static_cast<long long>(failed.size()), qPrintable(failed.first()));
}

void SigmaService::scheduleReload() {
    m_reloadTimer.start(); // restarts: one reload after the burst
}

void SigmaService::startReload() {
    if (m_worker) {
        m_changedWhileReloading = true;
        return;
    }
    m_status.reloading = true;
    auto result = std::make_shared<Built>(Error {"not built"});
    m_worker = QThread::create([options = m_options, result] { *result = SigmaDetector::create(options); });
    connect(m_worker, &QThread::finished, this, [this, result] { finishReload(result); });
    m_worker->start();
}

void SigmaService::finishReload(std::shared_ptr<Built> result) {
    delete m_worker;
    m_worker = nullptr;
    m_status.reloading = false;
    if (*result) {
        m_detector = std::move(**result);
        ++m_status.generation;
        m_status.loadedAt = QDateTime::currentDateTimeUtc();
        m_status.lastReloadError.clear();
        const auto &set = m_detector->rules();
        qInfo("sigma: rules reloaded: %zu rules, %zu correlations, %zu failed to load", set.rules.size(),
            m_detector->correlationCount(), set.failures.size());
    } else {
        ++m_status.reloadsFailed;
        m_status.lastReloadError = QString::fromStdString(result->error().message);
        qWarning("sigma: reload failed, the previous rules stay in service: %s", result->error().message.c_str());
    }
    if (m_watcher)
        watchSources(); // new files and directories
    Q_EMIT reloaded();
    if (m_changedWhileReloading) {
        m_changedWhileReloading = false;
        scheduleReload();
    }
}

} // namespace vanopticon::analysis::sigma
